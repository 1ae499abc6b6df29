"""The video archive, for supervisors: a tab behind the video wall."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import ActionDef, FeatureSpec, Placement

FEATURES = (
    FeatureSpec("archive", QT_TRANSLATE_NOOP("Panels", "Video archive"), "widgets.archive.panel:ArchivePanel",
                Placement("bottom", tab_with="video_wall"),
                workspaces=(("supervisor", Placement("right", 0.56)),), min_role="supervisor",
                actions=(ActionDef("archive_export", QT_TRANSLATE_NOOP("Actions", "Export video clip…"), "file",
                                   "Ctrl+E"),)),
)
