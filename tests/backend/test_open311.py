"""Open311 GeoReport v2: citizens' requests become incidents; the spec's error shape."""

from __future__ import annotations

import pytest

KEY = "k" * 24


@pytest.fixture
def open311(database_url, tmp_path):
    from fastapi.testclient import TestClient

    from tests.conftest import make_backend

    b = make_backend(database_url, tmp_path, open311_api_keys=f"{KEY},other-key-1234567")
    b.add_user("dispatcher", "dispatcher")
    with TestClient(b.app, raise_server_exceptions=False) as c:
        yield c, b
    b.app.state.engine.dispose()


def _form(**over):
    form = {"api_key": KEY, "service_code": "street_lighting", "lat": "51.6601", "long": "35.6502",
            "address_string": "ул. Ленинградская, 12", "description": "Не горит фонарь у подъезда",
            "first_name": "Анна", "email": "anna@example.ru"}
    form.update(over)
    return form


def test_services_list_the_categories(open311):
    c, _ = open311
    codes = {s["service_code"] for s in c.get("/open311/v2/services.json").json()}
    assert {"street_lighting", "roads", "waste"} <= codes


def test_request_becomes_a_citizen_incident_with_the_requester_kept_internal(open311):
    c, b = open311
    r = c.post("/open311/v2/requests.json", data=_form())
    assert r.status_code == 201, r.text
    rid = r.json()[0]["service_request_id"]
    got = c.get(f"/open311/v2/requests/{rid}.json").json()[0]
    assert got["status"] == "open" and got["service_code"] == "street_lighting"
    assert got["lat"] == pytest.approx(51.6601) and "email" not in got
    from backend.incidents.models import Incident, IncidentComment

    with b.sessionmaker() as s:
        inc = s.get(Incident, int(rid))
        assert inc.source == "citizen" and inc.created_by == "open311"
        comments = s.query(IncidentComment).filter_by(incident_id=inc.id).all()
        assert any("anna@example.ru" in cm.text for cm in comments)
    listed = c.get("/open311/v2/requests.json", params={"status": "open"}).json()
    assert [x["service_request_id"] for x in listed] == [rid]
    assert c.get("/open311/v2/requests.json", params={"status": "closed"}).json() == []


@pytest.mark.parametrize("over,status,words", [
    ({"api_key": ""}, 400, "api_key is required"),
    ({"api_key": "wrong-key-xxxxxxxxxx"}, 403, "not valid"),
    ({"service_code": "potholes"}, 404, "service_code"),
    ({"lat": "north"}, 400, "decimal number"),
    ({"lat": "", "long": "", "address_string": ""}, 400, "Give lat and long"),
    ({"lat": "95"}, 400, "within"),
    ({"description": "   "}, 400, "description is required"),
])
def test_bad_requests_get_the_open311_error_shape(open311, over, status, words):
    c, _ = open311
    r = c.post("/open311/v2/requests.json", data=_form(**over))
    assert r.status_code == status
    body = r.json()
    assert body[0]["code"] == status and words in body[0]["description"]


def test_unknown_request_and_bad_dates(open311):
    c, _ = open311
    assert c.get("/open311/v2/requests/999999.json").status_code == 404
    r = c.get("/open311/v2/requests.json", params={"start_date": "yesterday"})
    assert r.status_code == 400 and "W3C" in r.json()[0]["description"]


def test_the_gateway_account_cannot_log_in(open311):
    c, _ = open311
    c.post("/open311/v2/requests.json", data=_form())
    r = c.post("/api/v1/auth/token", data={"username": "open311", "password": "anything-at-all"})
    assert r.status_code == 401


def test_without_configured_keys_requests_are_refused(api):
    r = api().post("/open311/v2/requests.json", data=_form())
    assert r.status_code == 403 and "no Open311 API keys" in r.json()[0]["description"]
