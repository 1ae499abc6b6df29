"""Controller faults → one incident each (category traffic_lights, source traffic), closed on recovery.

Flash and lost communication come from the live state; a detector stuck on is one that has
stayed on for minutes while the others kept changing; a detector stuck off is silent while its
peers counted enough that, by its usual share of the intersection's traffic at this time of
day, it should have counted several vehicles; repeated max-outs and split failures come from
the last two 15-minute bins of measures.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.auth.service import system_user
from backend.citytime import DAY_MS
from backend.db import utcnow
from backend.events.service import publish
from backend.signals import service
from backend.signals.models import SignalController, SignalEvent, SignalFault, SignalMeasure
from backend_client.schemas.signals import DETECTOR_ON

log = logging.getLogger(__name__)
FAULT_NAMESPACE = uuid.UUID("2b7f0c1e-5d43-4a8e-9a61-3f2c8e0d7b15")
RULES_USER = "signal-faults"

STUCK_ON_S = 300            # on without a break this long, while the other detectors change
SILENT_WINDOW_MS = 15 * 60_000
SILENT_EXPECTED = 8.0       # a silent detector expected to count at least this many is stuck off
HISTORY_DAYS = 7
MAXOUT_SHARE = 0.5          # max-outs per cycle in each of the last two bins
SPLITFAIL_SHARE = 0.3       # split failures per cycle in each of the last two bins
MIN_CYCLES = 6

TITLES = {"flash": "Signal controller in flash", "comm_lost": "Signal controller stopped talking",
          "detector_stuck_on": "Detector stuck on", "detector_stuck_off": "Detector stuck off (no counts)",
          "max_outs": "Repeated max-outs", "split_failures": "Repeated split failures"}
PRIORITY = {"flash": "high", "comm_lost": "high", "detector_stuck_on": "medium", "detector_stuck_off": "medium",
            "max_outs": "low", "split_failures": "low"}


def fault_out(f: SignalFault, uid: str) -> dict:
    return {"id": f.id, "controller": uid, "kind": f.kind, "key": f.key, "detail": f.detail,
            "code": f.detail_code, "params": f.detail_params or {},
            "opened_at": f.opened_at.isoformat(), "closed_at": f.closed_at.isoformat() if f.closed_at else None,
            "incident_id": f.incident_id}


def _open(session: Session, ctl: SignalController, kind: str, key: str, detail: str,
          params: dict) -> SignalFault | None:
    existing = session.scalar(select(SignalFault).where(SignalFault.controller_id == ctl.id, SignalFault.kind == kind,
                                                        SignalFault.key == key, SignalFault.closed_at.is_(None)))
    if existing is not None:
        if existing.detail != detail[:500]:
            existing.detail = detail[:500]
            existing.detail_code, existing.detail_params = f"signals.{kind}", params
        return None
    fault = SignalFault(controller_id=ctl.id, kind=kind, key=key, detail=detail[:500], detail_code=f"signals.{kind}",
                        detail_params=params, opened_at=utcnow())
    try:
        with session.begin_nested():
            session.add(fault)
    except IntegrityError:  # another instance opened it a moment ago
        return None
    fault.incident_id = _incident(session, ctl, fault)
    session.flush()
    publish(session, "signals.fault", fault_out(fault, ctl.uid))
    return fault


def _incident(session: Session, ctl: SignalController, fault: SignalFault) -> int:
    from backend.incidents.service import create_incident
    from backend_client.schemas.incidents import IncidentCreate

    what = TITLES[fault.kind] + (f" (detector {fault.key})" if fault.kind.startswith("detector_") else
                                 f" (phase {fault.key})" if fault.key else "")
    data = IncidentCreate(client_uuid=uuid.uuid5(FAULT_NAMESPACE, f"signal-fault:{fault.id}"),
                          category="traffic_lights", priority=PRIORITY[fault.kind], lat=ctl.lat, lon=ctl.lon,
                          address=ctl.address or ctl.name, source="traffic",
                          description=f"{what}: {ctl.name} [{ctl.uid}]. {fault.detail}"[:4000])
    incident, _ = create_incident(session, user=system_user(session, RULES_USER, "Signal fault rules"), data=data)
    return incident.id


def _close(session: Session, ctl: SignalController, fault: SignalFault, why: str) -> None:
    fault.closed_at = utcnow()
    session.flush()
    publish(session, "signals.fault", fault_out(fault, ctl.uid))
    if fault.incident_id is None:
        return
    from backend.incidents.service import change_status, get_incident

    user = system_user(session, RULES_USER, "Signal fault rules")
    # new → acknowledged → in_progress → resolved: the rules walk the lifecycle an operator would.
    path = {"new": "acknowledged", "acknowledged": "in_progress", "in_progress": "resolved"}
    incident = get_incident(session, fault.incident_id)
    while incident.status in path:
        nxt = path[incident.status]
        incident = change_status(session, user=user, incident_id=incident.id, status=nxt,
                                 comment=f"Cleared: {why}" if nxt == "resolved" else None)


def _keep(session, ctl, open_now: dict, kind: str, key: str, bad: bool, detail: str, why_clear: str,
          **params) -> None:
    """`detail` in English; `params` its values, sent with the code "signals.<kind>" for translation."""
    if bad:
        _open(session, ctl, kind, key, detail, params)
    elif (kind, key) in open_now:
        _close(session, ctl, open_now[(kind, key)], why_clear)


def _counts(session: Session, ctl_id: int, start: int, end: int) -> dict[int, int]:
    q = (select(SignalEvent.param, func.count()).where(SignalEvent.controller_id == ctl_id,
                                                       SignalEvent.code == DETECTOR_ON,
                                                       SignalEvent.ts >= start, SignalEvent.ts < end)
         .group_by(SignalEvent.param))
    return {int(p): int(n) for p, n in session.execute(q)}


def evaluate(session: Session, *, now_ms: int | None = None) -> dict[str, int]:
    """Open and close every controller's faults as of now_ms; the caller commits."""
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    now = datetime.fromtimestamp(now_ms / 1000, timezone.utc)
    stats = {"open": 0}
    for ctl in service.list_controllers(session):
        open_now = {(f.kind, f.key): f for f in service.open_faults(session, ctl)}
        s = ctl.state or {}
        heard = ctl.last_heard_at
        silent = heard is not None and (now - heard).total_seconds() > service.COMM_TIMEOUT_S
        _keep(session, ctl, open_now, "comm_lost", "", silent,
              f"No events since {heard:%Y-%m-%d %H:%M:%S} UTC" if heard else "", "the controller talks again",
              **({"since": heard.isoformat()} if heard else {}))
        if silent or heard is None:
            continue  # nothing else can be judged from a controller we cannot hear
        _keep(session, ctl, open_now, "flash", "", bool(s.get("flash")),
              "The controller reports flashing operation", "the controller left flash")
        _detectors(session, ctl, open_now, now_ms)
        _measures(session, ctl, open_now, now_ms)
    stats["open"] = session.scalar(select(func.count()).select_from(SignalFault)
                                   .where(SignalFault.closed_at.is_(None))) or 0
    return stats


def _detectors(session: Session, ctl: SignalController, open_now: dict, now_ms: int) -> None:
    channels = sorted({ch for p in service.phases_of(ctl) for ch in (*p.detectors, *p.stopbar)})
    det = (ctl.state or {}).get("det", {})
    window = (now_ms - SILENT_WINDOW_MS, now_ms)
    recent = _counts(session, ctl.id, *window)
    flash = bool((ctl.state or {}).get("flash"))
    # Stuck on: on for minutes while the others changed in that time.
    for ch in channels:
        d = det.get(str(ch))
        on_for = (now_ms - d["since"]) / 1000 if d and d["on"] and d["since"] else 0.0
        peers_moved = any(v.get("since") and v["since"] > now_ms - on_for * 1000
                          for k, v in det.items() if k != str(ch))
        _keep(session, ctl, open_now, "detector_stuck_on", str(ch), on_for >= STUCK_ON_S and peers_moved,
              f"Detector {ch} has been on for {on_for / 60:.0f} min while the others kept counting",
              f"detector {ch} went off", channel=ch, minutes=round(on_for / 60))
    # Stuck off: silent, though its usual share of what its peers counted now says it should count.
    hist_total, hist = 0, {ch: 0 for ch in channels}
    for k in range(1, HISTORY_DAYS + 1):
        for ch, n in _counts(session, ctl.id, window[0] - k * DAY_MS, window[1] - k * DAY_MS).items():
            if ch in hist:
                hist[ch] += n
                hist_total += n
    for ch in channels:
        peers_now = sum(n for c, n in recent.items() if c != ch and c in hist)
        peers_hist = hist_total - hist[ch]
        if peers_hist > 0 and hist[ch] > 0:
            expected = peers_now * hist[ch] / peers_hist
        else:  # no history for this hour yet: the median of the peers' counts
            peer_counts = sorted(n for c, n in recent.items() if c != ch)
            expected = float(peer_counts[len(peer_counts) // 2]) if peer_counts else 0.0
        silent = recent.get(ch, 0) == 0 and not det.get(str(ch), {}).get("on")
        bad = silent and expected >= SILENT_EXPECTED and not flash
        if (("detector_stuck_off", str(ch)) in open_now) and recent.get(ch, 0) == 0 and not bad:
            bad = True  # stays open until it counts again, not merely because traffic thinned
        _keep(session, ctl, open_now, "detector_stuck_off", str(ch), bad,
              f"Detector {ch} counted nothing in 15 min; by its usual share it should have counted "
              f"about {expected:.0f}", f"detector {ch} counts again", channel=ch, expected=round(expected))


def _measures(session: Session, ctl: SignalController, open_now: dict, now_ms: int) -> None:
    last_bin = now_ms - now_ms % (15 * 60_000)
    rows = session.scalars(select(SignalMeasure).where(SignalMeasure.controller_id == ctl.id,
                                                       SignalMeasure.ts >= last_bin - 30 * 60_000,
                                                       SignalMeasure.ts < last_bin)).all()
    if not rows:
        return
    by_phase: dict[int, list[SignalMeasure]] = {}
    for m in rows:
        by_phase.setdefault(m.phase, []).append(m)
    for phase, ms in by_phase.items():
        ms.sort(key=lambda m: m.ts)
        both = len(ms) == 2 and all(m.cycles >= MIN_CYCLES for m in ms)
        mo = both and all(m.max_outs / m.cycles >= MAXOUT_SHARE for m in ms)
        sf = both and all(m.split_failures / m.cycles >= SPLITFAIL_SHARE for m in ms)
        latest = ms[-1]
        share_mo = latest.max_outs / latest.cycles if latest.cycles else 0.0
        share_sf = latest.split_failures / latest.cycles if latest.cycles else 0.0
        if mo or (("max_outs", str(phase)) in open_now and share_mo < MAXOUT_SHARE):
            _keep(session, ctl, open_now, "max_outs", str(phase), mo,
                  f"Phase {phase} maxed out in {share_mo:.0%} of cycles for 30 min", "max-outs stopped",
                  phase=phase, percent=round(share_mo * 100), minutes=30)
        if sf or (("split_failures", str(phase)) in open_now and share_sf < SPLITFAIL_SHARE):
            _keep(session, ctl, open_now, "split_failures", str(phase), sf,
                  f"Phase {phase} failed to clear its queue in {share_sf:.0%} of cycles for 30 min",
                  "split failures stopped", phase=phase, percent=round(share_sf * 100), minutes=30)


def list_faults(session: Session, *, uid: str | None = None, open_only: bool = True) -> list[dict]:
    q = select(SignalFault, SignalController.uid).join(SignalController,
                                                       SignalController.id == SignalFault.controller_id)
    if uid is not None:
        q = q.where(SignalController.uid == uid)
    if open_only:
        q = q.where(SignalFault.closed_at.is_(None))
    return [fault_out(f, u) for f, u in session.execute(q.order_by(SignalFault.id.desc()).limit(500))]
