"""The incident cache of the offline store: one row per incident, what the operator sees of it.

Qt-free, plain sqlite3 (mixed into ``store.OfflineStore``, which provides ``read`` and
``_writer``). A row's view is the server's latest copy with the operator's open operations
on top. A local incident has a negative id until its create reaches the server; whoever
brings the server's copy first (the sync, a refresh or a live event) renumbers the local row
(same client UUID), so one incident is always one row and its operations one group.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable

from app.offline.schema import OP_SELECT, OPEN_STATES, Op, apply_op, local_number, marks


class Cache:
    # ------------------------------------------------------------ reading
    def incidents(self) -> list[dict]:
        with self.read() as cur:
            rows = cur.execute("SELECT view_json FROM incidents").fetchall()
        return [json.loads(r[0]) for r in rows]

    def incident(self, incident_id: int) -> dict | None:
        with self.read() as cur:
            row = cur.execute("SELECT view_json FROM incidents WHERE id = ?",
                              (self._resolve(cur, incident_id),)).fetchone()
        return json.loads(row[0]) if row else None

    def server_incident(self, incident_id: int) -> dict | None:
        with self.read() as cur:
            row = cur.execute("SELECT server_json FROM incidents WHERE id = ?",
                              (self._resolve(cur, incident_id),)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def resolve(self, incident_id: int) -> int:
        """The current id of an incident: a local id that was synced becomes the server's."""
        with self.read() as cur:
            return self._resolve(cur, incident_id)

    @staticmethod
    def _resolve(cur, incident_id: int) -> int:
        if incident_id >= 0:
            return incident_id
        row = cur.execute("SELECT value FROM meta WHERE key = ?", (f"map:{incident_id}",)).fetchone()
        return int(row[0]) if row else incident_id

    def renumbered(self) -> dict[int, int]:
        with self.read() as cur:
            rows = cur.execute("SELECT key, value FROM meta WHERE key LIKE 'map:%'").fetchall()
        return {int(k[4:]): int(v) for k, v in rows}

    def details(self, incident_id: int) -> dict:
        """Cached comments/history/attachments plus the ones still waiting in the outbox."""
        with self.read() as cur:
            incident_id = self._resolve(cur, incident_id)
            row = cur.execute("SELECT details_json FROM incidents WHERE id = ?", (incident_id,)).fetchone()
            waiting = [Op.from_row(r) for r in cur.execute(
                f"{OP_SELECT} WHERE incident_id = ? AND state IN ({marks(OPEN_STATES)}) "
                f"AND kind IN ('comment', 'attach') ORDER BY seq", (incident_id, *OPEN_STATES))]
        d = json.loads(row[0]) if row and row[0] else {"comments": [], "history": [], "attachments": []}
        d["pending_comments"] = [{"text": o.payload["text"], "author": o.user, "created_at": o.created_at,
                                  "state": o.state} for o in waiting if o.kind == "comment"]
        d["pending_attachments"] = [{"filename": o.payload["filename"], "path": o.payload["path"],
                                     "state": o.state} for o in waiting if o.kind == "attach"]
        return d

    # ------------------------------------------------------------ what the server sent
    def remember(self, items: Iterable[dict]) -> list[dict]:
        """Store what the server sent; the views keep the operator's pending changes on top."""
        now = time.time()
        with self._writer() as cur:
            return [self._remember(cur, item, now) for item in items]

    def save_details(self, incident_id: int, details: dict) -> None:
        with self._writer() as cur:
            cur.execute("UPDATE incidents SET details_json = ? WHERE id = ?", (json.dumps(details), incident_id))

    def _remember(self, cur, item: dict, now: float) -> dict:
        sid = item["id"]
        uid = str(item.get("client_uuid") or "") or None
        old = cur.execute("SELECT server_json FROM incidents WHERE id = ?", (sid,)).fetchone()
        if old is None and uid is not None:
            # The server's copy of an incident logged here, before the sync heard of it: one row.
            local = cur.execute("SELECT id FROM incidents WHERE client_uuid = ? AND id < 0", (uid,)).fetchone()
            if local is not None:
                self._renumber(cur, local[0], sid)
                old = cur.execute("SELECT server_json FROM incidents WHERE id = ?", (sid,)).fetchone()
        if old is not None and old[0]:
            prev = json.loads(old[0])
            if prev.get("version", 0) > item.get("version", 0):
                item = prev  # an older answer arrived late: keep the newer state
        view = self._view(cur, sid, item)
        if old is None:
            cur.execute("INSERT INTO incidents (id, client_uuid, server_json, view_json, seen_at) "
                        "VALUES (?, ?, ?, ?, ?)", (sid, uid, json.dumps(item), json.dumps(view), now))
        else:
            cur.execute("UPDATE incidents SET client_uuid = COALESCE(client_uuid, ?), server_json = ?, "
                        "view_json = ?, seen_at = ? WHERE id = ?", (uid, json.dumps(item), json.dumps(view), now, sid))
        return view

    def _open_ops(self, cur, ids: list[int]) -> dict[int, list[Op]]:
        found: dict[int, list[Op]] = {}
        for k in range(0, len(ids), 400):
            chunk = ids[k:k + 400]
            for r in cur.execute(f"{OP_SELECT} WHERE incident_id IN ({marks(chunk)}) "
                                 f"AND state IN ({marks(OPEN_STATES)}) ORDER BY seq", (*chunk, *OPEN_STATES)):
                op = Op.from_row(r)
                found.setdefault(op.incident_id, []).append(op)
        return found

    @staticmethod
    def _compose(server: dict | None, pending: list[Op], inc_id: int) -> dict | None:
        """The view: the server's copy (or, for a local incident, its create) + the open operations."""
        edits = [o for o in pending if o.kind != "create"]
        if server is not None:
            view = dict(server)
        else:
            create = next((o for o in pending if o.kind == "create"), None)
            if create is None:
                return None
            view = dict(create.payload["view"], id=inc_id, number=local_number(inc_id))
        for o in edits:
            view = apply_op(view, o)
        view["pending_ops"] = len(edits) if server is not None else len(pending)
        return view

    def _view(self, cur, incident_id: int, server: dict) -> dict:
        return self._compose(server, self._open_ops(cur, [incident_id]).get(incident_id, []), incident_id)

    def _refresh_view(self, cur, inc_id: int) -> None:
        self._compose_views(cur, [inc_id], {}, time.time())

    def _compose_views(self, cur, ids: list[int], latest: dict[int, dict], now: float) -> None:
        """Views of these incidents = the newest server state + the operations still open, in order."""
        open_ops = self._open_ops(cur, ids)
        for k in range(0, len(ids), 400):
            chunk = ids[k:k + 400]
            rows = {r[0]: r for r in cur.execute(
                f"SELECT id, server_json FROM incidents WHERE id IN ({marks(chunk)})", chunk)}
            for inc_id in chunk:
                row = rows.get(inc_id)
                server = json.loads(row[1]) if row is not None and row[1] else None
                fresh = latest.get(inc_id)
                if fresh is not None and (server is None or server.get("version", 0) <= fresh.get("version", 0)):
                    server = fresh
                view = self._compose(server, open_ops.get(inc_id, []), inc_id)
                if view is None:
                    continue
                server_text = json.dumps(server) if server is not None else None
                if row is None:
                    cur.execute("INSERT INTO incidents (id, client_uuid, server_json, view_json, seen_at) "
                                "VALUES (?, ?, ?, ?, ?)", (inc_id, str(view.get("client_uuid") or "") or None,
                                                           server_text, json.dumps(view), now))
                else:
                    cur.execute("UPDATE incidents SET server_json = ?, view_json = ?, seen_at = ? WHERE id = ?",
                                (server_text, json.dumps(view), now, inc_id))

    def _renumber(self, cur, local_id: int, server_id: int) -> int:
        """A local incident is on the server: its operations and cache row take the server id."""
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

    def _merge_twins(self, cur) -> None:
        """One incident in two rows (a local one and the server's copy): fold the local into the server's."""
        twins = cur.execute("SELECT l.id, s.id FROM incidents l JOIN incidents s ON s.client_uuid = l.client_uuid "
                            "WHERE l.id < 0 AND s.id > 0").fetchall()
        for local_id, server_id in twins:
            self._renumber(cur, local_id, server_id)
            self._refresh_view(cur, server_id)
