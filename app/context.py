"""What every panel gets: the implementation of widgets.common.protocols.PanelContext."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.errors import ErrorSink
from app.events import EventHub
from app.settings import AppSettings
from app.tasks import TaskRunner
from backend_client.client import ApiClient
from backend_client.schemas.auth import UserOut
from widgets.common.bus import Bus
from widgets.common.feature import FeatureSpec
from widgets.common.protocols import IncidentGateway

T = TypeVar("T")
ROLE_ORDER = ("dispatcher", "supervisor", "admin")


@dataclass
class AppContext:
    api: ApiClient
    tasks: TaskRunner
    events: EventHub
    errors: ErrorSink
    settings: AppSettings
    bus: Bus = field(default_factory=Bus)
    user: UserOut | None = None
    incidents: IncidentGateway | None = None   # set by app.main.build_context
    features: list[FeatureSpec] = field(default_factory=list)  # what the main window and the map compose
    _services: dict[type, Any] = field(default_factory=dict, repr=False)

    def has_role(self, role: str) -> bool:
        return self.user is not None and ROLE_ORDER.index(self.user.role) >= ROLE_ORDER.index(role)

    def service(self, kind: type[T]) -> T:
        """One shared instance per typed API class, made from the logged-in client on first use."""
        found = self._services.get(kind)
        if found is None:
            found = self._services[kind] = kind(self.api)
        return found

    def provide(self, kind: type[T], instance: T) -> None:
        """Use ``instance`` wherever a panel asks for ``kind`` (an offline cache, a test's server)."""
        self._services[kind] = instance
