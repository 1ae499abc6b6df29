"""Hand-countable rows of the transport, intersections, works and cleaning domains, written as their services
leave them (the figures under test only read these tables)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from backend.cleaning.models import MissedSection, Section
from backend.signals.models import SignalController, SignalFault
from backend.transit import clock
from backend.transit import models as tm
from backend.works.models import IncidentCheck, Permit
from tests.room.factories import add_incident


def transit_city(backend, now_ms: int | None = None) -> None:
    """Route 1: 3 buses on trips (delays -30 s, 200 s, 400 s: 2 on time) + 1 silent one + 1 without a trip;
    route 2: 1 bus 90 s early (late of schedule: not on time). Boards: 3, 1 silent."""
    t = clock.now_ms() if now_ms is None else now_ms
    with backend.sessionmaker() as s:
        s.add(tm.Feed(id=1, name="kurchatov", sha256="0" * 64, active=True))
        s.add_all([tm.Route(feed_id=1, route_id="r1", short_name="1", long_name="Вокзал — АЭС", route_type=3,
                            color="3e9eff"),
                   tm.Route(feed_id=1, route_id="r2", short_name="2", long_name="Центр — Школа", route_type=3,
                            color="3e9eff")])

        def bus(vid, route, delay, *, ago_s=10, trip=True):
            s.add(tm.Vehicle(vehicle_id=vid, ts=t - ago_s * 1000, lat=51.66, lon=35.65, route_id=route,
                             trip_id=f"{route}-t-{vid}" if trip else None, delay_s=delay, service_date="20260310"))

        bus("b1", "r1", -30)
        bus("b2", "r1", 200)
        bus("b3", "r1", 400)
        bus("b4", "r1", 0, ago_s=600)           # not reporting for 10 min: not counted
        bus("b5", "r1", None, trip=False)      # not on a trip: not counted
        bus("b6", "r2", -90)
        seen = datetime.fromtimestamp(t / 1000, timezone.utc)
        s.add_all([tm.Board(stop_id="s1", name="Площадь Коммунаров", last_seen_at=seen - timedelta(minutes=42),
                            silent=True),
                   tm.Board(stop_id="s2", name="Вокзал", last_seen_at=seen, silent=False),
                   tm.Board(stop_id="s3", name="АЭС", last_seen_at=seen, silent=False)])
        s.add(tm.Fault(kind="board_silent", subject="s1"))
        s.commit()


def signals_city(backend, now: datetime) -> None:
    """4 intersections; in fault now: A (flash + comm_lost), B (detector_stuck_on); C's fault is closed."""
    with backend.sessionmaker() as s:
        ids = {}
        # Modes now: A flash, B coordinated (plan 3), C offline (never heard), D manual.
        for uid, name, state, heard in (
                ("A", "Ленина × Мира", {"flash": True}, now),
                ("B", "Курчатова × Школьная", {"pattern": 3, "groups": {"2": {"state": "green"}}}, now),
                ("C", "Садовая × Молодёжная", {}, None),
                ("D", "Набережная × Советская", {"manual": True}, now)):
            c = SignalController(uid=uid, name=name, lat=51.66, lon=35.65, phases=[], stages=[], state=state,
                                 last_heard_at=heard)
            s.add(c)
            s.flush()
            ids[uid] = c.id
        h = timedelta(hours=1)
        s.add_all([SignalFault(controller_id=ids["A"], kind="flash", opened_at=now - 2 * h),
                   SignalFault(controller_id=ids["A"], kind="comm_lost", opened_at=now - 1 * h),
                   SignalFault(controller_id=ids["B"], kind="detector_stuck_on", key="3", opened_at=now - 3 * h),
                   SignalFault(controller_id=ids["C"], kind="flash", opened_at=now - 5 * h, closed_at=now - 4 * h),
                   SignalFault(controller_id=ids["D"], kind="comm_lost", opened_at=now - 50 * h,
                               closed_at=now - 49 * h)])
        s.commit()


def _permit(s, number: str, *, status: str, restore_by: date | None, now: datetime) -> None:
    s.add(Permit(number=number, purpose="water", contractor="МУП «Водоканал»", contractor_inn="4634003311",
                 address=f"улица Мира, {number[-1]}", geometry={"type": "Point", "coordinates": [35.65, 51.66]},
                 valid_from=now - timedelta(days=10), valid_to=now + timedelta(days=10), status=status,
                 restore_by=restore_by, updated_at=now))


def works_city(backend, now: datetime, today: date) -> dict[str, int]:
    """Open excavation incidents: 2 "no permit", 1 "outside hours", 1 legal; closed "no permit" 1 (not counted).
    Permits: restoration overdue 2 (ЗР-1 by 3 days, ЗР-2 by 1 day); ЗР-3 closed overdue, ЗР-4 due later."""
    ids = {}
    for name, status, verdict, mins in (("np1", "new", "no_permit", 90), ("np2", "in_progress", "no_permit", 30),
                                        ("oh", "acknowledged", "outside_hours", 20), ("ok", "new", "legal", 10),
                                        ("np_done", "resolved", "no_permit", 300)):
        at = now - timedelta(minutes=mins)
        ids[name] = add_incident(backend, created=at, category="excavation", status=status,
                                 address=f"ул. Раскопочная, {name}")
        with backend.sessionmaker() as s:
            s.add(IncidentCheck(incident_id=ids[name], lat=51.66, lon=35.65, checked_at=at, verdict=verdict))
            s.commit()
    with backend.sessionmaker() as s:
        _permit(s, "ЗР-1", status="granted", restore_by=today - timedelta(days=3), now=now)
        _permit(s, "ЗР-2", status="expired", restore_by=today - timedelta(days=1), now=now)
        _permit(s, "ЗР-3", status="closed", restore_by=today - timedelta(days=5), now=now)
        _permit(s, "ЗР-4", status="granted", restore_by=today + timedelta(days=5), now=now)
        s.commit()
    return ids


def cleaning_city(backend, today: date, day_start: datetime) -> None:
    """Sections 4 (1 inactive); missed today: C1 and C2 (blagoustroystvo, sweeping) and C3 (vodokanal, washing);
    missed yesterday: C1 (not today's)."""
    with backend.sessionmaker() as s:
        ids = {}
        for code, kind, service, active in (("C1", "sweeping", "blagoustroystvo", True),
                                            ("C2", "sweeping", "blagoustroystvo", True),
                                            ("C3", "washing", "vodokanal", True), ("C4", "sweeping", "x", False)):
            sec = Section(code=code, name=f"Участок {code}", street="улица Ленина", kind=kind, service=service,
                          geometry={"type": "LineString", "coordinates": [[35.65, 51.66], [35.651, 51.66]]},
                          length_m=70.0, schedule=[], active=active, updated_at=day_start)
            s.add(sec)
            s.flush()
            ids[code] = sec.id
        h = timedelta(hours=1)
        s.add_all([MissedSection(section_id=ids["C1"], day=today, window_start=day_start + 1 * h, share=0.2),
                   MissedSection(section_id=ids["C2"], day=today, window_start=day_start + 2 * h, share=0.0),
                   MissedSection(section_id=ids["C3"], day=today, window_start=day_start + 3 * h, share=0.5),
                   MissedSection(section_id=ids["C1"], day=today - timedelta(days=1),
                                 window_start=day_start - 20 * h, share=0.1)])
        s.commit()
