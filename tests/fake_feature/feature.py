from dataclasses import dataclass

from widgets.common.feature import ActionDef, FeatureSpec, LayerDef, Placement


@dataclass
class HydrantSettings:
    show_dry: bool = True


FEATURES = (
    FeatureSpec("hydrants", "Hydrants", "tests.fake_feature.panel:HydrantPanel",
                Placement("right", 0.2, tab_with="incident_card"),
                layers=(LayerDef("hydrants", "Hydrants", style="icon", color="#3ea8ff", glyph="H"),),
                actions=(ActionDef("hydrants_refresh", "Refresh hydrants", "view", "Ctrl+Alt+H"),),
                settings=HydrantSettings),
)
