"""The panels the main window composes: one entry each, in the order they open."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt

from app.context import AppContext



@dataclass(frozen=True)
class PanelSpec:
    name: str                  # object name; keys the saved dock layout
    title: str                 # English; translated in context "Panels"
    factory: str               # "module:Class", called as Class(ctx)
    area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea
    central: bool = False      # the one panel that fills the middle
    min_role: str = "dispatcher"

    def build(self, ctx: AppContext):
        module, _, attr = self.factory.partition(":")
        cls: Callable = getattr(importlib.import_module(module), attr)
        return cls(ctx)


# Titles are listed for the translation tool: QT_TRANSLATE_NOOP-style.
TITLES = [QT_TRANSLATE_NOOP("Panels", "Incidents"), QT_TRANSLATE_NOOP("Panels", "Incident"),
          QT_TRANSLATE_NOOP("Panels", "Map"), QT_TRANSLATE_NOOP("Panels", "Video wall"),
          QT_TRANSLATE_NOOP("Panels", "Video archive"), QT_TRANSLATE_NOOP("Panels", "Energy")]

PANELS: list[PanelSpec] = [
    PanelSpec("incidents", "Incidents", "widgets.incidents.panel:IncidentQueuePanel", central=True),
    PanelSpec("incident_card", "Incident", "widgets.incidents.card:IncidentCardPanel"),
    PanelSpec("map", "Map", "widgets.map.panel:MapPanel", Qt.DockWidgetArea.LeftDockWidgetArea),
    PanelSpec("video_wall", "Video wall", "widgets.video.panel:VideoWallPanel", Qt.DockWidgetArea.RightDockWidgetArea),
    PanelSpec("energy", "Energy", "widgets.energy.panel:EnergyPanel", Qt.DockWidgetArea.BottomDockWidgetArea),
    PanelSpec("archive", "Video archive", "widgets.archive.panel:ArchivePanel", Qt.DockWidgetArea.BottomDockWidgetArea,
              min_role="supervisor"),
]
