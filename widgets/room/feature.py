"""The situation room: the city's key figures (a dock, and the wall screen), and the shift report."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import ActionDef, FeatureSpec, Placement
from widgets.room.tiles import TILES


@dataclass
class RoomSettings:
    wall_screen: str = ""            # the screen the wall opened on last (QScreen.name())
    wall_screen_index: int = -1      # and its place among the screens, for screens of the same name
    wall_center: str = "map"         # the feature whose panel fills the wall's middle
    wall_page_seconds: float = 20.0  # how long a page of tiles stays before the next
    refresh_seconds: float = 15.0    # figures are read again this often besides on live events
    shift_changes: str = "08:00,20:00"  # local times the shifts change; the report dialog presets one


FEATURES = (
    FeatureSpec("room", QT_TRANSLATE_NOOP("Panels", "City at a glance"), "widgets.room.panel:RoomPanel",
                Placement("bottom", 0.3, tab_with="energy"), workspaces=(),  # "all panels" only
                actions=(ActionDef("room.wall", QT_TRANSLATE_NOOP("Actions", "Situation overview"), menu="view",
                                   shortcut="Ctrl+Shift+W", checkable=True),
                         ActionDef("room.shift_report", QT_TRANSLATE_NOOP("Actions", "Shift report…"),
                                   menu="report", shortcut="Ctrl+Shift+R")),
                settings=RoomSettings, tiles=TILES),
)
