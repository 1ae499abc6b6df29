"""The workstation's own SQLite store: a cache of incidents seen and the outbox of operations.

Qt-free. One file per server and user, WAL; every write is one short transaction
(``BEGIN IMMEDIATE``), so an operation is durable before the caller reports it saved.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (Column, Connection, Float, Integer, MetaData, String, Table, Text, create_engine, delete,
                        event, func, insert, select, update)

SCHEMA_VERSION = 1
metadata = MetaData()

incidents = Table(
    "incidents", metadata,
    Column("id", Integer, primary_key=True),                   # server id, or negative for local-only
    Column("client_uuid", String(36), index=True),
    Column("server_json", Text),                               # last state the server sent (None: local)
    Column("view_json", Text, nullable=False),                 # what the operator sees: server + pending ops
    Column("details_json", Text),                              # last comments/history/attachments loaded
    Column("seen_at", Float, nullable=False),
)
ops = Table(
    "ops", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),  # the order they drain in
    Column("op_id", String(36), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # create | patch | status | assign | duplicate | comment | attach
    Column("incident_id", Integer, nullable=False, index=True),    # follows the local → server renumbering
    Column("payload", Text, nullable=False),
    Column("base_version", Integer),             # If-Match for edits
    Column("base_json", Text),                   # the edited fields as the operator saw them (3-way merge)
    # pending → inflight (sent, answer unknown) → done | failed | conflict; discarded by the operator
    Column("state", String(10), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("server_json", Text),                 # on conflict: the server's current incident
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("user", String(64), nullable=False, default=""),
)
meta = Table("meta", metadata, Column("key", String(32), primary_key=True), Column("value", Text))

OPEN_STATES = ("pending", "inflight", "failed", "conflict")  # still wanted: shown, and block later ops
EDIT_KINDS = ("patch", "status", "assign", "duplicate")
UNKNOWN_BASE = "__unknown__"  # in Op.base: the values the operator saw are not known


@dataclass
class Op:
    seq: int
    op_id: str
    kind: str
    incident_id: int
    payload: dict
    base_version: int | None
    base: dict
    state: str
    attempts: int = 0
    error: str | None = None
    server: dict | None = None
    created_at: float = 0.0
    user: str = ""
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_row(cls, r) -> "Op":
        return cls(seq=r.seq, op_id=r.op_id, kind=r.kind, incident_id=r.incident_id,
                   payload=json.loads(r.payload), base_version=r.base_version,
                   base=json.loads(r.base_json) if r.base_json else {}, state=r.state, attempts=r.attempts,
                   error=r.error, server=json.loads(r.server_json) if r.server_json else None,
                   created_at=r.created_at, user=r.user)

    def changes(self) -> dict[str, Any]:
        """The incident fields this operation sets (edits only)."""
        p = self.payload
        if self.kind == "patch":
            return dict(p["changes"])
        if self.kind == "status":
            return {"status": p["status"]}
        if self.kind == "assign":
            return {"assignee": p["assignee"]}
        if self.kind == "duplicate":
            return {"status": "duplicate", "duplicate_of": p["duplicate_of"]}
        return {}


def local_number(local_id: int) -> str:
    """The temporary number of an incident logged offline: Л-3 (Л for «локальный»)."""
    return f"Л-{-local_id}"


def store_path(base: Path, server_url: str, username: str) -> Path:
    """One store per server and user: <base>/offline/<host>-<hash>/<user>/store.sqlite3."""
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", server_url.split("://")[-1])[:40]
    digest = hashlib.sha256(server_url.rstrip("/").encode()).hexdigest()[:8]
    user = re.sub(r"[^A-Za-z0-9_.-]+", "_", username)[:64] or "_"
    return base / "offline" / f"{host}-{digest}" / user / "store.sqlite3"


def apply_op(view: dict, op: Op) -> dict:
    """The incident as the operator sees it after this (not yet synced) operation."""
    v = dict(view)
    if op.kind in EDIT_KINDS:
        v.update(op.changes())
    elif op.kind == "comment":
        v["comment_count"] = v.get("comment_count", 0) + 1
    elif op.kind == "attach":
        v["attachment_count"] = v.get("attachment_count", 0) + 1
    if op.kind == "status" and op.payload.get("comment"):
        v["comment_count"] = v.get("comment_count", 0) + 1
    return v


class OfflineStore:
    """Cache + outbox in one SQLite file; safe to use from several threads."""

    def __init__(self, path: Path | str, *, synchronous: str = "FULL") -> None:
        if synchronous.upper() not in ("FULL", "EXTRA", "NORMAL"):
            raise ValueError(f"synchronous must be FULL, EXTRA or NORMAL, not {synchronous!r}")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.files_dir = self.path.parent / "files"
        self.files_dir.mkdir(exist_ok=True)
        self.engine = create_engine(f"sqlite:///{self.path}",
                                    connect_args={"check_same_thread": False, "timeout": 30})
        sync_mode = synchronous.upper()

        @event.listens_for(self.engine, "connect")
        def _connect(dbapi_conn, _rec) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # FULL: the WAL is fsynced at each commit, so "saved" survives a power cut too.
            cur.execute(f"PRAGMA synchronous={sync_mode}")
            cur.execute("PRAGMA busy_timeout=30000")
            # Checkpoints run from checkpoint() (sync thread, idle timer), not inside an operator's save.
            cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.close()

        reading = self._reading = threading.local()

        @event.listens_for(self.engine, "begin")
        def _begin(conn) -> None:
            # Writes take the lock up front (no upgrade deadlocks); reads never wait for writers.
            conn.exec_driver_sql("BEGIN" if getattr(reading, "on", False) else "BEGIN IMMEDIATE")

        metadata.create_all(self.engine)
        self._lock = threading.RLock()
        self._raw = None  # the writer connection of record(), made on first use
        with self.tx() as c:
            if c.scalar(select(meta.c.value).where(meta.c.key == "schema")) is None:
                c.execute(insert(meta).values(key="schema", value=str(SCHEMA_VERSION)))
                c.execute(insert(meta).values(key="next_local", value="1"))

    def close(self) -> None:
        with self._lock:
            if self._raw is not None:
                self._raw.close()
                self._raw = None
        self.engine.dispose()

    @contextmanager
    def tx(self) -> Iterator[Connection]:
        with self._lock, self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only snapshot: in WAL it does not block (nor wait for) the writer."""
        self._reading.on = True
        try:
            with self.engine.begin() as conn:
                yield conn
        finally:
            self._reading.on = False

    def checkpoint(self) -> None:
        """Fold the WAL back into the database file (off the operator's save path)."""
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cur.close()
        finally:
            raw.close()

    # ------------------------------------------------------------ meta
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.read() as c:
            v = c.scalar(select(meta.c.value).where(meta.c.key == key))
        return default if v is None else v

    def set_meta(self, key: str, value: str) -> None:
        with self.tx() as c:
            self._set_meta(c, key, value)

    @staticmethod
    def _set_meta(c: Connection, key: str, value: str) -> None:
        if c.execute(update(meta).where(meta.c.key == key).values(value=value)).rowcount == 0:
            c.execute(insert(meta).values(key=key, value=value))

    # ------------------------------------------------------------ cache
    def incidents(self) -> list[dict]:
        with self.read() as c:
            rows = c.execute(select(incidents.c.view_json)).all()
        return [json.loads(r[0]) for r in rows]

    def incident(self, incident_id: int) -> dict | None:
        with self.read() as c:
            incident_id = self._resolve(c, incident_id)
            v = c.scalar(select(incidents.c.view_json).where(incidents.c.id == incident_id))
        return json.loads(v) if v else None

    def server_incident(self, incident_id: int) -> dict | None:
        with self.read() as c:
            v = c.scalar(select(incidents.c.server_json).where(incidents.c.id == self._resolve(c, incident_id)))
        return json.loads(v) if v else None

    def resolve(self, incident_id: int) -> int:
        """The current id of an incident: a local id that was synced becomes the server's."""
        with self.read() as c:
            return self._resolve(c, incident_id)

    @staticmethod
    def _resolve(c: Connection, incident_id: int) -> int:
        if incident_id >= 0:
            return incident_id
        mapped = c.scalar(select(meta.c.value).where(meta.c.key == f"map:{incident_id}"))
        return int(mapped) if mapped else incident_id

    def remember(self, items: Iterable[dict]) -> list[dict]:
        """Store what the server sent; the views keep the operator's pending changes on top."""
        out = []
        now = time.time()
        with self.tx() as c:
            for item in items:
                out.append(self._remember(c, item, now))
        return out

    def _remember(self, c: Connection, item: dict, now: float) -> dict:
        sid = item["id"]
        old = c.execute(select(incidents.c.server_json).where(incidents.c.id == sid)).first()
        if old is not None and old[0]:
            prev = json.loads(old[0])
            if prev.get("version", 0) > item.get("version", 0):
                item = prev  # an older answer arrived late: keep the newer state
        view = self._view(c, sid, item)
        values = dict(client_uuid=str(item.get("client_uuid") or "") or None, server_json=json.dumps(item),
                      view_json=json.dumps(view), seen_at=now)
        if old is None:
            c.execute(insert(incidents).values(id=sid, **values))
        else:
            c.execute(update(incidents).where(incidents.c.id == sid).values(**values))
        return view

    def _view(self, c: Connection, incident_id: int, server: dict) -> dict:
        view = dict(server)
        pending = 0
        for r in c.execute(select(ops).where(ops.c.incident_id == incident_id, ops.c.state.in_(OPEN_STATES),
                                             ops.c.kind != "create").order_by(ops.c.seq)):
            view = apply_op(view, Op.from_row(r))
            pending += 1
        view["pending_ops"] = pending
        return view

    def save_details(self, incident_id: int, details: dict) -> None:
        with self.tx() as c:
            c.execute(update(incidents).where(incidents.c.id == incident_id)
                      .values(details_json=json.dumps(details)))

    def details(self, incident_id: int) -> dict:
        """Cached comments/history/attachments plus the ones still waiting in the outbox."""
        with self.read() as c:
            incident_id = self._resolve(c, incident_id)
            raw = c.scalar(select(incidents.c.details_json).where(incidents.c.id == incident_id))
            waiting = [Op.from_row(r) for r in c.execute(
                select(ops).where(ops.c.incident_id == incident_id, ops.c.state.in_(OPEN_STATES),
                                  ops.c.kind.in_(("comment", "attach"))).order_by(ops.c.seq))]
        d = json.loads(raw) if raw else {"comments": [], "history": [], "attachments": []}
        d["pending_comments"] = [{"text": o.payload["text"], "author": o.user, "created_at": o.created_at,
                                  "state": o.state} for o in waiting if o.kind == "comment"]
        d["pending_attachments"] = [{"filename": o.payload["filename"], "path": o.payload["path"],
                                     "state": o.state} for o in waiting if o.kind == "attach"]
        return d

    # ------------------------------------------------------------ outbox
    def record(self, kind: str, incident_id: int | None, payload: dict, *, user: str = "",
               op_id: str, seen_version: int | None = None) -> tuple[Op, dict]:
        """Commit one operation and the incident view it produces, in one transaction.

        The operator waits on this one: plain SQL on the store's own writer connection.
        """
        now = time.time()
        with self._writer() as cur:
            if kind == "create":
                earlier = cur.execute("SELECT seq, state, incident_id FROM ops WHERE op_id = ?", (op_id,)).fetchone()
                if earlier is not None and earlier[1] == "discarded":
                    # The same client UUID again after a refusal: the new attempt is a new operation.
                    cur.execute("UPDATE ops SET op_id = op_id || ':discarded:' || seq WHERE seq = ?", (earlier[0],))
                elif earlier is not None:  # saved already (a double click): the same operation
                    inc = self._resolve_raw(cur, earlier[2])
                    row = cur.execute("SELECT view_json FROM incidents WHERE id = ?", (inc,)).fetchone()
                    found = cur.execute(f"SELECT {', '.join(self._OP_COLS)} FROM ops WHERE seq = ?",
                                        (earlier[0],)).fetchone()
                    from types import SimpleNamespace

                    op = Op.from_row(SimpleNamespace(**dict(zip(self._OP_COLS, found))))
                    return op, json.loads(row[0]) if row else dict(payload["view"], id=inc)
                n = int(cur.execute("SELECT value FROM meta WHERE key = 'next_local'").fetchone()[0])
                cur.execute("UPDATE meta SET value = ? WHERE key = 'next_local'", (str(n + 1),))
                incident_id = -n
                view = dict(payload["view"], id=incident_id, number=local_number(incident_id), pending_ops=1)
                base_version, base = None, {}
                cur.execute("INSERT INTO incidents (id, client_uuid, server_json, view_json, seen_at) "
                            "VALUES (?, ?, NULL, ?, ?)",
                            (incident_id, payload["body"]["client_uuid"], json.dumps(view), now))
            else:
                incident_id = int(incident_id)
                if incident_id < 0:
                    mapped = cur.execute("SELECT value FROM meta WHERE key = ?", (f"map:{incident_id}",)).fetchone()
                    incident_id = int(mapped[0]) if mapped else incident_id
                row = cur.execute("SELECT view_json, server_json FROM incidents WHERE id = ?",
                                  (incident_id,)).fetchone()
                if row is None:
                    raise KeyError(f"incident {incident_id} is not in the local store")
                view = json.loads(row[0])
                server = json.loads(row[1]) if row[1] else None
                # Edits made on an incident that exists only here will apply to version 1 (its create).
                base_version = server["version"] if server else 1
                probe = Op(0, op_id, kind, incident_id, payload, base_version, {}, "pending")
                base = {f: view.get(f) for f in probe.changes()}
                if server and seen_version is not None and seen_version != base_version:
                    # The operator edited another version than the one cached: its values are not
                    # known here, so a 412 must go to the operator (no automatic merge).
                    base_version, base = seen_version, {UNKNOWN_BASE: True}
            op = Op(0, op_id, kind, incident_id, payload, base_version, base, "pending", created_at=now, user=user)
            cur.execute("INSERT INTO ops (op_id, kind, incident_id, payload, base_version, base_json, state, "
                        "attempts, created_at, updated_at, user) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
                        (op_id, kind, incident_id, json.dumps(payload), base_version,
                         json.dumps(base) if base else None, now, now, user))
            op.seq = cur.lastrowid
            if kind != "create":
                view = apply_op(view, op)
                view["pending_ops"] = view.get("pending_ops", 0) + 1
                cur.execute("UPDATE incidents SET view_json = ? WHERE id = ?", (json.dumps(view), incident_id))
        return op, view

    @contextmanager
    def _writer(self) -> Iterator[Any]:
        """One write transaction on the store's own DBAPI connection (no pool, no statement compiling)."""
        with self._lock:
            if self._raw is None:
                self._raw = self.engine.raw_connection()
            cur = self._raw.driver_connection.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()

    def ops(self, states: Iterable[str] | None = None, *, limit: int | None = None,
            incident_id: int | None = None) -> list[Op]:
        q = select(ops).order_by(ops.c.seq)
        if states is not None:
            q = q.where(ops.c.state.in_(tuple(states)))
        if incident_id is not None:
            q = q.where(ops.c.incident_id == incident_id)
        if limit:
            q = q.limit(limit)
        with self.read() as c:
            return [Op.from_row(r) for r in c.execute(q)]

    def sendable(self, limit: int) -> list[Op]:
        """The next operations to send, in order, leaving out incidents blocked by a failure or conflict."""
        blocked = select(ops.c.incident_id).where(ops.c.state.in_(("failed", "conflict")))
        q = (select(ops).where(ops.c.state.in_(("pending", "inflight")), ops.c.incident_id.not_in(blocked))
             .order_by(ops.c.seq).limit(limit))
        with self.read() as c:
            return [Op.from_row(r) for r in c.execute(q)]

    def op(self, seq: int) -> Op | None:
        with self.read() as c:
            r = c.execute(select(ops).where(ops.c.seq == seq)).first()
        return Op.from_row(r) if r else None

    def counts(self) -> dict[str, int]:
        with self.read() as c:
            rows = c.execute(select(ops.c.state, func.count()).group_by(ops.c.state)).all()
        return {s: n for s, n in rows}

    def waiting(self) -> int:
        """Operations not yet on the server (what the status bar counts)."""
        c = self.counts()
        return sum(c.get(s, 0) for s in OPEN_STATES)

    def mark_inflight(self, seqs: list[int]) -> None:
        if not seqs:
            return
        now = time.time()
        with self._writer() as cur:
            cur.executemany("UPDATE ops SET state = 'inflight', attempts = attempts + 1, updated_at = ? WHERE seq = ?",
                            [(now, seq) for seq in seqs])

    def settle(self, results: list["Outcome"]) -> list[int]:
        """Record what the server answered for a batch, in one transaction; the incident ids touched.

        Plain SQL on the writer connection: the sync's throughput depends on it.
        """
        touched: set[int] = set()
        latest: dict[int, dict] = {}
        now = time.time()
        with self._writer() as cur:
            for res in results:
                op = res.op
                inc_id = self._resolve_raw(cur, op.incident_id)
                if res.state == "done" and op.kind == "create" and res.incident is not None and inc_id < 0:
                    inc_id = self._renumber_raw(cur, inc_id, res.incident["id"])
                sets, args = ["state = ?", "error = ?", "updated_at = ?"], [
                    "pending" if res.state == "retry" else res.state, res.error, now]
                if res.server is not None:
                    sets.append("server_json = ?")
                    args.append(json.dumps(res.server))
                if res.base_version is not None:
                    sets.append("base_version = ?")
                    args.append(res.base_version)
                cur.execute(f"UPDATE ops SET {', '.join(sets)} WHERE seq = ?", (*args, op.seq))
                if res.incident is not None:
                    had = latest.get(res.incident["id"])
                    if had is None or had.get("version", 0) <= res.incident.get("version", 0):
                        latest[res.incident["id"]] = res.incident
                touched.add(inc_id)
            self._compose_views(cur, sorted(touched), latest, now)
        return sorted(touched)

    _OP_COLS = ("seq", "op_id", "kind", "incident_id", "payload", "base_version", "base_json", "state", "attempts",
                "error", "server_json", "created_at", "user")

    def _compose_views(self, cur, ids: list[int], latest: dict[int, dict], now: float) -> None:
        """Views of these incidents = the newest server state + the operations still open, in order."""
        from types import SimpleNamespace

        for k in range(0, len(ids), 400):
            chunk = ids[k:k + 400]
            marks = ",".join("?" * len(chunk))
            rows = {r[0]: r for r in cur.execute(
                f"SELECT id, server_json, view_json FROM incidents WHERE id IN ({marks})", chunk)}
            open_ops: dict[int, list[Op]] = {}
            states = ",".join(f"'{s}'" for s in OPEN_STATES)
            for r in cur.execute(f"SELECT {', '.join(self._OP_COLS)} FROM ops WHERE incident_id IN ({marks}) "
                                 f"AND state IN ({states}) ORDER BY seq", chunk):
                op = Op.from_row(SimpleNamespace(**dict(zip(self._OP_COLS, r))))
                open_ops.setdefault(op.incident_id, []).append(op)
            for inc_id in chunk:
                row = rows.get(inc_id)
                server = json.loads(row[1]) if row is not None and row[1] else None
                fresh = latest.get(inc_id)
                if fresh is not None and (server is None or server.get("version", 0) <= fresh.get("version", 0)):
                    server = fresh
                pending = open_ops.get(inc_id, [])
                if server is not None:
                    view = dict(server)
                    edits = [o for o in pending if o.kind != "create"]
                    for o in edits:
                        view = apply_op(view, o)
                    view["pending_ops"] = len(edits)
                else:
                    create = next((o for o in pending if o.kind == "create"), None)
                    if create is None:
                        continue
                    view = dict(create.payload["view"], id=inc_id, number=local_number(inc_id))
                    for o in pending:
                        if o.kind != "create":
                            view = apply_op(view, o)
                    view["pending_ops"] = len(pending)
                server_text = json.dumps(server) if server is not None else None
                if row is None:
                    cur.execute("INSERT INTO incidents (id, client_uuid, server_json, view_json, seen_at) "
                                "VALUES (?, ?, ?, ?, ?)", (inc_id, str(view.get("client_uuid") or "") or None,
                                                           server_text, json.dumps(view), now))
                else:
                    cur.execute("UPDATE incidents SET server_json = ?, view_json = ?, seen_at = ? WHERE id = ?",
                                (server_text, json.dumps(view), now, inc_id))

    @staticmethod
    def _resolve_raw(cur, incident_id: int) -> int:
        if incident_id >= 0:
            return incident_id
        r = cur.execute("SELECT value FROM meta WHERE key = ?", (f"map:{incident_id}",)).fetchone()
        return int(r[0]) if r else incident_id

    @staticmethod
    def _renumber_raw(cur, local_id: int, server_id: int) -> int:
        """A local incident reached the server: its operations and cache row take the server id."""
        cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (f"map:{local_id}", str(server_id)))
        cur.execute("UPDATE ops SET incident_id = ? WHERE incident_id = ?", (server_id, local_id))
        row = cur.execute("SELECT client_uuid, view_json, details_json, seen_at FROM incidents WHERE id = ?",
                          (local_id,)).fetchone()
        if row is not None:
            cur.execute("DELETE FROM incidents WHERE id = ?", (local_id,))
            if cur.execute("SELECT 1 FROM incidents WHERE id = ?", (server_id,)).fetchone() is None:
                cur.execute("INSERT INTO incidents (id, client_uuid, server_json, view_json, details_json, seen_at) "
                            "VALUES (?, ?, NULL, ?, ?, ?)", (server_id, *row))
        return server_id

    def _refresh_view(self, c: Connection, inc_id: int) -> None:
        row = c.execute(select(incidents.c.server_json, incidents.c.view_json)
                        .where(incidents.c.id == inc_id)).first()
        if row is None:
            return
        if row.server_json:
            view = self._view(c, inc_id, json.loads(row.server_json))
        else:  # local-only: the create's view plus the other pending ops
            create = c.execute(select(ops.c.payload).where(ops.c.incident_id == inc_id, ops.c.kind == "create")
                               .order_by(ops.c.seq)).first()
            if create is None:
                return
            first = dict(json.loads(create.payload)["view"], id=inc_id, number=local_number(inc_id))
            view = self._view(c, inc_id, first)
            view["pending_ops"] += 1  # the create itself
        c.execute(update(incidents).where(incidents.c.id == inc_id).values(view_json=json.dumps(view)))

    def renumbered(self) -> dict[int, int]:
        with self.read() as c:
            rows = c.execute(select(meta.c.key, meta.c.value).where(meta.c.key.like("map:%"))).all()
        return {int(k[4:]): int(v) for k, v in rows}

    # ------------------------------------------------------------ the operator's decisions
    def retry(self, seq: int, *, payload: dict | None = None) -> None:
        """Put a failed operation back in line, optionally with the operator's corrected payload."""
        with self.tx() as c:
            values: dict[str, Any] = {"state": "pending", "error": None, "updated_at": time.time()}
            if payload is not None:
                values["payload"] = json.dumps(payload)
            c.execute(update(ops).where(ops.c.seq == seq, ops.c.state.in_(("failed", "conflict"))).values(**values))
            inc = c.scalar(select(ops.c.incident_id).where(ops.c.seq == seq))
            if inc is not None:
                self._refresh_view(c, inc)

    def resolve_conflict(self, seq: int, changes: dict, version: int) -> None:
        """The operator chose per field: send these values against the server's current version."""
        with self.tx() as c:
            r = c.execute(select(ops).where(ops.c.seq == seq)).first()
            op = Op.from_row(r)
            payload = dict(op.payload)
            if op.kind == "patch":
                payload["changes"] = changes
            elif op.kind == "status":
                payload["status"] = changes.get("status", op.payload["status"])
            elif op.kind == "assign":
                payload["assignee"] = changes.get("assignee", op.payload["assignee"])
            kept = bool(changes)
            c.execute(update(ops).where(ops.c.seq == seq).values(
                state="pending" if kept else "discarded", payload=json.dumps(payload), base_version=version,
                base_json=json.dumps({f: (op.server or {}).get(f) for f in changes}), error=None,
                updated_at=time.time()))
            # Later operations on the incident were built on the operator's view; rebase them too.
            if op.server:
                self._remember(c, op.server, time.time())
            else:
                self._refresh_view(c, op.incident_id)

    def discard(self, seq: int) -> list[int]:
        """The operator dropped a failed operation (and, for a create, what depends on it)."""
        with self.tx() as c:
            r = c.execute(select(ops).where(ops.c.seq == seq)).first()
            if r is None or r.state not in ("failed", "conflict", "pending"):
                return []
            dropped = [seq]
            c.execute(update(ops).where(ops.c.seq == seq).values(state="discarded", updated_at=time.time()))
            if r.kind == "create" and r.incident_id < 0:
                more = c.execute(select(ops.c.seq).where(ops.c.incident_id == r.incident_id,
                                                         ops.c.state.in_(OPEN_STATES))).scalars().all()
                c.execute(update(ops).where(ops.c.seq.in_(more)).values(state="discarded", updated_at=time.time()))
                c.execute(delete(incidents).where(incidents.c.id == r.incident_id))
                dropped += list(more)
            else:
                self._refresh_view(c, r.incident_id)
        return dropped


@dataclass
class Outcome:
    """What one operation came to: done (with the incident), retry, failed (message), conflict."""

    op: Op
    state: str
    incident: dict | None = None
    error: str | None = None
    server: dict | None = None
    base_version: int | None = None  # a retry that should go with this If-Match
    exc: BaseException | None = field(default=None, repr=False)  # the server's refusal, for an online caller
