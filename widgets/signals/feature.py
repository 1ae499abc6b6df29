"""The Intersections panel; the intersections are a map layer coloured by state."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import FeatureSpec, LayerDef, Placement, TileDef

STATS = "/api/v1/stats/signals"
FAULT_LABELS = (
    ("flash", QT_TRANSLATE_NOOP("Tiles", "Flashing")),
    ("comm_lost", QT_TRANSLATE_NOOP("Tiles", "No link")),
    ("detector_stuck_on", QT_TRANSLATE_NOOP("Tiles", "Stuck detector")),
    ("detector_stuck_off", QT_TRANSLATE_NOOP("Tiles", "Mute detector")),
    ("max_outs", QT_TRANSLATE_NOOP("Tiles", "Max-outs")),
    ("split_failures", QT_TRANSLATE_NOOP("Tiles", "Split failures")),
)

FEATURES = (
    FeatureSpec("intersections", QT_TRANSLATE_NOOP("Panels", "Intersections"),
                "widgets.signals.panel:IntersectionsPanel", Placement("bottom", 0.4, tab_with="energy"),
                layers=(LayerDef("intersections", QT_TRANSLATE_NOOP("Layers", "Intersections"), style="icon",
                                 color="#4cc38a", glyph="🚦", radius=7),),
                tiles=(TileDef("signals.in_fault", QT_TRANSLATE_NOOP("Tiles", "Intersections in fault"), STATS,
                               "in_fault", alarm_above=0, events="signals.fault",
                               detail=QT_TRANSLATE_NOOP("Tiles", "of {intersections} intersections")),
                       TileDef("signals.by_kind", QT_TRANSLATE_NOOP("Tiles", "Intersections in fault by kind"),
                               STATS, "in_fault_by_kind", kind="bars", labels=FAULT_LABELS,
                               events="signals.fault"))),
)
