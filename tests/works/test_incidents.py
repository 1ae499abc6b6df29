"""Excavation incidents are checked when created and when moved; overdue restorations open incidents."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from backend.works.duty import check_incidents, registry_round
from tests.works.factories import at_metres, box, permit

NOW = datetime.now(timezone.utc)


def _incident(client, x, y, *, category="excavation", priority="low"):
    lat, lon = at_metres(x, y)
    r = client.post("/api/v1/incidents", json={"category": category, "priority": priority, "lat": lat, "lon": lon,
                                               "address": "улица Мира", "description": "Раскопали тротуар",
                                               "source": "citizen"})
    assert r.status_code == 201, r.text
    return r.json()


def _comments(client, incident_id):
    return [c["text"] for c in client.get(f"/api/v1/incidents/{incident_id}/comments").json()]


def test_created_and_moved_excavation_incidents_get_a_verdict(api, backend):
    sup, disp = api("supervisor"), api("dispatcher")
    around_now = permit("NOW-1", geometry=box(0, 0, 30, 10), valid_from=(NOW - timedelta(days=1)).isoformat(),
                        valid_to=(NOW + timedelta(days=1)).isoformat(), hours_from="00:00", hours_to="24:00")
    assert sup.post("/api/v1/works/permits", json=around_now).status_code == 201
    legal = _incident(disp, 10, 5)
    illegal = _incident(disp, 10, 300)
    other = _incident(disp, 10, 300, category="roads")
    assert check_incidents(backend.sessionmaker) >= 3

    assert disp.get(f"/api/v1/works/incidents/{legal['id']}/check").json()["verdict"] == "legal"
    assert "Permit check: Legal" in _comments(disp, legal["id"])[0]
    assert disp.get(f"/api/v1/incidents/{legal['id']}").json()["priority"] == "low"

    verdict = disp.get(f"/api/v1/works/incidents/{illegal['id']}/check").json()
    assert verdict["verdict"] == "no_permit"
    assert disp.get(f"/api/v1/incidents/{illegal['id']}").json()["priority"] == "high"  # raised
    assert "Record a violation" in _comments(disp, illegal["id"])[0]
    assert disp.get(f"/api/v1/works/incidents/{other['id']}/check").status_code == 404  # not excavation

    # Our own comment and priority change are events too; they must not make a second check.
    check_incidents(backend.sessionmaker)
    assert len(_comments(disp, illegal["id"])) == 1

    # Moved onto the permit: checked again.
    inc = disp.get(f"/api/v1/incidents/{illegal['id']}").json()
    lat, lon = at_metres(20, 5)
    r = disp.patch(f"/api/v1/incidents/{illegal['id']}", json={"lat": lat, "lon": lon},
                   headers={"If-Match": str(inc["version"])})
    assert r.status_code == 200, r.text
    check_incidents(backend.sessionmaker)
    assert disp.get(f"/api/v1/works/incidents/{illegal['id']}/check").json()["verdict"] == "legal"
    assert "Moved; permit check: Legal" in _comments(disp, illegal["id"])[-1]


def test_a_violation_is_recorded_once_and_only_where_there_is_one(api, backend):
    sup, disp = api("supervisor"), api("dispatcher")
    sup.post("/api/v1/works/permits", json=permit("V-1", geometry=box(0, 0, 30, 10),
                                                  valid_from=(NOW - timedelta(days=1)).isoformat(),
                                                  valid_to=(NOW + timedelta(days=1)).isoformat(),
                                                  hours_from="00:00", hours_to="24:00"))
    legal, illegal = _incident(disp, 10, 5), _incident(disp, 500, 500)
    check_incidents(backend.sessionmaker)
    assert disp.post(f"/api/v1/works/incidents/{legal['id']}/violation", json={}).status_code == 409
    r = disp.post(f"/api/v1/works/incidents/{illegal['id']}/violation", json={"note": "Бригада без ордера"})
    assert r.status_code == 200 and r.json()["violation_recorded"] is True
    assert disp.post(f"/api/v1/works/incidents/{illegal['id']}/violation", json={}).status_code == 409
    assert "Violation recorded: No permit here. Бригада без ордера" in _comments(disp, illegal["id"])[-1]
    assert disp.post("/api/v1/works/incidents/999999/violation", json={}).status_code == 404


def test_overdue_restoration_opens_one_incident_and_ended_permits_expire(api, backend):
    sup, disp = api("supervisor"), api("dispatcher")
    overdue = permit("R-1", geometry=box(0, 0, 30, 10), valid_from=(NOW - timedelta(days=30)).isoformat(),
                     valid_to=(NOW + timedelta(days=2)).isoformat(), restore_by=(NOW - timedelta(days=2)).date().isoformat())
    ended = permit("E-1", geometry=box(100, 0, 130, 10), valid_from=(NOW - timedelta(days=30)).isoformat(),
                   valid_to=(NOW - timedelta(hours=1)).isoformat(), restore_by=(NOW + timedelta(days=9)).date().isoformat())
    closed = dict(overdue, number="R-2", status="closed")
    for body in (overdue, ended, closed):
        assert sup.post("/api/v1/works/permits", json=body).status_code == 201
    assert registry_round(backend.sessionmaker) == {"expired": 1, "restoration_incidents": 1}
    assert registry_round(backend.sessionmaker) == {"expired": 0, "restoration_incidents": 0}
    permits = {p["number"]: p for p in disp.get("/api/v1/works/permits").json()}
    assert permits["E-1"]["status"] == "expired"
    incident_id = permits["R-1"]["restoration_incident_id"]
    assert permits["R-1"]["restoration_overdue"] and permits["R-2"]["restoration_incident_id"] is None
    incident = disp.get(f"/api/v1/incidents/{incident_id}").json()
    assert incident["category"] == "excavation" and "R-1" in incident["description"]
    summary = disp.get("/api/v1/works/summary").json()
    assert [p["number"] for p in summary["restoration_overdue"]] == ["R-1"]
    assert summary["by_status"]["expired"] == 1 and summary["by_status"]["closed"] == 1
    assert [p["number"] for p in summary["expiring_this_week"]] == ["R-1"]


def test_a_report_read_later_is_judged_at_the_time_it_was_made(api, backend):
    from backend.works.incidents import on_incident

    sup, disp = api("supervisor"), api("dispatcher")
    ended = permit("ENDED", geometry=box(0, 0, 30, 10), valid_from=(NOW - timedelta(days=2)).isoformat(),
                   valid_to=(NOW - timedelta(hours=2)).isoformat(), hours_from="00:00", hours_to="24:00")
    assert sup.post("/api/v1/works/permits", json=ended).status_code == 201
    incident = _incident(disp, 10, 5)
    with backend.sessionmaker() as s:
        row = on_incident(s, {**incident, "created_at": (NOW - timedelta(hours=3)).isoformat()})
        s.commit()
        assert row.verdict == "legal"  # three hours ago the permit was still valid
        moved = on_incident(s, {**incident, "lat": incident["lat"] + 2e-5})
        s.commit()
        assert moved.verdict == "expired"  # moved now: judged now
