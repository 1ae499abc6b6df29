"""Street cleaning: today's plan against what the machines did, their timeline, and the map layers."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import FeatureSpec, LayerDef, Placement, TileDef
from widgets.common.palette import STATE_COLORS

STATS = "/api/v1/stats/cleaning"

FEATURES = (
    FeatureSpec("cleaning", QT_TRANSLATE_NOOP("Panels", "Cleaning"), "widgets.cleaning.panel:CleaningPanel",
                Placement("bottom", 0.34, tab_with="works"), workspaces=(),
                layers=(LayerDef("cleaning", QT_TRANSLATE_NOOP("Layers", "Street cleaning"), style="shape",
                                 color=STATE_COLORS["offline"]),
                        LayerDef("fleet_tracks", QT_TRANSLATE_NOOP("Layers", "Machines' tracks"), style="shape",
                                 color=STATE_COLORS["info"]),
                        LayerDef("fleet", QT_TRANSLATE_NOOP("Layers", "Cleaning machines"), style="icon",
                                 color=STATE_COLORS["info"], glyph="🧹")),
                tiles=(TileDef("cleaning.missed_today", QT_TRANSLATE_NOOP("Tiles", "Sections missed today"), STATS,
                               "missed_today", alarm_above=0, events="cleaning.",
                               detail=QT_TRANSLATE_NOOP("Tiles", "of {sections_active} sections in the plan")),)),
)
