"""The offline store's tables and the records read from them (plain sqlite3; Qt-free).

One file per server and user. ``incidents`` is the cache: one row per incident, keyed by the
server id, or by a negative local id until the server number is known (its ``client_uuid``
is unique, so the server's copy of a local incident merges into the local row). ``ops`` is
the outbox, drained in ``seq`` order; ``op_id`` is the Idempotency-Key the server remembers.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2
DDL = """
CREATE TABLE IF NOT EXISTS incidents (
    id INTEGER PRIMARY KEY,          -- server id, or negative for local-only
    client_uuid VARCHAR(36),
    server_json TEXT,                -- last state the server sent (NULL: local)
    view_json TEXT NOT NULL,         -- what the operator sees: server + pending ops
    details_json TEXT,               -- last comments/history/attachments loaded
    seen_at FLOAT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_incidents_client_uuid ON incidents (client_uuid);
CREATE TABLE IF NOT EXISTS ops (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,   -- the order they drain in
    op_id VARCHAR(36) NOT NULL UNIQUE,       -- the Idempotency-Key
    kind VARCHAR(16) NOT NULL,               -- create | patch | status | assign | duplicate | comment | attach
    incident_id INTEGER NOT NULL,            -- follows the local -> server renumbering
    payload TEXT NOT NULL,
    base_version INTEGER,                    -- If-Match for edits
    base_json TEXT,                          -- the edited fields as the operator saw them (3-way merge)
    -- pending -> inflight (sent, answer unknown) -> done | failed | conflict; discarded by the operator
    state VARCHAR(10) NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    server_json TEXT,                        -- on conflict: the server's current incident
    created_at FLOAT NOT NULL,
    updated_at FLOAT NOT NULL,
    user VARCHAR(64) NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS ix_ops_incident_id ON ops (incident_id);
CREATE INDEX IF NOT EXISTS ix_ops_state ON ops (state);
CREATE TABLE IF NOT EXISTS meta (key VARCHAR(32) PRIMARY KEY, value TEXT);
"""
OP_COLUMNS = ("seq", "op_id", "kind", "incident_id", "payload", "base_version", "base_json", "state", "attempts",
              "error", "server_json", "created_at", "user")
OP_SELECT = f"SELECT {', '.join(OP_COLUMNS)} FROM ops"

OPEN_STATES = ("pending", "inflight", "failed", "conflict")  # still wanted: shown, and block later ops
EDIT_KINDS = ("patch", "status", "assign", "duplicate", "undo")
UNKNOWN_BASE = "__unknown__"  # in Op.base: the values the operator saw are not known


def marks(values: tuple | list) -> str:
    """'?, ?, ?' for an IN (...) of these values."""
    return ", ".join("?" * len(values))


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
        """From a row of OP_SELECT (a tuple in OP_COLUMNS order)."""
        (seq, op_id, kind, incident_id, payload, base_version, base_json, state, attempts, error, server_json,
         created_at, user) = r
        return cls(seq=seq, op_id=op_id, kind=kind, incident_id=incident_id, payload=json.loads(payload),
                   base_version=base_version, base=json.loads(base_json) if base_json else {}, state=state,
                   attempts=attempts, error=error, server=json.loads(server_json) if server_json else None,
                   created_at=created_at, user=user)

    def changes(self) -> dict[str, Any]:
        """The incident fields this operation sets (edits only)."""
        p = self.payload
        if self.kind == "patch":
            return dict(p["changes"])
        if self.kind in ("status", "undo"):
            return {"status": p["status"]}
        if self.kind == "assign":
            return {"assignee": p["assignee"]}
        if self.kind == "duplicate":
            return {"status": "duplicate", "duplicate_of": p["duplicate_of"]}
        return {}


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
