"""Photo attachments: type checked by magic bytes, size limited, stored in the media directory."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.models import User
from backend.errors import AppError, NotFound, Unprocessable
from backend.incidents import service
from backend.incidents.models import IncidentAttachment

CHUNK = 1 << 20
SUBDIR = "incidents"


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG or WebP image, from its first bytes; else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


def too_large(limit: int) -> AppError:
    return AppError(413, "too_large", f"The file is larger than the limit of {_size(limit)} per attachment; "
                                      f"attach a smaller photo", limit=limit)


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB" if n >= 1 << 20 else f"{n / 1024:.0f} KB"


def _clean_name(name: str | None, ext: str) -> str:
    base = Path((name or "").replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f/]", "", base).strip()[:200]
    return base or f"photo{ext}"


def digest_of(stream: BinaryIO) -> str:
    """The SHA-256 of an uploaded file, read from the start; the stream is rewound after."""
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def add_attachment(session: Session, *, user: User, incident_id: int, filename: str | None, stream: BinaryIO,
                   media_dir: Path, max_bytes: int) -> IncidentAttachment:
    incident = service.get_incident(session, incident_id, for_update=True)
    folder = media_dir / SUBDIR / str(incident.id)
    folder.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(max_bytes)
                if len(head) < 16:
                    head += chunk[:16]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Unprocessable("The file is empty", field="file")
        kind = sniff(head)
        if kind is None:
            raise AppError(415, "unsupported_type", "Only JPEG, PNG and WebP photos can be attached; "
                                                    "this file is none of them", field="file")
        content_type, ext = kind
        sha = digest.hexdigest()
        storage_name = f"{SUBDIR}/{incident.id}/{sha}{ext}"
        final = media_dir / storage_name
        os.replace(tmp, final)  # the same photo twice is stored once
    finally:
        tmp.unlink(missing_ok=True)
    attachment = IncidentAttachment(incident_id=incident.id, filename=_clean_name(filename, ext),
                                    content_type=content_type, size=size, sha256=sha,
                                    storage_name=storage_name, uploaded_by=user.username)
    session.add(attachment)
    incident.attachment_count += 1
    service.touch(session, user=user, incident=incident, changes=[("attachment", None, attachment.filename)])
    return attachment


def list_attachments(session: Session, *, incident_id: int) -> list[IncidentAttachment]:
    service.get_incident(session, incident_id)
    return list(session.scalars(select(IncidentAttachment).where(IncidentAttachment.incident_id == incident_id)
                                .order_by(IncidentAttachment.id)))


def get_attachment(session: Session, *, incident_id: int, attachment_id: int) -> IncidentAttachment:
    attachment = session.get(IncidentAttachment, attachment_id)
    if attachment is None or attachment.incident_id != incident_id:
        raise NotFound("Attachment", attachment_id)
    return attachment


def attachment_path(media_dir: Path, attachment: IncidentAttachment) -> Path:
    path = media_dir / attachment.storage_name
    if not path.is_file():
        raise AppError(410, "gone", f"The file of attachment {attachment.id} is missing from the media store",
                       id=attachment.id)
    return path


def delete_attachment(session: Session, *, user: User, incident_id: int, attachment_id: int,
                      media_dir: Path) -> Path | None:
    """Supervisor-only (checked by the router). Returns the file to remove after the commit, if unused."""
    incident = service.get_incident(session, incident_id, for_update=True)
    attachment = get_attachment(session, incident_id=incident_id, attachment_id=attachment_id)
    session.delete(attachment)
    incident.attachment_count = max(0, incident.attachment_count - 1)
    service.touch(session, user=user, incident=incident, changes=[("attachment", attachment.filename, None)])
    still_used = session.scalar(select(IncidentAttachment.id).where(
        IncidentAttachment.storage_name == attachment.storage_name, IncidentAttachment.id != attachment.id).limit(1))
    return media_dir / attachment.storage_name if still_used is None else None
