"""The one door for incidents, online and offline alike (widgets.common.protocols.IncidentGateway).

Every change is committed to the local outbox first (on the one-worker disk queue) and only
then reported done; a sync thread drains the outbox whenever the server is reachable.
Online, the caller hears the server's answer if it comes within ONLINE_WAIT_MS. Reading
falls back to the cache offline. Local incidents not yet on the server have negative ids
and a local number; when their create reaches the server, ``incident_renumbered`` and then
``incident_changed`` carry the server's copy.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.context import AppContext
from app.errors import describe
from app.incidents import views
from app.incidents.views import IncidentDetails, to_out
from app.offline.connection import Renewal, reachable
from app.offline.outbox import InvalidOperation, Outbox
from app.offline.schema import Op, store_path
from app.offline.store import OfflineStore
from app.incidents.sync_thread import SyncThread
from app.offline.sync import SyncReport
from backend_client.errors import ConnectionLost
from backend_client.incidents import IncidentsApi
from backend_client.schemas.incidents import (AttachmentOut, CityServiceOut, IncidentCreate, IncidentOut,
                                              IncidentPatch, IncidentQuery)
from widgets.common.incident_texts import operation_text

log = logging.getLogger(__name__)
Callback = Callable[[Any], None] | None
MAX_ROWS = 100_000
PROBE_MS = 5000
ONLINE_WAIT_MS = 4000  # online, a change waits this long for the server's answer before "saved here"


class IncidentGateway(QObject):
    incidents_loaded = Signal(list)
    incident_changed = Signal(object)
    incident_renumbered = Signal(int, int)   # local id, server id
    operation_failed = Signal(str, str)
    online_changed = Signal(bool)
    waiting_changed = Signal(int)        # operations not yet on the server
    sync_progress = Signal(int, int)     # sent, total while a pass runs; (0, 0) when idle
    problems_changed = Signal(list)      # failed and conflicting operations (Op), for the operator
    conflict_found = Signal(object)      # Op in conflict: show both versions

    def __init__(self, ctx: AppContext, store: OfflineStore | None = None, *, online: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        from app.settings import data_dir

        self.ctx = ctx
        self.api = IncidentsApi(ctx.api)
        self._known: dict[int, IncidentOut] = {}
        self._services: list[CityServiceOut] | None = None
        self.loading = False
        ctx.events.subscribe("incident.", self._on_event)

        user = ctx.user.username if ctx.user else ""
        # FULL: a save is fsynced before it is reported (survives a power cut); NORMAL is faster
        # and survives a crash of the app but maybe not of the OS.
        self.store = store or OfflineStore(store_path(data_dir(), ctx.api.base_url, user),
                                           synchronous=os.environ.get("SC_DESK_OFFLINE_SYNCHRONOUS", "FULL"))
        self.outbox = Outbox(self.store, user=user)
        self.online = online
        self.waiting = 0
        self.problems: list[Op] = []
        self._shown_conflicts: set[int] = set()
        self._renumbered: dict[int, int] = self.store.renumbered()  # known before this start: nothing to announce
        self._count_seq = self._count_shown = 0
        self._waiters: dict[int, tuple] = {}
        self._renewal = Renewal(ctx.api)
        self._sync = SyncThread(self.store, ctx.api)
        self._sync.progress.connect(lambda d, t: self.sync_progress.emit(d, t))
        self._sync.settled.connect(self._on_settled)
        self._sync.pass_done.connect(self._on_pass)
        self._sync.start()
        self._probe = QTimer(self, interval=PROBE_MS, timeout=self._probe_server)
        self._checkpoint = QTimer(self, interval=30000,
                                  timeout=lambda: ctx.tasks.run(self.store.checkpoint, serial=True,
                                                                on_error=lambda e: None, what="offline.checkpoint"))
        self._checkpoint.start()
        ctx.events.connection_changed.connect(self._on_connection)
        if not online:
            self._probe.start()
        self._count()
        self.kick()

    # ------------------------------------------------------------ state
    def set_online(self, online: bool) -> None:
        if online == self.online:
            return
        self.online = online
        if online:
            self._probe.stop()
            self.kick()
        else:
            self._probe.start()
        self.online_changed.emit(online)

    def kick(self) -> None:
        """Ask the sync thread for a pass (it does nothing when there is nothing to send)."""
        if self.online:
            self._sync.kick()

    def attach_window(self, window) -> None:
        """Main window hook: the offline banner on top, the waiting counter in the status bar."""
        from widgets.offline.banner import attach_to_window

        attach_to_window(self, window)

    def shutdown(self) -> None:
        self._probe.stop()
        self._checkpoint.stop()
        self._sync.stop()

    def _renew_session(self) -> None:
        """After an offline start the saved token may have expired: log in again with the login the
        client keeps in memory, then restart the event stream and the sync."""
        if not self._renewal.due():
            return
        if not self._renewal.possible:
            self.ctx.errors.report(operation_text("sync"), operation_text("session_expired"))
            return

        def renewed(_user) -> None:
            self.ctx.events.stop()
            self.ctx.events.start()
            self.kick()

        self.ctx.tasks.run(self._renewal.renew, on_done=renewed, what="relogin",
                           on_error=lambda e: self.ctx.errors.report(operation_text("sync"), e))

    def _on_connection(self, state: str, _detail: str) -> None:
        if state == "unauthorized":
            self._renew_session()
        elif state == "connected":
            self.set_online(True)
        elif state == "disconnected" and self.online:
            self._probe_server()

    def _probe_server(self) -> None:
        self.ctx.tasks.run(reachable, self.ctx.api, what="offline.probe",
                           on_done=lambda up: self._back_online() if up else self.set_online(False))

    def _back_online(self) -> None:
        was = self.online
        self.set_online(True)
        if not was:
            self.refresh()

    def _count(self) -> None:
        self._count_seq += 1
        seq = self._count_seq

        def done(result) -> None:
            if seq < self._count_shown:
                return  # an older count finished late
            self._count_shown = seq
            waiting, problems = result
            self.waiting = waiting
            self.waiting_changed.emit(waiting)
            ids = {op.seq for op in problems}
            if ids != {op.seq for op in self.problems}:
                self.problems = problems
                self.problems_changed.emit(problems)
            for op in problems:
                if op.state == "conflict" and op.seq not in self._shown_conflicts:
                    self._shown_conflicts.add(op.seq)
                    self.conflict_found.emit(op)

        self.ctx.tasks.run(lambda: (self.store.waiting(), self.store.ops(("failed", "conflict"))),
                           on_done=done, on_error=lambda e: self.ctx.errors.report("offline", e),
                           what="offline.count")

    # ------------------------------------------------------------ reading
    def cached(self, incident_id: int) -> IncidentOut | None:
        """The latest copy this client has seen (a local id finds its incident after the renumbering)."""
        return self._known.get(self._renumbered.get(incident_id, incident_id))

    def snapshot(self) -> list[IncidentOut]:
        """Every incident this client knows now (what a panel made later starts from)."""
        return list(self._known.values())

    def refresh(self, on_done: Callback = None) -> None:
        if self.loading:
            return
        self.loading = True

        def fetch() -> tuple[object, list | None, list | None]:  # network: on the pool
            try:
                items = list(self.api.iter_all(IncidentQuery(limit=500, sort="-created_at"), max_rows=100_000))
                categories = [c.model_dump(mode="json") for c in self.api.categories()]
            except ConnectionLost as exc:
                return exc, None, None
            return True, items, categories

        def store(fetched, shown: bool) -> tuple[object, list[dict] | None, dict]:  # disk: the one-worker queue
            online, items, categories = fetched
            if items is not None:
                self.outbox.remember_categories(categories)
                self.store.remember([i.model_dump(mode="json") for i in items])
            # Already shown: nothing of this desk's was on top of the server's copies, so only the
            # renumbering is news; otherwise the panels get the cache's views, pending edits on top.
            return online, None if shown else self.store.incidents(), self.store.renumbered()

        def show(items: list[IncidentOut]) -> None:
            self._known = {i.id: i for i in items}
            self.incidents_loaded.emit(items)
            if on_done:
                on_done(items)

        def done(result) -> None:
            self.loading = False
            online, views, renumbered = result
            self._renumber_seen(renumbered)
            if isinstance(online, ConnectionLost):  # say so, and show what this workstation has
                self.ctx.errors.report(operation_text("load"), online)
                online = False
            self.set_online(online)
            if views is not None:
                show(sorted((to_out(v) for v in views), key=lambda i: str(i.created_at), reverse=True))

        def fetched(result) -> None:
            # Nothing of this desk's waiting or stuck: the server's list is the whole truth, shown at
            # once; the cache is written behind it (100,000 rows take seconds on a busy disk).
            shown = result[1] is not None and self.waiting == 0 and not self.problems
            if shown:
                show(result[1])
            self.ctx.tasks.run(store, result, shown, serial=True, on_done=done, on_error=failed,
                               what="incidents.cache")

        def failed(exc: BaseException) -> None:
            self.loading = False
            self._fail(operation_text("load"), exc, None)

        self.ctx.tasks.run(fetch, what="incidents.refresh", on_error=failed, on_done=fetched)

    def load_details(self, incident_id: int, on_done: Callable[[IncidentDetails], None],
                     on_error: Callback = None) -> None:
        def fetch() -> tuple[int, dict | None, dict | None]:  # network: on the pool
            inc_id = self.store.resolve(incident_id)
            if self.online and inc_id > 0:
                try:
                    details = {"comments": [c.model_dump(mode="json") for c in self.api.comments(inc_id)],
                               "history": [h.model_dump(mode="json") for h in self.api.history(inc_id)],
                               "attachments": [a.model_dump(mode="json") for a in self.api.attachments(inc_id)]}
                    return inc_id, self.api.get(inc_id).model_dump(mode="json"), details
                except ConnectionLost:
                    pass
            return inc_id, None, None

        def store(fetched) -> IncidentDetails:  # disk: on the one-worker queue
            inc_id, incident, details = fetched
            if incident is not None:
                self.store.remember([incident])
                self.store.save_details(inc_id, details)
            return self._details(inc_id)

        failed = self._error_cb(operation_text("details"), on_error)
        self.ctx.tasks.run(fetch, on_error=failed, what="incidents.details",
                           on_done=lambda fetched: self.ctx.tasks.run(store, fetched, serial=True, on_done=on_done,
                                                                      on_error=failed, what="incidents.details"))

    def _details(self, inc_id: int) -> IncidentDetails:
        return views.local_details(self.store, inc_id, self.outbox.user)

    def load_services(self, on_done: Callable[[list[CityServiceOut]], None]) -> None:
        if self._services is not None:
            on_done(self._services)
            return

        def fetch() -> list[CityServiceOut]:
            try:
                services = self.api.services()
            except ConnectionLost:
                raw = self.store.get_meta("services")
                return [CityServiceOut.model_validate(s) for s in json.loads(raw)] if raw else []
            self.store.set_meta("services", json.dumps([s.model_dump(mode="json") for s in services]))
            return services

        def done(services: list[CityServiceOut]) -> None:
            self._services = services or None
            on_done(services)

        self.ctx.tasks.run(fetch, on_done=done, on_error=self._error_cb(
            operation_text("services"), None), what="services")

    def download_attachment(self, attachment: AttachmentOut, on_done: Callable[[bytes], None],
                            on_error: Callback = None) -> None:
        if attachment.url.startswith("local:"):
            path = self.store.files_dir / attachment.url[len("local:"):]
            self.ctx.tasks.run(path.read_bytes, on_done=on_done, on_error=self._error_cb(
                operation_text("open_photo"), on_error), what="offline.photo")
            return
        self.ctx.tasks.run(self.api.download_attachment, attachment, on_done=on_done,
                           on_error=self._error_cb(operation_text("download"), on_error), what="incidents.download")

    # ------------------------------------------------------------ changing: outbox first
    def create(self, data: IncidentCreate, on_done: Callback = None, on_error: Callback = None) -> None:
        self._save(operation_text("create"), self.outbox.create, data, on_done=on_done, on_error=on_error)

    def patch(self, incident_id: int, version: int, changes: IncidentPatch | dict, on_done: Callback = None,
              on_error: Callback = None) -> None:
        if isinstance(changes, IncidentPatch):
            changes = changes.model_dump(mode="json", exclude_unset=True)
        self._save(operation_text("patch"), partial(self.outbox.patch, version=version,
                                                    seen=self._seen(incident_id, version)),
                   incident_id, changes, on_done=on_done, on_error=on_error)

    def change_status(self, incident_id: int, version: int | None, status: str, note: str | None = None,
                      on_done: Callback = None, on_error: Callback = None) -> None:
        self._save(operation_text("status"),
                   partial(self.outbox.change_status, version=version, seen=self._seen(incident_id, version)),
                   incident_id, status, note or None,
                   on_done=on_done, on_error=on_error)

    def undo_status(self, incident_id: int, version: int | None, status: str, on_done: Callback = None,
                    on_error: Callback = None) -> None:
        """Back to ``status`` after this desk's own last status change (the server keeps a short window)."""
        self._save(operation_text("undo"),
                   partial(self.outbox.undo_status, version=version, seen=self._seen(incident_id, version)),
                   incident_id, status, on_done=on_done, on_error=on_error)

    def assign(self, incident_id: int, version: int | None, assignee: str | None, note: str | None = None,
               on_done: Callback = None, on_error: Callback = None) -> None:
        self._save(operation_text("assign"), partial(self.outbox.assign, version=version,
                                                              seen=self._seen(incident_id, version)),
                   incident_id, assignee, note or None, on_done=on_done, on_error=on_error)

    def mark_duplicate(self, incident_id: int, version: int | None, duplicate_of: int, note: str | None = None,
                       on_done: Callback = None, on_error: Callback = None) -> None:
        self._save(operation_text("duplicate"),
                   partial(self.outbox.mark_duplicate, version=version, seen=self._seen(incident_id, version)),
                   incident_id, duplicate_of, note or None,
                   on_done=on_done, on_error=on_error)

    def add_comment(self, incident_id: int, text: str, on_done: Callback = None, on_error: Callback = None) -> None:
        self._save(operation_text("comment"), self.outbox.add_comment, incident_id, text, on_done=on_done,
                   on_error=on_error, result=partial(views.saved_comment, user=self.outbox.user))

    def attach(self, incident_id: int, path: str | Path, on_done: Callback = None, on_error: Callback = None) -> None:
        self._save(operation_text("attach"), self.outbox.attach, incident_id, str(path), on_done=on_done,
                   on_error=on_error, result=partial(views.saved_attachment, user=self.outbox.user))

    def _seen(self, incident_id: int, version: int | None) -> dict | None:
        """The fields of the incident the operator edited, when this is the version they saw."""
        inc = self.cached(incident_id)
        return inc.model_dump(mode="json") if inc is not None and inc.version == version else None

    def _save(self, what: str, fn: Callable, *args: Any, on_done: Callback, on_error: Callback,
              result: Callable[[Op, IncidentOut], Any] | None = None) -> None:
        """Commit on the disk queue; only then tell the caller it is saved.

        Online, the caller hears the server's answer (its refusal included, as without the
        outbox) if it comes within ONLINE_WAIT_MS; otherwise "saved here", and it is sent later.
        """
        def done(pair: tuple[Op | None, dict]) -> None:
            op, view = pair
            inc = to_out(view)
            if op is None:  # an operation taken back before it left this desk: nothing to send or wait for
                self._count()
                self._show(inc)
                self._deliver(on_done, inc)
                return
            self.waiting += 1
            self.waiting_changed.emit(self.waiting)
            self._count()
            if not self.online:
                self._show(inc)
                self._deliver(on_done, result(op, inc) if result else inc)
                return
            self._waiters[op.seq] = (what, op, inc, on_done, on_error, result)
            QTimer.singleShot(ONLINE_WAIT_MS, lambda: self._answer(op.seq, None))
            self.kick()

        def failed(exc: BaseException) -> None:
            self._fail(what, str(exc) if isinstance(exc, InvalidOperation) else exc, on_error)

        self.ctx.tasks.run(fn, *args, on_done=done, on_error=failed, serial=True, what=what)

    def _error_cb(self, what: str, on_error: Callback) -> Callable[[BaseException], None]:
        return lambda exc: self._fail(what, exc, on_error)

    def _fail(self, what: str, exc: BaseException | str, on_error: Callback) -> None:
        if on_error is not None:
            on_error(exc)
            return
        message = exc if isinstance(exc, str) else describe(exc)
        self.operation_failed.emit(what, message)
        self.ctx.errors.report(what, exc)

    def _deliver(self, cb: Callback, value: Any) -> None:
        if cb:
            try:
                cb(value)
            except Exception as exc:  # a caller's callback must not break the gateway
                self.ctx.errors.report("incidents", exc)

    def _show(self, inc: IncidentOut) -> None:
        self._known[inc.id] = inc
        self.incident_changed.emit(inc)

    def _answer(self, seq: int, outcome) -> None:
        """The server's answer (or none in time) for a change a caller waits on."""
        waiter = self._waiters.pop(seq, None)
        if waiter is None:
            return
        what, op, inc, on_done, on_error, result = waiter
        if outcome is not None and outcome.state == "failed" and outcome.exc is not None:
            # The operator sees the refusal where they acted; the refused change is not kept.
            self.ctx.tasks.run(self.store.discard, seq, serial=True,
                               on_done=lambda _: self._after_decision(op, full=op.kind == "create"),
                               what="offline.discard")
            self._fail(what, outcome.exc, on_error)
            return
        if outcome is not None and outcome.state == "done" and outcome.incident is not None:
            inc = to_out(outcome.incident)  # the server's incident, with its number and version
        # As without the outbox: the caller hears first, then the panels see the change.
        self._deliver(on_done, result(op, inc) if result else inc)
        self._show(inc)

    # ------------------------------------------------------------ the operator's decisions
    def retry(self, op: Op, payload: dict | None = None) -> None:
        self.ctx.tasks.run(self.store.retry, op.seq, payload=payload, serial=True,
                           on_done=lambda _: self._after_decision(op), what="offline.retry")

    def discard(self, op: Op) -> None:
        self.ctx.tasks.run(self.store.discard, op.seq, serial=True,
                           on_done=lambda _: self._after_decision(op, full=op.kind == "create"), what="offline.discard")

    def resolve_conflict(self, op: Op, changes: dict, version: int) -> None:
        self.ctx.tasks.run(self.store.resolve_conflict, op.seq, changes, version, serial=True,
                           on_done=lambda _: self._after_decision(op), what="offline.resolve")

    def replace_file(self, op: Op, path: str) -> None:
        self.ctx.tasks.run(self.outbox.replace_file, op, path, serial=True,
                           on_done=lambda payload: self.retry(op, payload),
                           on_error=lambda exc: self._fail(operation_text("attach"),
                                                           str(exc), None), what="offline.replace")

    def _after_decision(self, op: Op, full: bool = False) -> None:
        self._shown_conflicts.discard(op.seq)
        if full:
            self._emit_snapshot()
        else:
            self._emit_views([op.incident_id])
        self._count()
        self.kick()

    # ------------------------------------------------------------ what the sync thread reports
    def _on_settled(self, touched: list[int], renumbered: dict[int, int], outcomes: list) -> None:
        self._renumber_seen(renumbered)
        self._emit_views(touched)
        for outcome in outcomes:
            if outcome.op.seq in self._waiters and outcome.state in ("done", "failed", "conflict"):
                self._answer(outcome.op.seq, outcome)
        self._count()

    def _renumber_seen(self, renumbered: dict[int, int]) -> None:
        """Local incidents the store now knows by their server ids (the sync, a refresh or an event found out)."""
        fresh = {k: v for k, v in renumbered.items() if k not in self._renumbered}
        self._renumbered = dict(renumbered)
        for local_id, server_id in fresh.items():
            # Panels move the local row to its server id; incident_changed then brings the server's copy.
            old = self._known.pop(local_id, None)
            if old is not None and server_id not in self._known:  # until the server's copy is read
                self._known[server_id] = old.model_copy(update={"id": server_id})
            self.incident_renumbered.emit(local_id, server_id)

    def _on_pass(self, report: object) -> None:
        self.sync_progress.emit(0, 0)
        if isinstance(report, BaseException):
            self._fail(operation_text("sync"), report, None)
            return
        assert isinstance(report, SyncReport)
        if report.offline:
            self.set_online(False)
        elif report.auth_expired:
            self._renew_session()
        for message in report.problems:
            self.operation_failed.emit(operation_text("sync"), message)
        self._count()

    def _emit_views(self, ids: list[int]) -> None:
        def load() -> list[IncidentOut]:
            return [to_out(v) for i in ids if (v := self.store.incident(i)) is not None]

        def done(items: list[IncidentOut]) -> None:
            for inc in items:
                self._known[inc.id] = inc
                self.incident_changed.emit(inc)

        self.ctx.tasks.run(load, on_done=done, what="offline.views")

    def _emit_snapshot(self) -> None:
        def done(views: list[dict]) -> None:
            items = sorted((to_out(v) for v in views), key=lambda i: str(i.created_at), reverse=True)
            self._known = {i.id: i for i in items}
            self.incidents_loaded.emit(items)

        self.ctx.tasks.run(self.store.incidents, on_done=done, what="offline.snapshot")

    def _on_event(self, etype: str, data: object) -> None:
        """A live change from the server: into the cache (with our pending edits on top), then to panels."""
        if not isinstance(data, dict) or "id" not in data:
            return
        if self.waiting == 0 and not self.problems:
            # Nothing of this desk's to lay on top: show the server's copy now, not after the
            # cache write (an fsync per event on a busy disk). The cache's view follows and wins.
            self._event_view(data)

        def done(result) -> None:
            views, renumbered = result
            self._renumber_seen(renumbered)
            for view in views:
                self._event_view(view)

        self.ctx.tasks.run(lambda: (self.store.remember([data]), self.store.renumbered()), serial=True,
                           on_done=done,
                           on_error=lambda e: log.warning("ignoring %s event: %s", etype, e), what="offline.event")

    def _event_view(self, view: dict) -> None:
        inc = to_out(view)
        if any(w[2].id == inc.id for w in self._waiters.values()):
            return  # our own change: its answer comes with the settle (after the caller's on_done)
        old = self._known.get(inc.id)
        if old is None or (old.version <= inc.version and old != inc):
            self._known[inc.id] = inc
            self.incident_changed.emit(inc)


def install(ctx: AppContext, *, online: bool = True) -> IncidentGateway:
    """Make this the context's incident gateway (build_context calls this); once per context."""
    if isinstance(ctx.incidents, IncidentGateway):
        return ctx.incidents  # a second one on the same store would race the first
    gw = ctx.incidents = IncidentGateway(ctx, online=online)
    return gw
