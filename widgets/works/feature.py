"""Excavation permits: the registry by status, the legality of a point, and the permits on the map."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import FeatureSpec, LayerDef, Placement
from widgets.common.palette import STATE_COLORS

FEATURES = (
    FeatureSpec("works", QT_TRANSLATE_NOOP("Panels", "Works"), "widgets.works.panel:WorksPanel",
                Placement("bottom", 0.34, tab_with="energy"), workspaces=(),
                layers=(LayerDef("works", QT_TRANSLATE_NOOP("Layers", "Excavation permits"), style="shape",
                                 color=STATE_COLORS["ok"]),)),
)
