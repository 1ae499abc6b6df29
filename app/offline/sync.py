"""Draining the outbox to the server: in order per incident, exactly once, never overwriting unseen.

Qt-free; runs on a worker thread; everything goes through ``IncidentsApi``. Operations on
different incidents go in parallel over keep-alive connections; those on one incident go one
after another, in one group. Every operation carries its own id as Idempotency-Key, so
sending it again after a lost answer (a crash, a cut) gets the server's first answer: the
engine never guesses whether its earlier attempt arrived. Edits carry If-Match; a 412 is
merged three-way: if nobody else touched the fields we change, the edit is re-sent against
the new version; otherwise it becomes a conflict the operator decides.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from app.offline.schema import EDIT_KINDS, UNKNOWN_BASE, Op, Outcome
from app.offline.store import OfflineStore
from backend_client.client import ApiClient
from backend_client.errors import ApiError, AuthExpired, ConnectionLost
from backend_client.incidents import IncidentsApi
from backend_client.schemas.incidents import IncidentCreate, IncidentPatch

log = logging.getLogger(__name__)


@contextmanager
def _exclusive(path: Path) -> Iterator[bool]:
    """An advisory lock on a file: True if this process holds it (always True where flock is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: one desk per user session anyway
        yield True
        return
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass
class SyncReport:
    sent: int = 0
    failed: int = 0
    conflicts: int = 0
    remaining: int = 0
    offline: bool = False
    auth_expired: bool = False
    seconds: float = 0.0
    touched: list[int] = field(default_factory=list)
    renumbered: dict[int, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Chain:
    """What this pass knows about one incident's server version after our own changes."""

    server_id: int | None = None
    expected: int | None = None
    ours: set[int] = field(default_factory=set)


def _eq(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) < 1e-9
        except (TypeError, ValueError):
            return False
    return a == b


class SyncEngine:
    def __init__(self, store: OfflineStore, client: ApiClient, *, workers: int = 4, batch: int = 400,
                 on_progress: Callable[[int, int], None] | None = None,
                 on_settled: Callable[[list[int], dict[int, int], list[Outcome]], None] | None = None) -> None:
        self.store = store
        self.client = client
        self.api = IncidentsApi(client)
        self.workers = workers
        self.batch = batch
        self.on_progress = on_progress
        self.on_settled = on_settled
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._auth = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    # ------------------------------------------------------------ the pass
    def drain(self) -> SyncReport:
        """Send everything sendable; returns when done, offline, or stopped.

        One drain per store at a time, across processes too (a second copy of the app on the
        same workstation and user waits its turn instead of sending the same comments again).
        """
        with _exclusive(self.store.path.with_name(self.store.path.name + ".sync-lock")) as mine:
            if not mine:
                return SyncReport(remaining=self.store.waiting())
            return self._drain()

    def _drain(self) -> SyncReport:
        t0 = time.monotonic()
        report = SyncReport()
        self._lost.clear()
        self._auth.clear()
        total = self._sendable_count()
        done = 0
        seen_map = dict(self.store.renumbered())
        with ThreadPoolExecutor(self.workers, thread_name_prefix="sc-sync") as pool:
            while not self._stop.is_set():
                batch = self._next_batch()
                if not batch:
                    break
                self.store.mark_inflight([op.seq for g in batch.values() for op in g])
                futures = [pool.submit(self._send_group, group) for group in batch.values()]
                outcomes: list[Outcome] = []
                moved = False
                last_settle = time.monotonic()
                for fut in futures:
                    got = fut.result()
                    moved = moved or any(o.state in ("done", "failed", "conflict") for o in got)
                    outcomes.extend(got)
                    if len(outcomes) >= 200 or time.monotonic() - last_settle > 0.3:
                        done += self._settle(outcomes, report)
                        outcomes, last_settle = [], time.monotonic()
                        if self.on_progress:
                            self.on_progress(done, max(total, done))
                done += self._settle(outcomes, report)
                if self.on_progress:
                    self.on_progress(done, max(total, done))
                if self._lost.is_set() or self._auth.is_set() or not moved:
                    break  # offline, logged out, or everything left waits on something else
        self.store.checkpoint()
        report.offline = self._lost.is_set()
        report.auth_expired = self._auth.is_set()
        report.remaining = self.store.waiting()
        report.renumbered = {k: v for k, v in self.store.renumbered().items() if k not in seen_map}
        report.seconds = time.monotonic() - t0
        return report

    def _settle(self, outcomes: list[Outcome], report: SyncReport) -> int:
        if not outcomes:
            return 0
        touched = self.store.settle(outcomes)
        report.touched.extend(touched)
        n = 0
        for o in outcomes:
            if o.state == "done":
                report.sent += 1
                n += 1
            elif o.state == "failed":
                report.failed += 1
                report.problems.append(o.error or "")
                n += 1
            elif o.state == "conflict":
                report.conflicts += 1
                n += 1
        if self.on_settled:
            self.on_settled(touched, self.store.renumbered(), outcomes)
        return n

    def _sendable_count(self) -> int:
        c = self.store.counts()
        return c.get("pending", 0) + c.get("inflight", 0)

    def _next_batch(self) -> "OrderedDict[int, list[Op]]":
        """The next operations in order, grouped per incident; incidents blocked by a failure wait."""
        groups: OrderedDict[int, list[Op]] = OrderedDict()
        for op in self.store.sendable(self.batch):
            groups.setdefault(op.incident_id, []).append(op)
        return groups

    # ------------------------------------------------------------ one incident's operations, in order
    def _send_group(self, group: list[Op]) -> list[Outcome]:
        chain = _Chain()
        out: list[Outcome] = []

        def unsent(ops: list[Op]) -> list[Outcome]:
            # Sent before (answer unknown) stays in flight: it is never re-marked pending.
            return [Outcome(o, "inflight" if o.state == "inflight" else "retry") for o in ops]

        for i, op in enumerate(group):
            if self._lost.is_set() or self._auth.is_set() or self._stop.is_set():
                return out + unsent(group[i:])
            try:
                result = self._send(op, chain)
            except ConnectionLost:
                self._lost.set()
                return out + [Outcome(op, "inflight")] + unsent(group[i + 1:])  # it may have arrived
            except AuthExpired as exc:
                self._auth.set()
                return out + [Outcome(o, "inflight" if o.state == "inflight" else "retry", error=exc.message)
                              for o in group[i:]]
            except ApiError as exc:
                if exc.status >= 500 or exc.status == 429 or exc.code == "not_synced":
                    result = Outcome(op, "inflight" if op.state == "inflight" else "retry", error=exc.message,
                                     exc=exc)
                else:
                    result = Outcome(op, "failed", error=exc.message, exc=exc)
            except OSError as exc:
                result = Outcome(op, "failed", error=self._file_problem(op, exc))
            out.append(result)
            if result.state != "done":  # a failure blocks the later operations on this incident
                return out + unsent(group[i + 1:])
        return out

    @staticmethod
    def _file_problem(op: Op, exc: OSError) -> str:
        name = op.payload.get("filename", "?")
        return (f"The photo {name} is no longer in the offline store ({exc.strerror or exc}); "
                f"choose the file again or discard this attachment")

    def _incident_id(self, op: Op, chain: _Chain) -> int:
        if chain.server_id is not None:
            return chain.server_id
        inc = self.store.resolve(op.incident_id)
        if inc < 0:
            raise ApiError(409, "not_synced", "The incident has not reached the server yet")
        return inc

    def _send(self, op: Op, chain: _Chain) -> Outcome:
        """Send one operation (again, if its answer was lost: the key makes that safe); its outcome."""
        if op.kind == "create":
            return self._create(op, chain)
        inc = self._incident_id(op, chain)
        if op.kind in EDIT_KINDS:
            return self._edit(op, chain, inc)
        p = op.payload
        if op.kind == "comment":
            self.api.add_comment(inc, p["text"], key=op.op_id)
        elif op.kind == "attach":
            self.api.upload_attachment(inc, self.store.files_dir / p["path"], key=op.op_id,
                                       filename=p["filename"], content_type=p["content_type"])
        else:
            return Outcome(op, "failed", error=f"Unknown operation {op.kind!r}")
        if chain.expected is not None:  # a comment or photo is one more version
            chain.expected += 1
            chain.ours.add(chain.expected)
        return Outcome(op, "done")

    def _create(self, op: Op, chain: _Chain) -> Outcome:
        incident = self.api.create(wire_create(op.payload["body"]), key=op.op_id)
        chain.server_id = incident.id
        if incident.version == 1:  # the first answer: our later edits (based on version 1) follow on
            chain.expected, chain.ours = 1, {1}
        return Outcome(op, "done", incident=incident.model_dump(mode="json"))

    def _edit_request(self, op: Op, inc: int, version: int | None) -> dict:
        p, key = op.payload, op.op_id
        if op.kind == "patch":
            out = self.api.patch(inc, version, wire_patch(p["changes"]), key=key)
        elif op.kind == "status":
            out = self.api.change_status(inc, p["status"], version=version, comment=p.get("comment"), key=key)
        elif op.kind == "assign":
            out = self.api.assign(inc, p["assignee"], version=version, comment=p.get("comment"), key=key)
        elif op.kind == "undo":
            out = self.api.undo_status(inc, p["status"], version=version, key=key)
        else:
            out = self.api.mark_duplicate(inc, self._original(p["duplicate_of"]), version=version,
                                          comment=p.get("comment"), key=key)
        return out.model_dump(mode="json")

    def _original(self, original: int) -> int:
        if original >= 0:
            return original
        resolved = self.store.resolve(original)
        if resolved < 0 and self.store.incident(resolved) is None:
            raise ApiError(422, "original_discarded", "The original incident was discarded before it "
                                                      "reached the server; choose another or discard this")
        if resolved < 0:  # its create is still on the way (or waits for the operator): wait too
            raise ApiError(409, "not_synced", "The original incident has not reached the server yet")
        return resolved

    def _edit(self, op: Op, chain: _Chain, inc: int) -> Outcome:
        version = chain.expected if (chain.expected is not None and op.base_version in chain.ours) \
            else op.base_version
        try:
            incident = self._edit_request(op, inc, version)
        except ApiError as exc:
            if exc.status != 412:
                raise
            current = exc.details.get("incident") or self.api.get(inc).model_dump(mode="json")
            return self._merge(op, chain, inc, current)
        self._advance(chain, op, incident)
        return Outcome(op, "done", incident=incident)

    @staticmethod
    def _advance(chain: _Chain, op: Op, incident: dict) -> None:
        if op.base_version is not None:
            chain.ours.add(op.base_version)
        chain.ours.add(incident["version"])
        chain.expected = incident["version"]

    def _merge(self, op: Op, chain: _Chain, inc: int, current: dict) -> Outcome:
        """Someone else changed the incident since the operator saw it (our own earlier writes were
        answered by their keys): decide without overwriting anyone unseen."""
        mine = op.changes()
        if all(_eq(current.get(f), v) for f, v in mine.items()):
            # The incident already says what we wanted: nothing to send, nothing to decide.
            chain.expected, chain.ours = current["version"], {current["version"]}
            return Outcome(op, "done", incident=current)
        if UNKNOWN_BASE not in op.base and all(_eq(current.get(f), op.base.get(f)) for f in mine):
            # Only fields we do not touch changed meanwhile: apply ours on the new version.
            try:
                incident = self._edit_request(op, inc, current["version"])
            except ApiError as exc:
                if exc.status != 412:
                    raise
                current = exc.details.get("incident") or current
            else:
                self._advance(chain, op, incident)
                chain.ours.add(current["version"])
                return Outcome(op, "done", incident=incident)
        return Outcome(op, "conflict", server=current, incident=current,
                       error="The incident was changed by someone else meanwhile")


def wire_create(body: dict) -> IncidentCreate:
    """The create the outbox checked (its category as the server last announced it), as the wire type."""
    return IncidentCreate.model_construct(**{**body, "client_uuid": uuid.UUID(str(body["client_uuid"]))})


def wire_patch(changes: dict) -> IncidentPatch:
    """The edit the outbox checked, as the wire type (only the fields given are sent)."""
    return IncidentPatch.model_construct(**changes)
