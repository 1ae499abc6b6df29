"""The situation map; it draws the layers every feature declares, and incidents itself."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import FeatureSpec, LayerDef, Placement
from widgets.map.layers import INCIDENTS

FEATURES = (
    FeatureSpec("map", QT_TRANSLATE_NOOP("Panels", "Map"), "widgets.map.panel:MapPanel", Placement("left", 0.2),
                workspaces=(("dispatcher", Placement("left", 0.28)),),
                layers=(LayerDef(INCIDENTS, QT_TRANSLATE_NOOP("Layers", "Incidents"), style="incident"),)),
)
