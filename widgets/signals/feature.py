"""The Intersections panel; the intersections are a map layer coloured by state."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import FeatureSpec, LayerDef, Placement

FEATURES = (
    FeatureSpec("intersections", QT_TRANSLATE_NOOP("Panels", "Intersections"),
                "widgets.signals.panel:IntersectionsPanel", Placement("bottom", 0.4, tab_with="energy"), workspaces=(),
                layers=(LayerDef("intersections", QT_TRANSLATE_NOOP("Layers", "Intersections"), style="icon",
                                 color="#4cc38a", glyph="🚦", radius=7),)),
)
