"""/api/v1/stats against hand-counted incidents, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from backend.stats.periods import CITY_TZ, shift_bounds, parse_changes
from tests.room.factories import add_incident, add_service

UTC = timezone.utc


def iso(t: datetime) -> str:
    return t.isoformat()


def test_period_figures_are_the_hand_counted_ones(api, backend):
    svc = add_service(backend)
    # A local day in the city: 2026-03-10 00:00 MSK = 2026-03-09 21:00 UTC.
    day = datetime(2026, 3, 10, tzinfo=CITY_TZ).astimezone(UTC)
    h = timedelta(hours=1)
    # Opened in the day: 4. Resolved in it: 3 (durations 60, 120 and 600 minutes → median 120).
    add_incident(backend, created=day + 1 * h, resolved=day + 2 * h, assignee=svc, priority="high")       # 60 min
    add_incident(backend, created=day + 2 * h, resolved=day + 4 * h, assignee=svc, priority="critical",
                 comment="Бригада выехала, участок огорожен")                                             # 120 min
    add_incident(backend, created=day + 3 * h, category="waste", priority="low")                           # open
    add_incident(backend, created=day - 5 * h, resolved=day + 5 * h, category="waste")                     # 600 min
    add_incident(backend, created=day + 10 * h, category="roads", priority="critical", status="rejected")
    # Outside the day on both sides: must not count.
    add_incident(backend, created=day - 30 * h, resolved=day - 20 * h)
    add_incident(backend, created=day + 25 * h, resolved=day + 26 * h)
    r = api("dispatcher").get("/api/v1/stats/incidents/period", params={"from": iso(day), "to": iso(day + 24 * h)})
    assert r.status_code == 200, r.text
    f = r.json()
    assert f["opened"] == 4
    assert f["resolved"] == 3
    assert f["median_resolution_minutes"] == pytest.approx(120, abs=0.1)
    assert {g["key"]: g["count"] for g in f["by_category"]} == {"roads": 3, "waste": 1}
    assert {g["key"]: g["count"] for g in f["by_priority"]} == {"critical": 2, "high": 1, "low": 1}
    by_svc = {s["service"]: s for s in f["by_service"]}
    assert by_svc[svc]["opened"] == 2 and by_svc[svc]["resolved"] == 2 and by_svc[svc]["name"] == "Горсвет"
    assert by_svc[svc]["median_resolution_minutes"] == pytest.approx(90, abs=0.1)  # (60 + 120) / 2
    assert by_svc[""]["resolved"] == 1
    assert sum(f["opened_by_hour"]) == 4 and len(f["opened_by_hour"]) == 24 and f["opened_by_hour"][1] == 1
    assert [c["last_comment"] for c in f["critical"]] == [None, "Бригада выехала, участок огорожен"]
    # SLA: deadlines in the day: roads/high (8 h, met), roads/critical (2 h, met), waste/low (72 h: next days),
    # waste/medium created day-5h (24 h → due day+19h, resolved day+5h: met); rejected does not count.
    assert f["sla"]["due"] == 3 and f["sla"]["met"] == 3 and f["overdue"] == 0


def test_live_figures_open_overdue_sla_and_critical(api, backend):
    now = datetime.now(UTC)
    add_incident(backend, created=now - timedelta(hours=30), priority="critical")  # open, overdue (2 h SLA)
    add_incident(backend, created=now - timedelta(minutes=30), priority="critical", category="utilities")
    add_incident(backend, created=now - timedelta(minutes=10), priority="low", status="acknowledged")
    add_incident(backend, created=now - timedelta(hours=3), priority="high", status="resolved",
                 resolved=now - timedelta(hours=2))
    r = api("dispatcher").get("/api/v1/stats/incidents")
    assert r.status_code == 200, r.text
    f = r.json()
    assert f["open_total"] == 3 and f["overdue"] == 1
    assert {g["key"]: g["count"] for g in f["open_by_priority"]} == {"critical": 2, "low": 1}
    ages = [c["age_minutes"] for c in f["critical_recent"]]
    assert len(ages) == 1 and 30 <= ages[0] <= 31  # only the last 6 hours; the minute may turn meanwhile
    assert f["critical_recent"][0]["category"] == "utilities"
    assert len(f["opened_by_hour"]) == 24 and sum(f["opened_by_hour"]) == 3
    # The overdue critical one's deadline passed 28 h ago: in this week or the last one, and missed.
    weeks = f["sla_week"]["due"] + f["sla_last_week"]["due"]
    assert weeks >= 1 and f["sla_week"]["met"] + f["sla_last_week"]["met"] == 0


def test_stats_index_lists_every_domains_endpoints_and_bad_periods_are_4xx(api):
    c = api("dispatcher")
    paths = {e["path"] for e in c.get("/api/v1/stats").json()["endpoints"]}
    assert {"/api/v1/stats/incidents", "/api/v1/stats/incidents/period", "/api/v1/stats/energy",
            "/api/v1/stats/archive"} <= paths
    now = datetime.now(UTC)
    r = c.get("/api/v1/stats/incidents/period", params={"from": iso(now), "to": iso(now - timedelta(hours=1))})
    assert r.status_code == 400 and "after" in r.json()["error"]["message"]
    r = c.get("/api/v1/stats/incidents/period", params={"from": iso(now - timedelta(days=40)), "to": iso(now)})
    assert r.status_code == 400
    assert c.get("/api/v1/stats/incidents/period", params={"from": "yesterday"}).status_code == 422
    assert api().get("/api/v1/stats/incidents").status_code == 401


def test_archive_figures_are_for_supervisors_and_count_views_and_exports(api, backend):
    from backend.audit.service import record

    now = datetime.now(UTC)
    with backend.sessionmaker() as s:
        from backend.auth.models import User
        sup = s.query(User).filter_by(username="supervisor").one()
        record(s, user=sup, action="recording.playback", target="camera:1", details={"reason": "ДТП на перекрёстке"})
        record(s, user=sup, action="recording.export", target="camera:1", details={"reason": "запрос полиции"})
        record(s, user=sup, action="camera.update", target="camera:1")
        s.commit()
    params = {"from": iso(now - timedelta(hours=1)), "to": iso(now + timedelta(hours=1))}
    assert api("dispatcher").get("/api/v1/stats/archive", params=params).status_code == 403
    f = api("supervisor").get("/api/v1/stats/archive", params=params).json()
    assert (f["views"], f["exports"], f["downloads"]) == (1, 1, 0)
    assert [e["reason"] for e in f["entries"]] == ["ДТП на перекрёстке", "запрос полиции"]


def test_energy_figures_count_buildings_in_alarm(api, backend):
    from backend.energy.models import Alarm
    from tests.backend.test_telemetry import add_meter

    dev = add_meter(backend, "el-1")
    dev2 = add_meter(backend, "el-2")
    with backend.sessionmaker() as s:
        from backend.telemetry.models import Device
        site = s.get(Device, dev).site_id
        for d, t, sev in ((dev, "night_use", "minor"), (dev2, "over_baseline", "critical")):
            s.add(Alarm(device_id=d, site_id=site, type=t, severity=sev, state="active_unack", message="",
                        period_start=0))
        s.commit()
    f = api("dispatcher").get("/api/v1/stats/energy").json()
    assert f["active_alarms"] == 2
    assert [(b["alarms"], b["worst"]) for b in f["buildings_in_alarm"]] == [(2, "critical")]
    assert {r["resource"] for r in f["resources"]} >= {"electricity"}


def test_shift_bounds_cross_midnight_in_the_citys_time():
    changes = parse_changes("08:00,20:00")
    # 23:30 UTC on 9 March is 02:30 MSK on 10 March: the night shift 20:00 (9th) → 08:00 (10th) MSK.
    start, end = shift_bounds(datetime(2026, 3, 9, 23, 30, tzinfo=UTC), changes)
    assert start == datetime(2026, 3, 9, 17, 0, tzinfo=UTC) and end == datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
    start, end = shift_bounds(datetime(2026, 3, 10, 5, 0, tzinfo=UTC), changes)
    assert start == datetime(2026, 3, 10, 5, 0, tzinfo=UTC) and end == datetime(2026, 3, 10, 17, 0, tzinfo=UTC)


def test_shift_change_times_that_are_not_times_are_refused_clearly():
    with pytest.raises(ValueError, match="08:00,20:00"):
        parse_changes("eight,twenty")
    with pytest.raises(ValueError):
        parse_changes("25:00")


def test_a_long_description_edit_still_saves_with_the_history_indexes(api):
    """The stats' history indexes hold status rows only: a 4,000-character edit is beyond an index entry."""
    import random

    c = api("dispatcher")
    made = c.post("/api/v1/incidents", json={"category": "roads", "lat": 51.66, "lon": 35.65,
                                             "description": "Яма"}).json()
    rng = random.Random(1)
    text = "".join(rng.choice("абвгдеёжзийклмнопрстуфхцчшщъыьэюя ") for _ in range(4000))
    r = c.patch(f"/api/v1/incidents/{made['id']}", json={"description": text},
                headers={"If-Match": f'"{made["version"]}"'})
    assert r.status_code == 200, r.text
