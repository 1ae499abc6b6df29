"""Energy use of the municipal buildings; the sites are a map layer."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import FeatureSpec, LayerDef, Placement

FEATURES = (
    FeatureSpec("energy", QT_TRANSLATE_NOOP("Panels", "Energy"), "widgets.energy.panel:EnergyPanel",
                Placement("bottom", 0.34), workspaces=(),
                layers=(LayerDef("energy", QT_TRANSLATE_NOOP("Layers", "Energy sites"), style="icon",
                                 color="#e5d34a", glyph="ϟ"),)),
)
