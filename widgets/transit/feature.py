"""Transport: the smart stops, routes and buses; buses, stops and the chosen route are map layers."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import FeatureSpec, LayerDef, Placement

FEATURES = (
    FeatureSpec("transit", QT_TRANSLATE_NOOP("Panels", "Transport"), "widgets.transit.panel:TransitPanel",
                Placement("bottom", 0.36, tab_with="energy"),
                layers=(LayerDef("transit_route", QT_TRANSLATE_NOOP("Layers", "Bus route"), style="shape",
                                 color="#3e9eff"),
                        LayerDef("transit_stops", QT_TRANSLATE_NOOP("Layers", "Bus stops"), style="dot",
                                 color="#c9ced6", radius=4),
                        LayerDef("transit_buses", QT_TRANSLATE_NOOP("Layers", "Buses"), style="icon",
                                 color="#3e9eff", glyph="А"))),
)
