"""GET /api/v1/works/check: every verdict with its reasons, nearby permits, and the index that follows edits."""

from __future__ import annotations

from datetime import timedelta

from backend.works import check as checker
from tests.works.factories import NOON, at_metres, box, line, permit, point


def _check(client, x, y, at=NOON):
    lat, lon = at_metres(x, y)
    r = client.get("/api/v1/works/check", params={"lat": lat, "lon": lon, "at": at.isoformat()})
    assert r.status_code == 200, r.text
    return r.json()


def _add(sup, **over):
    r = sup.post("/api/v1/works/permits", json=permit(**over))
    assert r.status_code == 201, r.text
    return r.json()


def test_every_verdict(api):
    sup, disp = api("supervisor"), api("dispatcher")
    _add(sup, number="LEGAL", geometry=box(0, 0, 20, 10))
    _add(sup, number="SUSP", geometry=box(100, 0, 120, 10), status="suspended")
    _add(sup, number="OLD", geometry=box(200, 0, 220, 10), valid_to=(NOON - timedelta(days=1)).isoformat())
    _add(sup, number="NIGHT", geometry=box(300, 0, 320, 10), hours_from="21:00", hours_to="23:00")
    _add(sup, number="LIC", geometry=box(400, 0, 420, 10), licence_until="2026-06-01")
    _add(sup, number="APPL", geometry=box(500, 0, 520, 10), status="applied")
    _add(sup, number="LINE", geometry=line(600, 0, 700, 0), width_m=4)
    _add(sup, number="PT", geometry=point(800, 0), radius_m=10)

    legal = _check(disp, 10, 5)
    assert legal["verdict"] == "legal" and legal["permit_number"] == "LEGAL"
    assert legal["valid_until"].startswith("2026-06-15") and "МУП «Водоканал»" in legal["reasons"][0]
    assert _check(disp, 110, 5)["verdict"] == "suspended"
    old = _check(disp, 210, 5)
    assert old["verdict"] == "expired" and "expired on 09.06.2026" in old["reasons"][0]
    night = _check(disp, 310, 5)
    assert night["verdict"] == "outside_hours" and "21:00–23:00" in night["reasons"][0] and "10:00" in night["reasons"][0]
    assert _check(disp, 310, 5, at=NOON.replace(hour=22))["verdict"] == "legal"
    lic = _check(disp, 410, 5)
    assert lic["verdict"] == "licence_expired" and "01.06.2026" in lic["reasons"][0]
    assert _check(disp, 510, 5)["verdict"] == "no_permit"
    assert "only applied for" in _check(disp, 510, 5)["reasons"][0]
    # A line covers its width, not more; a point covers its radius.
    assert _check(disp, 650, 1.9)["verdict"] == "legal"
    assert _check(disp, 650, 2.5)["verdict"] == "no_permit"
    assert _check(disp, 807, 0)["verdict"] == "legal"
    assert _check(disp, 812, 0)["verdict"] == "no_permit"
    # Before the permit starts there is no permit yet.
    assert _check(disp, 10, 5, at=NOON - timedelta(days=6))["verdict"] == "no_permit"


def test_nearby_tells_a_permit_drawn_off_from_none(api):
    sup, disp = api("supervisor"), api("dispatcher")
    _add(sup, number="NEAR", geometry=box(0, 0, 20, 10))
    _add(sup, number="FAR", geometry=box(0, 150, 20, 160))
    off = _check(disp, 10, 40)  # 30 m north of NEAR, 110 m south of FAR
    assert off["verdict"] == "no_permit"
    assert [(n["number"], round(n["distance_m"])) for n in off["nearby"]] == [("NEAR", 30)]
    assert "30 m away" in off["reasons"][1]
    nothing = _check(disp, 10, -500)
    assert nothing["nearby"] == [] and nothing["reasons"] == ["No permit covers this place"]
    inside = _check(disp, 10, 5)
    assert inside["nearby"][0]["number"] == "NEAR" and inside["nearby"][0]["distance_m"] == 0


def test_the_best_permit_of_overlapping_ones_decides(api):
    sup, disp = api("supervisor"), api("dispatcher")
    _add(sup, number="A-SUSP", geometry=box(0, 0, 20, 10), status="suspended")
    _add(sup, number="B-OK", geometry=box(10, 0, 30, 10))
    assert _check(disp, 5, 5)["verdict"] == "suspended"
    both = _check(disp, 15, 5)
    assert both["verdict"] == "legal" and both["permit_number"] == "B-OK"


def test_the_index_is_reused_and_rebuilt_on_change(api, backend):
    sup, disp = api("supervisor"), api("dispatcher")
    p = _add(sup, number="IDX", geometry=box(0, 0, 20, 10))
    assert _check(disp, 10, 5)["verdict"] == "legal"
    with backend.sessionmaker() as s:
        first = checker.index(s)
        assert checker.index(s) is first and first.tree is not None
    sup.patch(f"/api/v1/works/permits/{p['id']}", json={"status": "suspended"})
    assert _check(disp, 10, 5)["verdict"] == "suspended"
    with backend.sessionmaker() as s:
        assert checker.index(s) is not first


def test_bad_check_requests_are_4xx(api):
    disp = api("dispatcher")
    assert disp.get("/api/v1/works/check", params={"lat": 95, "lon": 35}).status_code == 422
    assert disp.get("/api/v1/works/check", params={"lat": "x", "lon": 35}).status_code == 422
    assert disp.get("/api/v1/works/check", params={"lat": 51.6}).status_code == 422
    assert api().get("/api/v1/works/check", params={"lat": 51.6, "lon": 35.6}).status_code == 401
    r = disp.get("/api/v1/works/check", params={"lat": 51.66, "lon": 35.65})  # no `at`: now
    assert r.status_code == 200 and r.json()["verdict"] == "no_permit"
