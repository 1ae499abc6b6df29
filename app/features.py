"""The desktop features the main window composes: one line per feature module, in the order
their panels open. A module declares ``FEATURES`` (widgets.common.feature.FeatureSpec)."""

from __future__ import annotations

from app.settings import SECTIONS
from widgets.common.feature import FeatureSpec, load_features

FEATURE_MODULES = [
    "widgets.incidents.feature",
    "widgets.map.feature",
    "widgets.video.feature",
    "widgets.energy.feature",
    "widgets.works.feature",
    "widgets.cleaning.feature",
    "widgets.signals.feature",
    "widgets.transit.feature",
    "widgets.archive.feature",
    "widgets.room.feature",
]


def features(modules: list[str] | None = None) -> list[FeatureSpec]:
    """The specs, with their settings sections registered."""
    specs = load_features(FEATURE_MODULES if modules is None else modules)
    for spec in specs:
        if spec.settings is not None:
            SECTIONS[spec.name] = spec.settings
    return specs
