"""What every panel gets: the API, background runner, live events, cross-panel signals."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from app.errors import ErrorSink
from app.events import EventHub
from app.settings import AppSettings
from app.tasks import TaskRunner
from backend_client.client import ApiClient
from backend_client.schemas.auth import UserOut


class Bus(QObject):
    """Signals that let panels talk without knowing each other."""

    incident_selected = Signal(int)                  # select in the queue, centre on the map
    incident_open_requested = Signal(int)            # open the incident card
    create_incident_at = Signal(float, float, str)   # lat, lon, nearest address
    area_filter_changed = Signal(object)             # list of [lat, lon] or None
    camera_open_requested = Signal(int)              # show this camera on the wall
    archive_requested = Signal(int, str)             # camera id, ISO time
    map_items_changed = Signal(str, object)          # layer name, list of items (for the map)
    status_message = Signal(str)


@dataclass
class AppContext:
    api: ApiClient
    tasks: TaskRunner
    events: EventHub
    errors: ErrorSink
    settings: AppSettings
    bus: Bus = field(default_factory=Bus)
    user: UserOut | None = None
    services: dict = field(default_factory=dict)  # optional shared services (e.g. the offline store)

    def has_role(self, role: str) -> bool:
        order = ("dispatcher", "supervisor", "admin")
        return self.user is not None and order.index(self.user.role) >= order.index(role)
