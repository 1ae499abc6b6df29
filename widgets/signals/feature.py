"""The Intersections panel; the intersections are a map layer coloured by state."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import FeatureSpec, LayerDef, Placement, TileDef

STATS = "/api/v1/stats/signals"
MODE_LABELS = (
    ("coordinated", QT_TRANSLATE_NOOP("Tiles", "Coordinated")),
    ("free", QT_TRANSLATE_NOOP("Tiles", "Free")),
    ("manual", QT_TRANSLATE_NOOP("Tiles", "Manual")),
    ("flash", QT_TRANSLATE_NOOP("Tiles", "Flashing")),
    ("offline", QT_TRANSLATE_NOOP("Tiles", "No link")),
    ("unknown", QT_TRANSLATE_NOOP("Tiles", "Unknown")),
)

FEATURES = (
    FeatureSpec("intersections", QT_TRANSLATE_NOOP("Panels", "Intersections"),
                "widgets.signals.panel:IntersectionsPanel", Placement("bottom", 0.4, tab_with="energy"), workspaces=(),
                layers=(LayerDef("intersections", QT_TRANSLATE_NOOP("Layers", "Intersections"), style="icon",
                                 color="#4cc38a", glyph="🚦", radius=7),),
                tiles=(TileDef("signals.in_fault", QT_TRANSLATE_NOOP("Tiles", "Intersections in fault"), STATS,
                               "in_fault", alarm_above=0, events="signals.fault",
                               detail=QT_TRANSLATE_NOOP("Tiles", "of {intersections} intersections")),
                       # A controller going to flash or silent opens a fault: those events move the modes.
                       TileDef("signals.by_mode", QT_TRANSLATE_NOOP("Tiles", "Intersections by mode"),
                               STATS, "by_mode", kind="bars", labels=MODE_LABELS, events="signals.fault"))),
)
