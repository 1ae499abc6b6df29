"""The video wall; its cameras are a map layer that can be dragged onto a tile."""

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import ActionDef, FeatureSpec, LayerDef, Placement


@dataclass
class VideoWallSettings:
    layout: int | None = None  # the saved layout shown last, restored at the next start


FEATURES = (
    FeatureSpec("video_wall", QT_TRANSLATE_NOOP("Panels", "Video wall"), "widgets.video.panel:VideoWallPanel",
                Placement("bottom", 0.5, beside="energy"),
                workspaces=(("dispatcher", Placement("bottom", 0.4)), ("supervisor", Placement("bottom", 0.42))),
                layers=(LayerDef("cameras", QT_TRANSLATE_NOOP("Layers", "Cameras"), style="icon", color="#8ab4ff",
                                 glyph="◉", draggable=True),),
                # Supervisors: the recording of the selected tile's camera, from 5 minutes back.
                actions=(ActionDef("archive_at_tile", QT_TRANSLATE_NOOP("Actions", "Archive of the selected camera"),
                                   "view", "F9"),),
                settings=VideoWallSettings),
)
