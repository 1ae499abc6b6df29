"""The operator's operations, checked and committed to the local store before anyone says "saved".

Qt-free. Each method validates like the server would (with the categories the server
last announced), commits one operation in one transaction and returns it with the new view.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import shutil
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.offline.schema import Op
from app.offline.store import OfflineStore
from backend_client.schemas.incidents import (CATEGORY_NAMES, TRANSITIONS, Assign, CommentIn, IncidentCreate,
                                              IncidentPatch, MarkDuplicate, StatusChange, StatusUndo)

DEFAULT_SLA_HOURS = {"critical": 2.0, "high": 8.0, "medium": 24.0, "low": 72.0}


class InvalidOperation(ValueError):
    """The operation cannot be queued as given; the message is for the operator."""


def _explain(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e.get("loc", ()))
        parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
    return "; ".join(parts)


class Outbox:
    """Queues the operator's incident operations in the store (durably, in order)."""

    def __init__(self, store: OfflineStore, *, user: str) -> None:
        self.store = store
        self.user = user
        self._categories: dict[str, dict[str, float]] | None = None

    # -------------------------------------------------- what the server last told us
    def categories(self) -> dict[str, dict[str, float]]:
        if self._categories is None:
            raw = self.store.get_meta("categories")
            self._categories = ({c["code"]: c.get("sla_hours", {}) for c in json.loads(raw)} if raw
                                else {code: dict(DEFAULT_SLA_HOURS) for code in CATEGORY_NAMES})
        return self._categories

    def remember_categories(self, categories: list[dict]) -> None:
        self.store.set_meta("categories", json.dumps(categories))
        self._categories = None

    def _check_category(self, code: str | None) -> None:
        if code is not None and code not in self.categories():
            raise InvalidOperation(f"Unknown category {code!r}")

    # -------------------------------------------------- operations
    def create(self, data: IncidentCreate | dict[str, Any]) -> tuple[Op, dict]:
        """A new incident; one already checked (an IncidentCreate from the form) is not checked again."""
        if isinstance(data, IncidentCreate):
            if data.client_uuid is None:
                data = data.model_copy(update={"client_uuid": uuid.uuid4()})
            body = data.model_dump(mode="json")
            self._check_category(body["category"])
        else:
            body = dict(data)
            body.setdefault("client_uuid", str(uuid.uuid4()))
            body["client_uuid"] = str(body["client_uuid"])
            category = body.get("category")
            self._check_category(category)
            try:  # everything but the category as the wire type says; the category as the server last said
                checked = IncidentCreate.model_validate({**body, "category": "other"})
            except ValidationError as exc:
                raise InvalidOperation(_explain(exc)) from None
            body = {**checked.model_dump(mode="json"), "category": category}
        category = body["category"]
        now = datetime.now(timezone.utc)
        hours = self.categories().get(category, {}).get(body["priority"]) or DEFAULT_SLA_HOURS[body["priority"]]
        view = {**{k: v for k, v in body.items()}, "status": "new", "duplicate_of": None,
                "created_by": self.user, "created_at": now.isoformat(), "updated_at": now.isoformat(),
                "sla_due_at": (now + timedelta(hours=hours)).isoformat(), "overdue": False, "version": 0,
                "comment_count": 0, "attachment_count": 0}
        return self.store.record("create", None, {"body": body, "view": view}, user=self.user,
                                 op_id=body["client_uuid"])

    def patch(self, incident_id: int, changes: dict[str, Any], *, version: int | None = None,
              seen: dict | None = None) -> tuple[Op, dict]:
        self._check_category(changes.get("category"))
        try:
            checked = IncidentPatch.model_validate({**changes, "category": None})
        except ValidationError as exc:
            raise InvalidOperation(_explain(exc)) from None
        clean = checked.model_dump(mode="json", exclude_unset=True)
        clean.pop("category", None)
        if "category" in changes:
            clean["category"] = changes["category"]
        if not clean:
            raise InvalidOperation("Nothing to change")
        return self._record("patch", incident_id, {"changes": clean}, version=version, seen=seen)

    def change_status(self, incident_id: int, status: str, comment: str | None = None, *,
                      version: int | None = None, seen: dict | None = None) -> tuple[Op, dict]:
        try:
            checked = StatusChange(status=status, comment=comment)
        except ValidationError as exc:
            raise InvalidOperation(_explain(exc)) from None
        view = self.store.incident(incident_id)
        if view is not None and status != "duplicate" and status not in TRANSITIONS.get(view["status"], ()):
            old, allowed = view["status"], TRANSITIONS.get(view["status"], ())
            if old == status:
                raise InvalidOperation(f"Incident {view['number']} is already {old}")
            raise InvalidOperation(f"Incident {view['number']} cannot go from {old} to {status}; from {old} "
                                   f"it can go to {' or '.join(allowed)}")
        return self._record("status", incident_id, checked.model_dump(mode="json"), version=version, seen=seen)

    def undo_status(self, incident_id: int, status: str, *, version: int | None = None,
                    seen: dict | None = None) -> tuple[Op | None, dict]:
        """Take back this desk's last status change of the incident, back to ``status``.

        Still in the queue: dropped from it (None, the view without it), so it never reaches the
        server. Already sent (or on its way): an undo operation, which the server checks itself.
        """
        try:
            checked = StatusUndo(status=status)
        except ValidationError as exc:
            raise InvalidOperation(_explain(exc)) from None
        inc = self.store.resolve(incident_id)
        mine = [op for op in self.store.ops(incident_id=inc) if op.state != "discarded"]
        last = mine[-1] if mine else None
        if last is not None and last.kind == "status" and last.state == "pending":
            if last.base.get("status") not in (None, status):
                raise InvalidOperation(f"The last status change took the incident from {last.base['status']}, "
                                       f"not from {status}")
            if self.store.discard(last.seq):  # not taken by the sync meanwhile
                view = self.store.incident(inc)
                if view is None:
                    raise InvalidOperation(f"Incident {incident_id} is not known on this workstation")
                return None, view
        return self._record("undo", incident_id, checked.model_dump(mode="json"), version=version, seen=seen)

    def assign(self, incident_id: int, assignee: str | None, comment: str | None = None, *,
               version: int | None = None, seen: dict | None = None) -> tuple[Op, dict]:
        try:
            checked = Assign(assignee=assignee, comment=comment)
        except ValidationError as exc:
            raise InvalidOperation(_explain(exc)) from None
        return self._record("assign", incident_id, checked.model_dump(mode="json"), version=version, seen=seen)

    def mark_duplicate(self, incident_id: int, duplicate_of: int, comment: str | None = None, *,
                       version: int | None = None, seen: dict | None = None) -> tuple[Op, dict]:
        original = self.store.resolve(duplicate_of)
        if original == self.store.resolve(incident_id):
            raise InvalidOperation("An incident cannot be a duplicate of itself")
        if self.store.incident(original) is None and original < 0:
            raise InvalidOperation(f"Incident {duplicate_of} is not known on this workstation")
        try:  # a local original (negative id) is resolved when its create reaches the server
            checked = MarkDuplicate(duplicate_of=abs(original) or 1, comment=comment)
        except ValidationError as exc:
            raise InvalidOperation(_explain(exc)) from None
        return self._record("duplicate", incident_id, {"duplicate_of": original, "comment": checked.comment},
                            version=version, seen=seen)

    def add_comment(self, incident_id: int, text: str) -> tuple[Op, dict]:
        try:
            checked = CommentIn(text=text)
        except ValidationError as exc:
            raise InvalidOperation(_explain(exc)) from None
        if not checked.text.strip():
            raise InvalidOperation("A comment must not be blank")
        return self._record("comment", incident_id, {"text": checked.text.strip()})

    def attach(self, incident_id: int, source: str | os.PathLike) -> tuple[Op, dict]:
        """Copy the photo into the store's folder (fsynced) and queue its upload."""
        src = Path(source)
        if not src.is_file():
            raise InvalidOperation(f"The file {src} does not exist")
        op_id = str(uuid.uuid4())
        dest = self.store.files_dir / f"{op_id}{src.suffix.lower()}"
        digest = hashlib.sha256()
        with open(src, "rb") as fin, open(dest, "wb") as fout:
            for chunk in iter(lambda: fin.read(1 << 20), b""):
                digest.update(chunk)
                fout.write(chunk)
            fout.flush()
            os.fsync(fout.fileno())
        payload = {"path": dest.name, "filename": src.name, "size": dest.stat().st_size,
                   "sha256": digest.hexdigest(),
                   "content_type": mimetypes.guess_type(src.name)[0] or "application/octet-stream"}
        try:
            return self._record("attach", incident_id, payload, op_id=op_id)
        except BaseException:
            dest.unlink(missing_ok=True)
            raise

    def file_of(self, op: Op) -> Path:
        return self.store.files_dir / op.payload["path"]

    def replace_file(self, op: Op, source: str | os.PathLike) -> dict:
        """The operator picked another photo for a failed upload: the payload to retry with."""
        src = Path(source)
        if not src.is_file():
            raise InvalidOperation(f"The file {src} does not exist")
        dest = self.store.files_dir / f"{op.op_id}-{uuid.uuid4().hex[:6]}{src.suffix.lower()}"
        shutil.copyfile(src, dest)
        with open(dest, "rb") as fh:
            os.fsync(fh.fileno())
            digest = hashlib.sha256(fh.read()).hexdigest()
        return {**op.payload, "path": dest.name, "filename": src.name, "size": dest.stat().st_size,
                "sha256": digest}

    def _record(self, kind: str, incident_id: int, payload: dict, *, op_id: str | None = None,
                version: int | None = None, seen: dict | None = None) -> tuple[Op, dict]:
        """version (and seen, its fields): the incident the operator looked at, when the caller knows it."""
        try:
            return self.store.record(kind, incident_id, payload, user=self.user, op_id=op_id or str(uuid.uuid4()),
                                     seen_version=version or None, seen=seen)
        except KeyError:
            raise InvalidOperation(f"Incident {incident_id} is not known on this workstation") from None
