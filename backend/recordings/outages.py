"""Camera outages → one incident each: a recorded camera without signal for longer than
`Settings.camera_outage_minutes` opens an incident (source "camera"), resolved with a note when
the signal is back.

The signal state is the recorder's: it holds the only connection to each recorded camera and keeps
a `lost_signal` camera event open while it cannot read the stream (cameras not recorded have no
connection on the server, so their signal is not known here). The incident's id is kept in the
event's details, so one outage is one incident whichever instance runs the duty.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.service import system_user
from backend.cameras.service import list_cameras
from backend.citytime import CITY_UTC_OFFSET_MS
from backend.db import utcnow
from backend.recordings.models import CameraEvent

log = logging.getLogger(__name__)
OUTAGE_NAMESPACE = uuid.UUID("a5e3c0d2-41f7-4b8e-8c3a-7d9b0e6f2c14")
RULES_USER = "camera-outages"
KEEP_WATCHING = timedelta(days=7)  # ended outages looked at for an incident still to resolve


def _local(t: datetime) -> str:
    return (t + timedelta(milliseconds=CITY_UTC_OFFSET_MS)).strftime("%d.%m %H:%M")


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _user(session: Session):
    return system_user(session, RULES_USER, "Camera outage rules")


def _open_incident(session: Session, cam, event: CameraEvent, minutes: float) -> int:
    from backend.incidents.service import create_incident
    from backend_client.schemas.incidents import IncidentCreate

    text = (f"Камера «{cam.name}» без сигнала с {_local(_aware(event.start))} (более {minutes:g} мин): "
            f"видеорегистратор не может получить её поток. Проверьте питание и связь камеры.")
    data = IncidentCreate(client_uuid=uuid.uuid5(OUTAGE_NAMESPACE, f"camera-outage:{event.id}"),
                          category="other", priority="medium", lat=cam.lat, lon=cam.lon,
                          address=cam.address or cam.name, source="camera", description=text)
    incident, _ = create_incident(session, user=_user(session), data=data)
    return incident.id


def _resolve(session: Session, incident_id: int, note: str) -> None:
    from backend.incidents.service import change_status, get_incident

    user = _user(session)
    # new → acknowledged → in_progress → resolved: the lifecycle an operator would walk.
    path = {"new": "acknowledged", "acknowledged": "in_progress", "in_progress": "resolved"}
    incident = get_incident(session, incident_id)
    while incident.status in path:
        nxt = path[incident.status]
        incident = change_status(session, user=user, incident_id=incident.id, status=nxt,
                                 comment=note if nxt == "resolved" else None)


def evaluate(session: Session, *, threshold_minutes: float, now: datetime | None = None) -> dict[str, int]:
    """Open an incident for every outage longer than the threshold, resolve those that ended; the caller commits."""
    now = now or utcnow()
    watched = {c.id: c for c in list_cameras(session, enabled=True) if c.recording}
    events = session.scalars(select(CameraEvent).where(
        CameraEvent.kind == "lost_signal",
        or_(CameraEvent.end.is_(None), CameraEvent.end >= now - KEEP_WATCHING)).order_by(CameraEvent.id)).all()
    # A camera's newest open event is its outage (older open ones were left by a recorder that stopped).
    current = {e.camera_id: e for e in events if e.end is None}
    stats = {"opened": 0, "resolved": 0, "open": 0}
    for ev in events:
        incident_id = (ev.details or {}).get("incident_id")
        cam = watched.get(ev.camera_id)
        if ev.end is None and cam is None:
            # Unwatched (recording off, disabled, deleted), its outage ends here: watched again, a
            # camera still down opens a new one rather than continuing this.
            ev.end = max(now, _aware(ev.start))
        lasting = ev.end is None and current.get(ev.camera_id) is ev
        if lasting and incident_id is None and now - _aware(ev.start) > timedelta(minutes=threshold_minutes):
            ev.details = {**(ev.details or {}), "incident_id": _open_incident(session, cam, ev, threshold_minutes)}
            stats["opened"] += 1
        elif incident_id is not None and not lasting and not (ev.details or {}).get("resolved"):
            if cam is None:
                note = "Камера больше не записывается (или отключена): её сигнал не отслеживается."
            else:
                note = f"Сигнал камеры восстановлен в {_local(_aware(ev.end or now))}."
            _resolve(session, incident_id, note)
            ev.details = {**ev.details, "resolved": True}
            stats["resolved"] += 1
        if lasting and (ev.details or {}).get("incident_id") is not None:
            stats["open"] += 1
    session.flush()
    return stats


class CameraOutageDuty:
    """Evaluates the outages every `interval_s` seconds on its own thread."""

    def __init__(self, sm: sessionmaker[Session], *, threshold_minutes: float, interval_s: float = 30.0) -> None:
        self.sm = sm
        self.threshold_minutes = threshold_minutes
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sc-camera-outages", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                with self.sm() as session:
                    evaluate(session, threshold_minutes=self.threshold_minutes)
                    session.commit()
            except Exception:  # the database may be briefly away; try again next round
                log.exception("camera outage evaluation failed")


def outage_duty(app) -> CameraOutageDuty | None:
    """Duty factory (recordings domain); SC_CAMERA_OUTAGE_MINUTES=0 turns it off."""
    minutes = app.state.settings.camera_outage_minutes
    if minutes <= 0:
        return None
    return CameraOutageDuty(app.state.sessionmaker, threshold_minutes=minutes)
