"""Public works outputs: the residents' check (no login, no personal data, rate-limited) and the
WZDx v4.2 feed, validated against the specification's own JSON schema."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
from referencing import Registry, Resource

from tests.conftest import make_backend
from tests.works.factories import at_metres, box, line, permit, point

NOW = datetime.now(timezone.utc)
SCHEMAS = Path(__file__).parent / "wzdx_4.2"


def _running(number, geometry, **over):
    return permit(number, geometry=geometry, valid_from=(NOW - timedelta(days=2)).isoformat(),
                  valid_to=(NOW + timedelta(days=3)).isoformat(), hours_from="00:00", hours_to="24:00", **over)


def wzdx_validator() -> jsonschema.Draft7Validator:
    """The v4.2 WorkZoneFeed schema with every remote $ref answered from the files beside this test."""
    def retrieve(uri: str) -> Resource:
        name = uri.rsplit("/", 1)[-1]
        path = SCHEMAS / name
        if not path.exists():
            raise LookupError(f"the WZDx schema refers to {uri}, which is not kept in {SCHEMAS}")
        return Resource.from_contents(json.loads(path.read_text()))

    root = json.loads((SCHEMAS / "WorkZoneFeed.json").read_text())
    return jsonschema.Draft7Validator(root, registry=Registry(retrieve=retrieve),
                                      format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_public_check_needs_no_login_and_leaks_no_staff(api):
    sup, anon = api("supervisor"), api()
    assert sup.post("/api/v1/works/permits", json=_running("P-1", box(0, 0, 30, 10))).status_code == 201
    lat, lon = at_metres(10, 5)
    r = anon.get("/public/works/check", params={"lat": lat, "lon": lon})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == "legal" and body["permit_number"] == "P-1" and body["contractor"] == "МУП «Водоканал»"
    text = r.text
    for secret in ("Иванов", "910 111", "responsible", "phone", "4634003311"):
        assert secret not in text, secret
    far = anon.get("/public/works/check", params={"lat": lat + 0.01, "lon": lon}).json()
    assert far["verdict"] == "no_permit"
    assert anon.get("/public/works/check", params={"lat": 200, "lon": lon}).status_code == 422


def test_public_check_is_rate_limited(tmp_path):
    from fastapi.testclient import TestClient

    b = make_backend(f"sqlite:///{tmp_path / 'rl.sqlite3'}", tmp_path, public_checks_per_minute=5)
    with TestClient(b.app, raise_server_exceptions=False) as anon:
        codes = [anon.get("/public/works/check", params={"lat": 51.66, "lon": 35.65}).status_code for _ in range(7)]
        assert codes == [200] * 5 + [429] * 2
        r = anon.get("/public/works/check", params={"lat": 51.66, "lon": 35.65})
        assert int(r.headers["Retry-After"]) >= 1 and r.json()["error"]["code"] == "rate_limited"
    b.app.state.engine.dispose()


def test_wzdx_feed_is_valid_v42_and_lists_only_active_works(api):
    sup, anon = api("supervisor"), api()
    for body in (_running("W-LINE", line(0, 0, 120, 0), width_m=3, address="улица Мира, 1"),
                 _running("W-BOX", box(200, 0, 260, 12), purpose="heating_main"),
                 _running("W-PT", point(400, 0), radius_m=8, status="suspended"),
                 _running("W-APPLIED", box(500, 0, 520, 10), status="applied"),
                 permit("W-OLD", geometry=box(600, 0, 620, 10), valid_from=(NOW - timedelta(days=9)).isoformat(),
                        valid_to=(NOW - timedelta(days=1)).isoformat())):
        assert sup.post("/api/v1/works/permits", json=body).status_code == 201, body["number"]
    r = anon.get("/public/wzdx/feed.geojson")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    feed = r.json()
    errors = sorted(wzdx_validator().iter_errors(feed), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    names = sorted(f["properties"]["core_details"]["name"] for f in feed["features"])
    assert names == ["Permit W-BOX", "Permit W-LINE", "Permit W-PT"]
    by_name = {f["properties"]["core_details"]["name"]: f for f in feed["features"]}
    assert by_name["Permit W-LINE"]["properties"]["core_details"]["road_names"] == ["улица Мира"]
    assert by_name["Permit W-PT"]["geometry"]["type"] == "MultiPoint"
    box_line = by_name["Permit W-BOX"]["geometry"]
    assert box_line["type"] == "LineString" and len(box_line["coordinates"]) == 2
    assert "Иванов" not in r.text and "+7 910" not in r.text


def test_the_validator_catches_a_broken_feed():
    """The schema test would fail on a feed that breaks the spec (it is not a test that cannot fail)."""
    broken = {"type": "FeatureCollection", "features": [{"id": "x", "type": "Feature", "geometry": None,
                                                         "properties": {"core_details": {"event_type": "work-zone"}}}]}
    assert list(wzdx_validator().iter_errors(broken))
