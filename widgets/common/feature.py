"""How a desktop feature declares itself: one FeatureSpec per panel, read by the main window,
the map and the settings. A feature's module lists its specs in ``FEATURES``; the app's
registry (``app/features.py``) names the module once."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from widgets.common.palette import STATE_COLORS


@dataclass(frozen=True)
class LayerDef:
    """How the map page draws a layer. style: incident | dot (canvas, for thousands) | icon | shape.

    ``title`` is English, marked with ``QT_TRANSLATE_NOOP("Layers", ...)`` where it is declared;
    the map translates it in the context "Layers"."""

    name: str
    title: str
    style: str = "dot"
    color: str = STATE_COLORS["info"]
    glyph: str = ""
    radius: int = 4
    visible: bool = True
    draggable: bool = False  # items can be dragged out of the map (cameras onto the video wall)

    def to_page(self, title: str | None = None) -> dict:
        d = asdict(self)
        d["title"] = title or self.title
        return d


@dataclass(frozen=True)
class Placement:
    """Where a panel goes on first start (and on "Reset layout"): a hint, not a fixed place.

    area: central | left | right | bottom | top. ``beside`` splits the named panel's dock
    (side by side along the area); ``tab_with`` stacks it as a tab behind the named panel.
    ``share`` is the dock's part of the window's width (left/right, beside) or height
    (bottom/top). A named panel that is absent (role, a failed start) is ignored."""

    area: str = "right"
    share: float = 0.25
    beside: str = ""
    tab_with: str = ""


@dataclass(frozen=True)
class Workspace:
    """A role's arrangement of panels for one task (the dispatcher's queue, the supervisor's
    review), switched by keyboard. The main window declares the workspaces; a feature says
    where its panel goes in each with ``FeatureSpec.workspaces``. A panel a workspace does not
    name is hidden there (and still in the View menu)."""

    name: str
    title: str                     # English, marked with QT_TRANSLATE_NOOP("Workspaces", ...)
    shortcut: str = ""
    min_role: str = "dispatcher"


@dataclass(frozen=True)
class ActionDef:
    """A menu action a feature brings. ``text`` is English, marked with
    ``QT_TRANSLATE_NOOP("Actions", ...)``. The main window makes the QAction (in
    ``window.actions[name]``) and puts it in ``menu``; the feature's panel connects to it in
    its ``attach_window(window)``."""

    name: str
    text: str
    menu: str = "view"            # file | incident | view
    shortcut: str = ""
    checkable: bool = False


@dataclass(frozen=True)
class TileDef:
    """A key figure on the wall screen and the room panel, read from a /api/v1/stats endpoint.

    ``title`` is English, marked with ``QT_TRANSLATE_NOOP("Tiles", ...)``. ``value`` is a dotted
    path into the endpoint's JSON ("open_total", "sla_today.compliance", "resources.0.used").
    kind: number | gauge (a share 0…1 or value against ``compare``) | sparkline (a list of
    numbers) | bars (a list of {key, count}) | list (a list of dicts shown with ``item``, a
    format string of their fields, and ``age``, a field of minutes shown as an age). The tile is
    in alarm when the value is above ``alarm_above`` or below ``alarm_below``. ``events`` is the
    live-event prefix that makes the endpoint be read again; ``labels`` names the keys of bars
    (English, marked in "Tiles"); ``params`` are the endpoint's query parameters."""

    name: str
    title: str
    endpoint: str
    value: str
    kind: str = "number"
    unit: str = ""
    scale: float = 1.0
    decimals: int = 0
    compare: str = ""
    compare_label: str = ""       # English, marked in "Tiles": what ``compare`` is ("last week")
    detail: str = ""              # English, marked in "Tiles": a format of the JSON ("{opened_today} today")
    alarm_above: float | None = None
    alarm_below: float | None = None
    events: str = ""
    item: str = ""
    age: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    min_role: str = "dispatcher"
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FeatureSpec:
    name: str                      # object name; keys the saved dock layout
    title: str                     # English, marked with QT_TRANSLATE_NOOP("Panels", ...)
    panel: str                     # "module:Class", called as Class(ctx: PanelContext)
    placement: Placement = field(default_factory=Placement)
    min_role: str = "dispatcher"
    layers: tuple[LayerDef, ...] = ()
    actions: tuple[ActionDef, ...] = ()
    settings: type | None = None   # a dataclass: the feature's typed section of the settings
    tiles: tuple[TileDef, ...] = ()  # its key figures on the wall screen (widgets.room)
    # Per-workspace placement, (workspace name, Placement) pairs; None: ``placement`` in every
    # workspace; () : only in "all panels", which uses ``placement``.
    workspaces: tuple[tuple[str, Placement], ...] | None = None

    def placement_in(self, workspace: str) -> Placement | None:
        """Where the panel goes in that workspace; None: hidden there."""
        if workspace == "all" or self.workspaces is None:
            return self.placement
        return dict(self.workspaces).get(workspace)

    def build(self, ctx: Any):
        module, _, attr = self.panel.partition(":")
        cls: Callable = getattr(importlib.import_module(module), attr)
        return cls(ctx)


def load_features(modules: list[str]) -> list[FeatureSpec]:
    """The specs of the named feature modules, in order; a name used twice is an error."""
    specs: list[FeatureSpec] = []
    for module in modules:
        specs.extend(importlib.import_module(module).FEATURES)
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise ValueError(f"two desktop features are called {spec.name!r}")
        seen.add(spec.name)
    return specs
