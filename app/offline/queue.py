"""The outbox queue of the offline store: operations in the order they drain, and their states.

Qt-free, plain sqlite3 (mixed into ``store.OfflineStore`` with ``cache.Cache``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from app.offline.schema import (OP_SELECT, OPEN_STATES, UNKNOWN_BASE, Op, Outcome, apply_op, local_number,
                                marks)


class Queue:
    # ------------------------------------------------------------ recording
    def record(self, kind: str, incident_id: int | None, payload: dict, *, user: str = "",
               op_id: str, seen_version: int | None = None, seen: dict | None = None) -> tuple[Op, dict]:
        """Commit one operation and the incident view it produces, in one transaction.

        seen_version, seen: the version (and, when known, the fields) of the incident the operator edited."""
        now = time.time()
        with self._writer() as cur:
            if kind == "create":
                earlier = cur.execute("SELECT seq, state, incident_id FROM ops WHERE op_id = ?", (op_id,)).fetchone()
                if earlier is not None and earlier[1] == "discarded":
                    # The same client UUID again after a refusal: the new attempt is a new operation.
                    cur.execute("UPDATE ops SET op_id = op_id || ':discarded:' || seq WHERE seq = ?", (earlier[0],))
                elif earlier is not None:  # saved already (a double click): the same operation
                    inc = self._resolve(cur, earlier[2])
                    row = cur.execute("SELECT view_json FROM incidents WHERE id = ?", (inc,)).fetchone()
                    op = Op.from_row(cur.execute(f"{OP_SELECT} WHERE seq = ?", (earlier[0],)).fetchone())
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
                incident_id = self._resolve(cur, int(incident_id))
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
                    # The operator edited another version than the one cached: what they saw is the
                    # base when the caller knows it; otherwise a 412 must go to the operator.
                    base_version = seen_version
                    base = self._seen_base(cur, incident_id, probe, view, seen) if seen else {UNKNOWN_BASE: True}
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

    @staticmethod
    def _seen_base(cur, incident_id: int, probe: Op, view: dict, seen: dict) -> dict:
        """The fields as the operator saw them; where the cache differs because of this desk's own
        earlier operation (not on the operator's screen yet), the cache's value: that is no conflict."""
        base = {}
        for f in probe.changes():
            value = view.get(f)
            if seen.get(f) != value:
                last = None
                for r in cur.execute(f"{OP_SELECT} WHERE incident_id = ? AND kind IN ('patch', 'status', 'assign', "
                                     f"'duplicate') AND state != 'discarded' ORDER BY seq", (incident_id,)):
                    changes = Op.from_row(r).changes()
                    if f in changes:
                        last = changes[f]
                value = view.get(f) if last is not None and last == view.get(f) else seen.get(f)
            base[f] = value
        return base

    # ------------------------------------------------------------ reading
    def ops(self, states: Iterable[str] | None = None, *, limit: int | None = None,
            incident_id: int | None = None) -> list[Op]:
        where, args = [], []
        if states is not None:
            states = tuple(states)
            where.append(f"state IN ({marks(states)})")
            args += states
        if incident_id is not None:
            where.append("incident_id = ?")
            args.append(incident_id)
        sql = OP_SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY seq"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self.read() as cur:
            return [Op.from_row(r) for r in cur.execute(sql, args)]

    def sendable(self, limit: int) -> list[Op]:
        """The next operations to send, in order, leaving out incidents blocked by a failure or conflict."""
        with self.read() as cur:
            return [Op.from_row(r) for r in cur.execute(
                f"{OP_SELECT} WHERE state IN ('pending', 'inflight') AND incident_id NOT IN "
                f"(SELECT incident_id FROM ops WHERE state IN ('failed', 'conflict')) ORDER BY seq LIMIT ?",
                (int(limit),))]

    def op(self, seq: int) -> Op | None:
        with self.read() as cur:
            r = cur.execute(f"{OP_SELECT} WHERE seq = ?", (seq,)).fetchone()
        return Op.from_row(r) if r else None

    def counts(self) -> dict[str, int]:
        with self.read() as cur:
            return dict(cur.execute("SELECT state, count(*) FROM ops GROUP BY state").fetchall())

    def waiting(self) -> int:
        """Operations not yet on the server (what the status bar counts)."""
        c = self.counts()
        return sum(c.get(s, 0) for s in OPEN_STATES)

    # ------------------------------------------------------------ what the sync did
    def mark_inflight(self, seqs: list[int]) -> None:
        if not seqs:
            return
        now = time.time()
        with self._writer() as cur:
            cur.executemany("UPDATE ops SET state = 'inflight', attempts = attempts + 1, updated_at = ? WHERE seq = ?",
                            [(now, seq) for seq in seqs])

    def settle(self, results: list[Outcome]) -> list[int]:
        """Record what the server answered for a batch, in one transaction; the incident ids touched."""
        touched: set[int] = set()
        latest: dict[int, dict] = {}
        now = time.time()
        with self._writer() as cur:
            for res in results:
                op = res.op
                inc_id = self._resolve(cur, op.incident_id)
                if res.state == "done" and op.kind == "create" and res.incident is not None and inc_id < 0:
                    inc_id = self._renumber(cur, inc_id, res.incident["id"])
                sets, args = ["state = ?", "error = ?", "updated_at = ?"], [
                    "pending" if res.state == "retry" else res.state, res.error, now]
                if res.server is not None:
                    sets.append("server_json = ?")
                    args.append(json.dumps(res.server))
                if res.base_version is not None:
                    sets.append("base_version = ?")
                    args.append(res.base_version)
                # A delivered operation stays delivered, whatever a later, slower answer says.
                cur.execute(f"UPDATE ops SET {', '.join(sets)} WHERE seq = ? AND state != 'done'", (*args, op.seq))
                if res.incident is not None:
                    had = latest.get(res.incident["id"])
                    if had is None or had.get("version", 0) <= res.incident.get("version", 0):
                        latest[res.incident["id"]] = res.incident
                touched.add(inc_id)
            self._compose_views(cur, sorted(touched), latest, now)
        return sorted(touched)

    # ------------------------------------------------------------ the operator's decisions
    def retry(self, seq: int, *, payload: dict | None = None) -> None:
        """Put a failed operation back in line, optionally with the operator's corrected payload."""
        with self._writer() as cur:
            sets, args = "state = 'pending', error = NULL, updated_at = ?", [time.time()]
            if payload is not None:
                sets += ", payload = ?"
                args.append(json.dumps(payload))
            cur.execute(f"UPDATE ops SET {sets} WHERE seq = ? AND state IN ('failed', 'conflict')", (*args, seq))
            row = cur.execute("SELECT incident_id FROM ops WHERE seq = ?", (seq,)).fetchone()
            if row is not None:
                self._refresh_view(cur, row[0])

    def resolve_conflict(self, seq: int, changes: dict, version: int) -> None:
        """The operator chose per field: send these values against the server's current version."""
        with self._writer() as cur:
            op = Op.from_row(cur.execute(f"{OP_SELECT} WHERE seq = ?", (seq,)).fetchone())
            payload: dict[str, Any] = dict(op.payload)
            if op.kind == "patch":
                payload["changes"] = changes
            elif op.kind == "status":
                payload["status"] = changes.get("status", op.payload["status"])
            elif op.kind == "assign":
                payload["assignee"] = changes.get("assignee", op.payload["assignee"])
            kept = bool(changes)
            cur.execute("UPDATE ops SET state = ?, payload = ?, base_version = ?, base_json = ?, error = NULL, "
                        "updated_at = ? WHERE seq = ?",
                        ("pending" if kept else "discarded", json.dumps(payload), version,
                         json.dumps({f: (op.server or {}).get(f) for f in changes}), time.time(), seq))
            # Later operations on the incident were built on the operator's view; rebase them too.
            if op.server:
                self._remember(cur, op.server, time.time())
            else:
                self._refresh_view(cur, op.incident_id)

    def discard(self, seq: int) -> list[int]:
        """The operator dropped a failed operation (and, for a create, what depends on it)."""
        with self._writer() as cur:
            r = cur.execute(f"{OP_SELECT} WHERE seq = ?", (seq,)).fetchone()
            if r is None:
                return []
            op = Op.from_row(r)
            if op.state not in ("failed", "conflict", "pending"):
                return []
            dropped = [seq]
            now = time.time()
            cur.execute("UPDATE ops SET state = 'discarded', updated_at = ? WHERE seq = ?", (now, seq))
            if op.kind == "create" and op.incident_id < 0:
                more = [s for (s,) in cur.execute(f"SELECT seq FROM ops WHERE incident_id = ? AND state IN "
                                                  f"({marks(OPEN_STATES)})", (op.incident_id, *OPEN_STATES))]
                cur.executemany("UPDATE ops SET state = 'discarded', updated_at = ? WHERE seq = ?",
                                [(now, s) for s in more])
                cur.execute("DELETE FROM incidents WHERE id = ?", (op.incident_id,))
                dropped += more
            else:
                self._refresh_view(cur, op.incident_id)
        return dropped
