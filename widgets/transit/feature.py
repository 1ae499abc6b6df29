"""Transport: the smart stops, routes and buses; buses, stops and the chosen route are map layers."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import FeatureSpec, LayerDef, Placement, TileDef

STATS = "/api/v1/stats/transit"

FEATURES = (
    FeatureSpec("transit", QT_TRANSLATE_NOOP("Panels", "Transport"), "widgets.transit.panel:TransitPanel",
                Placement("bottom", 0.36, tab_with="energy"), workspaces=(),  # "all panels" only
                layers=(LayerDef("transit_route", QT_TRANSLATE_NOOP("Layers", "Bus route"), style="shape",
                                 color="#3e9eff"),
                        LayerDef("transit_stops", QT_TRANSLATE_NOOP("Layers", "Bus stops"), style="dot",
                                 color="#c9ced6", radius=4),
                        LayerDef("transit_buses", QT_TRANSLATE_NOOP("Layers", "Buses"), style="icon",
                                 color="#3e9eff", glyph="А")),
                tiles=(TileDef("transit.buses_on_time", QT_TRANSLATE_NOOP("Tiles", "Buses on time"), STATS,
                               "on_time", kind="gauge", unit="%", scale=100, alarm_below=80, events="transit."),
                       TileDef("transit.boards_silent", QT_TRANSLATE_NOOP("Tiles", "Boards down"), STATS,
                               "boards_down_list", kind="list", item="{name}", age="silent_minutes",
                               alarm_above=0, events="transit.board"))),
)
