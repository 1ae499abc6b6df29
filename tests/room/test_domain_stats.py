"""The transport, intersections, works and cleaning figures under /api/v1/stats against hand-counted rows,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from backend.stats.periods import CITY_TZ, day_start
from tests.room.domain_factories import cleaning_city, signals_city, transit_city, works_city

UTC = timezone.utc


def counts(groups: list[dict]) -> dict[str, int]:
    return {g["key"]: g["count"] for g in groups}


def test_transit_buses_on_time_and_boards_down(api, backend):
    transit_city(backend)
    r = api("dispatcher").get("/api/v1/stats/transit")
    assert r.status_code == 200, r.text
    f = r.json()
    # On trips and reporting: b1 (-30 s), b2 (200 s), b3 (400 s: late), b6 (-90 s: early) → 2 of 4 on time.
    assert f["buses_on_trip"] == 4 and f["buses_on_time"] == 2 and f["on_time"] == pytest.approx(0.5)
    assert [(x["short_name"], x["buses"], x["on_time"]) for x in f["by_route"]] == [("1", 3, 2), ("2", 1, 0)]
    assert f["boards_total"] == 3 and f["boards_down"] == 1
    (down,) = f["boards_down_list"]
    assert down["name"] == "Площадь Коммунаров" and 41 <= down["silent_minutes"] <= 42
    assert counts(f["faults_by_kind"]) == {"board_silent": 1}


def test_transit_with_no_bus_has_no_share(api):
    f = api("dispatcher").get("/api/v1/stats/transit").json()
    assert f["buses_on_trip"] == 0 and f["on_time"] is None and f["boards_down"] == 0


def test_signals_intersections_in_fault_by_kind(api, backend):
    now = datetime.now(UTC)
    signals_city(backend, now)
    c = api("dispatcher")
    f = c.get("/api/v1/stats/signals").json()
    assert f["intersections"] == 4 and f["in_fault"] == 2  # A twice, B once; C and D are closed
    assert counts(f["in_fault_by_kind"]) == {"flash": 1, "comm_lost": 1, "detector_stuck_on": 1}
    assert [(x["uid"], x["faults"], x["kinds"]) for x in f["in_fault_list"]] == [
        ("B", 1, "detector_stuck_on"), ("A", 2, "comm_lost, flash")]  # the oldest fault first
    assert 179 <= f["in_fault_list"][0]["age_minutes"] <= 180
    assert counts(f["by_mode"]) == {"flash": 1, "coordinated": 1, "offline": 1, "manual": 1}
    p = c.get("/api/v1/stats/signals/period", params={"from": (now - timedelta(hours=6)).isoformat(),
                                                     "to": now.isoformat()}).json()
    # Opened in the last 6 h: A flash, A comm_lost, B, C (D 50 h ago); closed in it: C.
    assert p["opened"] == 4 and p["closed"] == 1
    assert counts(p["opened_by_kind"]) == {"flash": 2, "comm_lost": 1, "detector_stuck_on": 1}
    r = c.get("/api/v1/stats/signals/period", params={"from": now.isoformat(), "to": (now - timedelta(hours=1))
                                                      .isoformat()})
    assert r.status_code == 400


def test_works_without_permit_and_overdue_restoration(api, backend):
    now = datetime.now(UTC)
    today = now.astimezone(CITY_TZ).date()
    ids = works_city(backend, now, today)
    c = api("dispatcher")
    f = c.get("/api/v1/stats/works").json()
    assert f["open_without_permit"] == 2
    assert counts(f["open_by_verdict"]) == {"no_permit": 2, "outside_hours": 1, "legal": 1}
    assert [x["incident_id"] for x in f["without_permit"]] == [ids["np1"], ids["np2"]]  # the oldest first
    assert 89 <= f["without_permit"][0]["age_minutes"] <= 90
    assert f["restoration_overdue"] == 2
    assert [(x["number"], x["days_overdue"]) for x in f["overdue"]] == [("ЗР-1", 3), ("ЗР-2", 1)]
    assert counts(f["permits_by_status"]) == {"granted": 2, "expired": 1, "closed": 1}
    p = c.get("/api/v1/stats/works/period", params={"from": (now - timedelta(hours=2)).isoformat(),
                                                   "to": now.isoformat()}).json()
    # Checked in the last 2 h: np1 (90 min), np2, oh, ok; np_done 5 h ago is outside.
    assert p["checked"] == 4 and counts(p["checked_by_verdict"]) == {"no_permit": 2, "outside_hours": 1, "legal": 1}


def test_cleaning_sections_missed_today(api, backend):
    now = datetime.now(UTC)
    today = now.astimezone(CITY_TZ).date()
    start = day_start(now)
    cleaning_city(backend, today, start)
    c = api("dispatcher")
    f = c.get("/api/v1/stats/cleaning").json()
    assert f["sections_active"] == 3 and f["missed_today"] == 3
    assert counts(f["missed_by_service"]) == {"blagoustroystvo": 2, "vodokanal": 1}
    assert counts(f["missed_by_kind"]) == {"sweeping": 2, "washing": 1}
    assert [(x["code"], x["share"]) for x in f["missed"]] == [("C1", 0.2), ("C2", 0.0), ("C3", 0.5)]
    p = c.get("/api/v1/stats/cleaning/period", params={"from": (start - timedelta(days=1)).isoformat(),
                                                      "to": start.isoformat()}).json()
    assert p["missed"] == 1 and counts(p["missed_by_service"]) == {"blagoustroystvo": 1}


def test_the_four_domains_are_in_the_stats_index(api):
    paths = {e["path"] for e in api("dispatcher").get("/api/v1/stats").json()["endpoints"]}
    assert {"/api/v1/stats/transit", "/api/v1/stats/signals", "/api/v1/stats/works",
            "/api/v1/stats/cleaning"} <= paths
