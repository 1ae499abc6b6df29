"""Open311 GeoReport v2 conformance (issue 18, finding 13): JSON and XML, service definitions,
the search rules, address-only requests, the spec's error array on every path, and a client
library from PyPI (georeport) reading our server like any city's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import pytest
from georeport import GeoReport

from tests.backend.test_open311 import KEY, _form, open311  # noqa: F401  (the fixture)
from tests.conftest import LiveServer

V2 = "/open311/v2"


def _errors(r, status: int) -> str:
    assert r.status_code == status, (r.status_code, r.text[:200])
    if r.headers["content-type"].startswith("text/xml"):
        root = ET.fromstring(r.content)
        assert root.tag == "errors" and root.find("error/code").text == str(status)
        return root.find("error/description").text
    body = r.json()
    assert isinstance(body, list) and body[0]["code"] == status and set(body[0]) == {"code", "description"}, body
    return body[0]["description"]


def test_xml_and_service_definitions(open311):
    c, _ = open311
    root = ET.fromstring(c.get(f"{V2}/services.xml").content)
    assert root.tag == "services" and "street_lighting" in [s.findtext("service_code") for s in root]
    assert c.get(f"{V2}/services/roads.json").json() == {"service_code": "roads", "attributes": []}
    assert ET.fromstring(c.get(f"{V2}/services/roads.xml").content).findtext("service_code") == "roads"
    _errors(c.get(f"{V2}/services/potholes.json"), 404)
    r = c.post(f"{V2}/requests.xml", data=_form())
    assert r.status_code == 201 and r.headers["content-type"].startswith("text/xml")
    rid = ET.fromstring(r.content).findtext("request/service_request_id")
    listed = ET.fromstring(c.get(f"{V2}/requests.xml").content)
    assert [x.findtext("service_request_id") for x in listed] == [rid]
    one = ET.fromstring(c.get(f"{V2}/requests/{rid}.xml").content)
    assert one.findtext("request/status") == "open"


def test_search_rules(open311):
    c, _ = open311
    rid = c.post(f"{V2}/requests.json", data=_form()).json()[0]["service_request_id"]
    # service_request_id overrides the other filters (here all three would exclude it).
    r = c.get(f"{V2}/requests.json", params={"service_request_id": rid, "status": "closed", "service_code": "roads",
                                              "start_date": "2001-01-01T00:00:00Z", "end_date": "2001-02-01T00:00:00Z"})
    assert [x["service_request_id"] for x in r.json()] == [rid], r.text
    assert [x["service_request_id"] for x in c.get(f"{V2}/requests.json",
                                                    params={"status": "open,closed"}).json()] == [rid]
    _errors(c.get(f"{V2}/requests.json", params={"status": "open,maybe"}), 400)
    now = datetime.now(timezone.utc)
    far = {"start_date": (now - timedelta(days=120)).isoformat(), "end_date": now.isoformat()}
    assert "90 days" in _errors(c.get(f"{V2}/requests.json", params=far), 400)
    _errors(c.get(f"{V2}/requests.json", params={"start_date": "2026-01-01T00:00:00"}), 400)  # no zone
    _errors(c.get(f"{V2}/requests.json", params={"start_date": "0001-01-01T00:00:00Z"}), 400)


def test_address_without_coordinates_is_a_valid_request(open311):
    c, _ = open311
    r = c.post(f"{V2}/requests.json", data=_form(lat="", long="", address_string="ул. Курчатова, 3"))
    assert r.status_code == 201, r.text
    got = c.get(f"{V2}/requests/{r.json()[0]['service_request_id']}.json").json()[0]
    assert got["address"] == "ул. Курчатова, 3"


@pytest.mark.parametrize("method,path,params", [
    ("GET", f"{V2}/requests.json", {"limit": "0"}),           # the framework's validation
    ("GET", f"{V2}/requests.json", {"limit": "x"}),
    ("GET", f"{V2}/requests.xml", {"status": "bad"}),
    ("GET", f"{V2}/requests/1.txt", None),                    # a format the spec has not
    ("GET", f"{V2}/nothing.json", None),                      # no such path
    ("POST", f"{V2}/services.json", None),                    # no such method
    ("GET", f"{V2}/requests.json", {"service_code": "a\x00b"}),  # the request edge
    ("POST", f"{V2}/requests.json", None),                    # no form at all
])
def test_every_open311_error_has_the_spec_shape(open311, method, path, params):
    c, _ = open311
    r = c.request(method, path, params=params)
    assert 400 <= r.status_code < 500
    _errors(r, r.status_code)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_georeport_client_from_pypi_reads_our_server(backend, fmt):
    backend.settings.open311_api_keys = KEY
    server = LiveServer(backend).start()
    try:
        from fastapi.testclient import TestClient

        with TestClient(backend.app) as c:
            rid = c.post(f"{V2}/requests.json", data=_form()).json()[0]["service_request_id"]
        client = GeoReport(f"{server.url}{V2}", api_key=KEY, output_format=fmt)
        services = client.get_service_list()
        assert "roads" in [s["service_code"] for s in services]
        assert client.get_service_definition("roads")["service_code"] == "roads"
        req = client.get_service_request(rid)
        req = req[0] if isinstance(req, list) else req
        assert req["service_request_id"] == rid and req["status"] == "open"
        found = client.get_service_requests(service_request_id=rid)
        found = found if isinstance(found, list) else [found]
        assert [x["service_request_id"] for x in found] == [rid]
    finally:
        server.stop()
