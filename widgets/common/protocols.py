"""What a panel may use, declared as Protocols: `app/` implements them, panels depend only on these.

A panel is built as ``Panel(ctx: PanelContext)``. It reaches the network only through
``ctx.tasks`` (work off the GUI thread, callbacks on it), reads and changes incidents only
through ``ctx.incidents``, and gets the typed API of its domain with ``ctx.service(SomeApi)``.
Tests hand panels a real ``app.context.AppContext``; anything that satisfies these
Protocols works.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

from backend_client.client import ApiClient
from backend_client.schemas.auth import UserOut
from backend_client.schemas.incidents import AttachmentOut, CityServiceOut, IncidentCreate, IncidentOut, IncidentPatch
from widgets.common.bus import Bus

Callback = Callable[[Any], None] | None
T = TypeVar("T")


class BoundSignal(Protocol):
    def connect(self, slot: Callable[..., Any]) -> Any: ...
    def emit(self, *args: Any) -> None: ...


class Tasks(Protocol):
    """Runs work on a thread pool (``serial=True``: the one-worker disk queue) and calls back
    on the GUI thread; an unhandled failure goes to the error sink."""

    def run(self, fn: Callable[..., Any], *args: Any, on_done: Callback = None, on_error: Callback = None,
            what: str = "", serial: bool = False) -> None: ...


class Errors(Protocol):
    """The one place a failure is shown to the operator."""

    reported: BoundSignal  # (where, message)

    def report(self, where: str, exc: BaseException | str) -> None: ...


class Events(Protocol):
    """The live event stream: callbacks run on the GUI thread."""

    connection_changed: BoundSignal  # (state, detail): connecting | connected | disconnected | unauthorized

    def subscribe(self, prefix: str, callback: Callable[[str, object], None]) -> None: ...


class Settings(Protocol):
    """The desktop's settings: the shared fields panels read, and ``section(name)`` for a
    feature's own typed section (declared by its FeatureSpec)."""

    language: str
    theme: str
    alert_sound: bool
    map_base: str
    map_tile_url: str
    map_mbtiles_path: str
    extra: dict

    def section(self, name: str) -> Any: ...
    def save(self) -> None: ...


class IncidentDetails(Protocol):
    incident: IncidentOut
    comments: list
    history: list
    attachments: list


@runtime_checkable
class IncidentGateway(Protocol):
    """The one door for incidents, online and offline alike.

    Local incidents not yet on the server have negative ids and a local number; when the
    server number is known, ``incident_renumbered(old_id, new_id)`` is emitted and
    ``incident_changed`` brings the server's copy.
    """

    incidents_loaded: BoundSignal      # list[IncidentOut]: a full snapshot (after refresh())
    incident_changed: BoundSignal      # IncidentOut: one incident created or updated, whoever did it
    incident_renumbered: BoundSignal   # (old_id, new_id) when a local incident got its server id
    operation_failed: BoundSignal      # (what, message) for the operator

    def cached(self, incident_id: int) -> IncidentOut | None: ...
    def snapshot(self) -> list[IncidentOut]: ...
    def refresh(self, on_done: Callback = None) -> None: ...
    def load_details(self, incident_id: int, on_done: Callable[[Any], None], on_error: Callback = None) -> None: ...
    def load_services(self, on_done: Callable[[list[CityServiceOut]], None]) -> None: ...
    def download_attachment(self, attachment: AttachmentOut, on_done: Callable[[bytes], None],
                            on_error: Callback = None) -> None: ...
    def create(self, data: IncidentCreate, on_done: Callback = None, on_error: Callback = None) -> None: ...
    def patch(self, incident_id: int, version: int, changes: IncidentPatch | dict, on_done: Callback = None,
              on_error: Callback = None) -> None: ...
    def change_status(self, incident_id: int, version: int | None, status: str, note: str | None = None,
                      on_done: Callback = None, on_error: Callback = None) -> None: ...
    # Back to ``status`` after this desk's own last status change: dropped from the outbox if not
    # sent yet, else undone on the server (its author only, within the server's short window).
    def undo_status(self, incident_id: int, version: int | None, status: str, on_done: Callback = None,
                    on_error: Callback = None) -> None: ...
    def assign(self, incident_id: int, version: int | None, assignee: str | None, note: str | None = None,
               on_done: Callback = None, on_error: Callback = None) -> None: ...
    def mark_duplicate(self, incident_id: int, version: int | None, duplicate_of: int, note: str | None = None,
                       on_done: Callback = None, on_error: Callback = None) -> None: ...
    def add_comment(self, incident_id: int, text: str, on_done: Callback = None, on_error: Callback = None) -> None: ...
    def attach(self, incident_id: int, path: str | Path, on_done: Callback = None, on_error: Callback = None) -> None: ...


class PendingOperation(Protocol):
    """One operation of the offline outbox, as the operator's dialogs show it."""

    seq: int
    op_id: str
    kind: str              # create | patch | status | assign | duplicate | comment | attach
    incident_id: int
    payload: dict
    base: dict             # the changed fields as the operator saw them
    state: str             # pending | inflight | done | failed | conflict | discarded
    error: str | None
    server: dict | None    # on conflict: the server's current incident

    def changes(self) -> dict[str, Any]: ...


@runtime_checkable
class OfflineOutbox(Protocol):
    """What the offline banner and dialogs see of the gateway's outbox (the gateway implements it)."""

    online: bool
    waiting: int
    problems: list          # PendingOperation in failed or conflict state
    online_changed: BoundSignal     # bool
    waiting_changed: BoundSignal    # int: operations not yet on the server
    sync_progress: BoundSignal      # (sent, total) while a pass runs; (0, 0) when idle
    problems_changed: BoundSignal   # list[PendingOperation]
    conflict_found: BoundSignal     # PendingOperation in conflict

    def retry(self, op: PendingOperation, payload: dict | None = None) -> None: ...
    def discard(self, op: PendingOperation) -> None: ...
    def resolve_conflict(self, op: PendingOperation, changes: dict, version: int) -> None: ...
    def replace_file(self, op: PendingOperation, path: str) -> None: ...


class PanelContext(Protocol):
    """Everything a panel gets."""

    api: ApiClient            # the logged-in client (base_url, token); domain calls go through service()
    tasks: Tasks
    events: Events
    errors: Errors
    settings: Settings
    bus: Bus
    user: UserOut | None
    incidents: IncidentGateway
    features: list  # every registered FeatureSpec (the map draws their layers)

    def has_role(self, role: str) -> bool: ...

    def service(self, kind: type[T]) -> T:
        """The one shared instance of a typed domain API (e.g. ``CamerasApi``), made from ``api``
        on first use; a test or an offline cache may provide its own with ``provide``."""
        ...
