"""The gateway's cached views as the wire types panels know: incidents, details, what was just saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from app.offline.schema import Op
from app.offline.store import OfflineStore
from backend_client.schemas.incidents import AttachmentOut, CommentOut, HistoryEntryOut, IncidentOut


@dataclass
class IncidentDetails:
    incident: IncidentOut
    comments: list[CommentOut] = field(default_factory=list)
    history: list[HistoryEntryOut] = field(default_factory=list)
    attachments: list[AttachmentOut] = field(default_factory=list)


def to_out(view: dict) -> IncidentOut:
    """A cached view as the wire type the panels know (local ones have negative ids)."""
    try:
        return IncidentOut.model_validate(view)
    except ValueError:  # e.g. a category this client does not know: show it anyway, as it is
        known = IncidentOut.model_validate({**view, "category": "other"})
        return known.model_copy(update={"category": view.get("category", "other")})


def local_details(store: OfflineStore, inc_id: int, user: str) -> IncidentDetails:
    """The cached incident with its comments, history and photos, the ones still waiting included."""
    view = store.incident(inc_id)
    if view is None:
        raise KeyError(inc_id)
    d = store.details(inc_id)
    now = datetime.now(timezone.utc)
    comments = [CommentOut.model_validate(c) for c in d.get("comments", [])]
    comments += [CommentOut(id=-(n + 1), incident_id=inc_id, author=c["author"], text=c["text"],
                            created_at=datetime.fromtimestamp(c["created_at"], timezone.utc))
                 for n, c in enumerate(d["pending_comments"])]
    attachments = [AttachmentOut.model_validate(a) for a in d.get("attachments", [])]
    for n, a in enumerate(d["pending_attachments"]):
        path = store.files_dir / a["path"]
        attachments.append(AttachmentOut(id=-(n + 1), incident_id=inc_id, filename=a["filename"],
                                         content_type="image/" + (Path(a["path"]).suffix.lstrip(".") or "jpeg"),
                                         size=path.stat().st_size if path.exists() else 0, sha256="",
                                         uploaded_by=user, created_at=now, url=f"local:{a['path']}"))
    history = [HistoryEntryOut.model_validate(h) for h in d.get("history", [])]
    return IncidentDetails(incident=to_out(view), comments=comments, history=history, attachments=attachments)


def saved_comment(op: Op, inc: IncidentOut, *, user: str) -> CommentOut:
    """A comment in the outbox, as the card shows it until the server has it."""
    return CommentOut(id=-op.seq, incident_id=inc.id, author=user, text=op.payload["text"],
                      created_at=datetime.now(timezone.utc))


def saved_attachment(op: Op, inc: IncidentOut, *, user: str) -> AttachmentOut:
    """A photo in the outbox, as the card shows it until the server has it."""
    p = op.payload
    return AttachmentOut(id=-op.seq, incident_id=inc.id, filename=p["filename"], content_type=p["content_type"],
                         size=p["size"], sha256=p["sha256"], uploaded_by=user, created_at=datetime.now(timezone.utc),
                         url=f"local:{p['path']}")
