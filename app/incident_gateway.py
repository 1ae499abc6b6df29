"""The one door through which panels read and change incidents.

Panels never call the incidents API themselves: they call an IncidentGateway (found in
``ctx.incidents``) and listen to its signals. This implementation talks to the
server; an offline-capable one may subclass or replace it with the same interface:

signals
    incidents_loaded(list[IncidentOut])  a full snapshot (after refresh())
    incident_changed(IncidentOut)        one incident created or updated (event stream or own op)
    operation_failed(str, str)           what, message for the operator
methods (all return at once; the work runs off the GUI thread, callbacks on the GUI thread)
    refresh(), create(), patch(), change_status(), assign(), mark_duplicate(), add_comment(),
    attach(), load_details(), load_services(), download_attachment(), cached()

Every method that changes something takes ``on_done`` (called with the result) and
``on_error`` (called with the exception; when absent the failure goes to operation_failed
and the error sink). Local incidents not yet on the server have negative ids; this
implementation refuses to change them (the offline store handles them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.context import AppContext
from app.errors import describe
from backend_client.incidents import IncidentsApi
from backend_client.schemas.incidents import (AttachmentOut, CityServiceOut, CommentOut, HistoryEntryOut,
                                              IncidentCreate, IncidentOut, IncidentPatch, IncidentQuery)
from widgets.incidents.labels import operation_text  # the incidents area owns these strings

log = logging.getLogger(__name__)
Callback = Callable[[Any], None] | None
MAX_ROWS = 100_000


@dataclass
class IncidentDetails:
    incident: IncidentOut
    comments: list[CommentOut] = field(default_factory=list)
    history: list[HistoryEntryOut] = field(default_factory=list)
    attachments: list[AttachmentOut] = field(default_factory=list)


class IncidentGateway(QObject):
    incidents_loaded = Signal(list)
    incident_changed = Signal(object)
    incident_renumbered = Signal(int, int)   # local id, server id
    operation_failed = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.api = IncidentsApi(ctx.api)
        self._known: dict[int, IncidentOut] = {}
        self._services: list[CityServiceOut] | None = None
        self.loading = False
        ctx.events.subscribe("incident.", self._on_event)

    # ------------------------------------------------------------ reading
    def cached(self, incident_id: int) -> IncidentOut | None:
        """The latest copy this client has seen, without a request."""
        return self._known.get(incident_id)

    def snapshot(self) -> list[IncidentOut]:
        """Every incident this client knows now (what a panel made later starts from)."""
        return list(self._known.values())

    def refresh(self, on_done: Callback = None) -> None:
        """Load every incident (newest first, up to MAX_ROWS); emits incidents_loaded."""
        if self.loading:
            return
        self.loading = True

        def fetch() -> list[IncidentOut]:
            return list(self.api.iter_all(IncidentQuery(limit=500, sort="-created_at"), max_rows=MAX_ROWS))

        def done(items: list[IncidentOut]) -> None:
            self.loading = False
            self._known = {inc.id: inc for inc in items}
            self.incidents_loaded.emit(items)
            if on_done:
                on_done(items)

        def failed(exc: BaseException) -> None:
            self.loading = False
            self._fail(operation_text("load"), exc, None)

        self.ctx.tasks.run(fetch, on_done=done, on_error=failed, what="incidents.refresh")

    def load_details(self, incident_id: int, on_done: Callable[[IncidentDetails], None],
                     on_error: Callback = None) -> None:
        """The incident with its comments, history and attachments."""
        if incident_id < 0:
            inc = self._known.get(incident_id)
            if inc is not None:
                on_done(IncidentDetails(incident=inc))
            return

        def fetch() -> IncidentDetails:
            return IncidentDetails(incident=self.api.get(incident_id), comments=self.api.comments(incident_id),
                                   history=self.api.history(incident_id),
                                   attachments=self.api.attachments(incident_id))

        def done(details: IncidentDetails) -> None:
            self._remember(details.incident)
            on_done(details)

        self.ctx.tasks.run(fetch, on_done=done, on_error=self._error_cb(
                               operation_text("details"), on_error),
                           what="incidents.details")

    def load_services(self, on_done: Callable[[list[CityServiceOut]], None]) -> None:
        """The city services incidents are assigned to (asked once, then cached)."""
        if self._services is not None:
            on_done(self._services)
            return

        def done(services: list[CityServiceOut]) -> None:
            self._services = services
            on_done(services)

        self.ctx.tasks.run(self.api.services, on_done=done,
                           on_error=self._error_cb(
                               operation_text("services"), None), what="services")

    def download_attachment(self, attachment: AttachmentOut, on_done: Callable[[bytes], None],
                            on_error: Callback = None) -> None:
        self.ctx.tasks.run(self.api.download_attachment, attachment, on_done=on_done,
                           on_error=self._error_cb(
                               operation_text("download"), on_error),
                           what="incidents.download")

    # ------------------------------------------------------------ changing
    def create(self, data: IncidentCreate, on_done: Callback = None, on_error: Callback = None) -> None:
        """POST with Idempotency-Key = client_uuid: a retry never makes a second incident."""
        what = operation_text("create")
        self._op(what, self.api.create, data, on_done=on_done, on_error=on_error)

    def patch(self, incident_id: int, version: int, changes: IncidentPatch | dict, on_done: Callback = None,
              on_error: Callback = None) -> None:
        """Edit fields; fails (412) when someone changed the incident since `version`."""
        what = operation_text("patch")
        self._op(what, self.api.patch, incident_id, version, changes,
                 on_done=on_done, on_error=on_error, incident_id=incident_id)

    def change_status(self, incident_id: int, version: int | None, status: str, note: str | None = None,
                      on_done: Callback = None, on_error: Callback = None) -> None:
        what = operation_text("status")
        self._op(what, self.api.change_status, incident_id, status, version=version,
                 comment=note or None, on_done=on_done, on_error=on_error, incident_id=incident_id)

    def assign(self, incident_id: int, version: int | None, assignee: str | None, note: str | None = None,
               on_done: Callback = None, on_error: Callback = None) -> None:
        what = operation_text("assign")
        self._op(what, self.api.assign, incident_id, assignee, version=version,
                 comment=note or None, on_done=on_done, on_error=on_error, incident_id=incident_id)

    def mark_duplicate(self, incident_id: int, version: int | None, duplicate_of: int, note: str | None = None,
                       on_done: Callback = None, on_error: Callback = None) -> None:
        what = operation_text("duplicate")
        self._op(what, self.api.mark_duplicate, incident_id, duplicate_of,
                 version=version, comment=note or None, on_done=on_done, on_error=on_error, incident_id=incident_id)

    def add_comment(self, incident_id: int, text: str, on_done: Callback = None, on_error: Callback = None) -> None:
        """on_done gets the CommentOut; the incident's new version arrives by incident_changed."""
        what = operation_text("comment")
        self._op(what, self.api.add_comment, incident_id, text, on_done=on_done,
                 on_error=on_error, incident_id=incident_id, refetch=incident_id)

    def attach(self, incident_id: int, path: str | Path, on_done: Callback = None, on_error: Callback = None) -> None:
        """Upload a photo; on_done gets the AttachmentOut."""
        what = operation_text("attach")
        self._op(what, self.api.upload_attachment, incident_id, str(path),
                 on_done=on_done, on_error=on_error, incident_id=incident_id, refetch=incident_id)

    # ------------------------------------------------------------ plumbing
    def _op(self, what: str, fn: Callable, *args, on_done: Callback, on_error: Callback,
            incident_id: int | None = None, refetch: int | None = None, **kwargs) -> None:
        if incident_id is not None and incident_id < 0:
            self._fail(what, operation_text("not_synced"),
                       on_error)
            return

        def work():
            result = fn(*args, **kwargs)
            # Comments and attachments change the incident's counters and version too.
            fresh = self.api.get(refetch) if refetch is not None else None
            return result, fresh

        def done(pair) -> None:
            result, fresh = pair
            for inc in (result, fresh):
                if isinstance(inc, IncidentOut):
                    self._remember(inc)
                    self.incident_changed.emit(inc)
            if on_done:
                on_done(result)

        self.ctx.tasks.run(work, on_done=done, on_error=self._error_cb(what, on_error), what=what)

    def _error_cb(self, what: str, on_error: Callback) -> Callable[[BaseException], None]:
        return lambda exc: self._fail(what, exc, on_error)

    def _fail(self, what: str, exc: BaseException | str, on_error: Callback) -> None:
        if on_error is not None:
            on_error(exc)
            return
        message = exc if isinstance(exc, str) else describe(exc)
        self.operation_failed.emit(what, message)
        self.ctx.errors.report(what, exc)

    def _remember(self, inc: IncidentOut) -> bool:
        """Keep the newest version; False when `inc` is older than what we have."""
        old = self._known.get(inc.id)
        if old is not None and old.version > inc.version:
            return False
        self._known[inc.id] = inc
        return True

    def _on_event(self, etype: str, data: object) -> None:
        if not isinstance(data, dict) or "id" not in data:
            return
        try:
            inc = IncidentOut.model_validate(data)
        except ValueError as exc:  # a newer server may send more; never crash the stream
            log.warning("ignoring malformed %s event: %s", etype, exc)
            return
        if self._remember(inc):
            self.incident_changed.emit(inc)

