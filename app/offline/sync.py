"""Draining the outbox to the server: in order per incident, idempotent, never overwriting unseen.

Qt-free; runs on a worker thread. Operations on different incidents go in parallel over
keep-alive connections; those on one incident go one after another. Creates carry their
client UUID as Idempotency-Key; edits carry If-Match. A 412 is merged three-way: if
nobody else touched the fields we change, the edit is re-sent against the new version;
otherwise it becomes a conflict the operator decides.
"""

from __future__ import annotations

import logging
import threading
import time
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

log = logging.getLogger(__name__)
BASE = "/api/v1/incidents"


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
        i = 0
        while i < len(group):
            if self._lost.is_set() or self._auth.is_set() or self._stop.is_set():
                out += [Outcome(op, "inflight" if op.state == "inflight" else "retry") for op in group[i:]]
                break
            op = group[i]
            try:
                results = self._send(op, group[i:], chain)
            except ConnectionLost:
                self._lost.set()
                out.append(Outcome(op, "inflight"))  # it may have arrived: the next pass checks
                out += [Outcome(o, "inflight" if o.state == "inflight" else "retry") for o in group[i + 1:]]
                break
            except AuthExpired as exc:
                self._auth.set()
                out += [Outcome(o, "retry", error=exc.message) for o in group[i:]]
                break
            except ApiError as exc:
                if exc.status >= 500 or exc.status == 429 or exc.code == "not_synced":
                    results = [Outcome(op, "retry", error=exc.message, exc=exc)]
                else:
                    results = [Outcome(op, "failed", error=exc.message, exc=exc)]
            except OSError as exc:
                results = [Outcome(op, "failed", error=self._file_problem(op, exc))]
            out += results
            i += len(results)
            if results[-1].state != "done":  # a failure blocks the later operations on this incident
                out += [Outcome(o, "retry") for o in group[i:]]
                break
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

    def _send(self, op: Op, rest: list[Op], chain: _Chain) -> list[Outcome]:
        """Send op (and, for an uncertain edit, maybe confirm the ones after it); their outcomes."""
        if op.kind == "create":
            return [self._create(op, chain)]
        inc = self._incident_id(op, chain)
        if op.kind in EDIT_KINDS:
            return self._edit(op, rest, chain, inc)
        if op.kind == "comment":
            if op.state == "inflight" and self._already_there(op, inc):
                return [Outcome(op, "done")]
            self.client.request("POST", f"{BASE}/{inc}/comments", json={"text": op.payload["text"]})
        elif op.kind == "attach":
            if op.state == "inflight" and self._already_there(op, inc):
                return [Outcome(op, "done")]
            path = self.store.files_dir / op.payload["path"]
            with open(path, "rb") as fh:
                self.client.request("POST", f"{BASE}/{inc}/attachments",
                                    files={"file": (op.payload["filename"], fh, op.payload["content_type"])})
        else:
            return [Outcome(op, "failed", error=f"Unknown operation {op.kind!r}")]
        if chain.expected is not None:  # a comment or photo is one more version
            chain.expected += 1
            chain.ours.add(chain.expected)
        return [Outcome(op, "done")]

    def _create(self, op: Op, chain: _Chain) -> Outcome:
        body = op.payload["body"]
        incident = self.client.request("POST", BASE, json=body, headers={"Idempotency-Key": body["client_uuid"]},
                                       retry=True)
        chain.server_id = incident["id"]
        if incident["version"] == 1:  # untouched since made: our later edits (based on version 1) follow on
            chain.expected, chain.ours = 1, {1}
        return Outcome(op, "done", incident=incident)

    def _edit_request(self, op: Op, inc: int, version: int | None) -> dict:
        hdrs = {"If-Match": f'"{version}"'} if version is not None else {}
        p = op.payload
        if op.kind == "patch":
            return self.client.request("PATCH", f"{BASE}/{inc}", json=p["changes"], headers=hdrs)
        if op.kind == "status":
            return self.client.request("POST", f"{BASE}/{inc}/status", json=p, headers=hdrs)
        if op.kind == "assign":
            return self.client.request("POST", f"{BASE}/{inc}/assign", json=p, headers=hdrs)
        original = p["duplicate_of"]
        if original < 0:
            original = self.store.resolve(original)
            if original < 0 and self.store.incident(original) is None:
                raise ApiError(422, "original_discarded", "The original incident was discarded before it "
                                                          "reached the server; choose another or discard this")
            if original < 0:  # its create is still on the way (or waits for the operator): wait too
                raise ApiError(409, "not_synced", "The original incident has not reached the server yet")
        return self.client.request("POST", f"{BASE}/{inc}/duplicate",
                                   json={"duplicate_of": original, "comment": p.get("comment")}, headers=hdrs)

    def _edit(self, op: Op, rest: list[Op], chain: _Chain, inc: int) -> list[Outcome]:
        version = chain.expected if (chain.expected is not None and op.base_version in chain.ours) \
            else op.base_version
        try:
            incident = self._edit_request(op, inc, version)
        except ApiError as exc:
            if exc.status != 412:
                raise
            current = exc.details.get("incident") or self.client.request("GET", f"{BASE}/{inc}")
            return self._merge(op, rest, chain, inc, current)
        self._advance(chain, op, incident)
        return [Outcome(op, "done", incident=incident)]

    @staticmethod
    def _advance(chain: _Chain, op: Op, incident: dict) -> None:
        if op.base_version is not None:
            chain.ours.add(op.base_version)
        chain.ours.add(incident["version"])
        chain.expected = incident["version"]

    def _merge(self, op: Op, rest: list[Op], chain: _Chain, inc: int, current: dict) -> list[Outcome]:
        """The incident changed since the operator saw it: decide without overwriting anyone unseen."""
        # Our own earlier attempt may have arrived before a crash or a lost answer: if the
        # server already shows the result of a run of our unconfirmed edits, they are done.
        if op.state == "inflight":
            run = []
            for o in rest:
                if o.kind not in EDIT_KINDS or o.state != "inflight":
                    break
                run.append(o)
            for k in range(len(run), 0, -1):
                final: dict = {}
                for o in run[:k]:
                    final.update(o.changes())
                if all(_eq(current.get(f), v) for f, v in final.items()):
                    chain.expected, chain.ours = current["version"], {current["version"]}
                    return [Outcome(o, "done", incident=current if j == k - 1 else None)
                            for j, o in enumerate(run[:k])]
        mine = op.changes()
        if all(_eq(current.get(f), v) for f, v in mine.items()):
            chain.expected, chain.ours = current["version"], {current["version"]}
            return [Outcome(op, "done", incident=current)]
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
                return [Outcome(op, "done", incident=incident)]
        return [Outcome(op, "conflict", server=current, incident=current,
                        error="The incident was changed by someone else meanwhile")]

    def _already_there(self, op: Op, inc: int) -> bool:
        """For a comment or photo whose answer was lost: did it arrive? (count ours on both sides)"""
        user = op.user or (self.client.user.username if self.client.user else "")
        if op.kind == "comment":
            items = self.client.request("GET", f"{BASE}/{inc}/comments")
            there = sum(1 for c in items if c["author"] == user and c["text"] == op.payload["text"])
            done = sum(1 for o in self.store.ops(("done",), incident_id=op.incident_id)
                       if o.kind == "comment" and o.payload["text"] == op.payload["text"])
        else:
            items = self.client.request("GET", f"{BASE}/{inc}/attachments")
            there = sum(1 for a in items if a["uploaded_by"] == user and a["sha256"] == op.payload["sha256"])
            done = sum(1 for o in self.store.ops(("done",), incident_id=op.incident_id)
                       if o.kind == "attach" and o.payload["sha256"] == op.payload["sha256"])
        return there > done
