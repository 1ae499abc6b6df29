"""Excavation permits: the registry by status, the legality of a point, and the permits on the map."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import FeatureSpec, LayerDef, Placement, TileDef
from widgets.common.palette import STATE_COLORS

STATS = "/api/v1/stats/works"

FEATURES = (
    FeatureSpec("works", QT_TRANSLATE_NOOP("Panels", "Works"), "widgets.works.panel:WorksPanel",
                Placement("bottom", 0.34, tab_with="energy"), workspaces=(),
                layers=(LayerDef("works", QT_TRANSLATE_NOOP("Layers", "Excavation permits"), style="shape",
                                 color=STATE_COLORS["ok"]),),
                tiles=(TileDef("works.without_permit", QT_TRANSLATE_NOOP("Tiles", "Works without permit"), STATS,
                               "without_permit", kind="list", item="{number}  {address}", age="age_minutes",
                               alarm_above=0, events="works."),
                       TileDef("works.restoration_overdue", QT_TRANSLATE_NOOP("Tiles", "Restoration overdue"),
                               STATS, "restoration_overdue", alarm_above=0, events="works.",
                               detail=QT_TRANSLATE_NOOP("Tiles", "permits past their restore-by date")))),
)
