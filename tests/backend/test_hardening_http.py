"""HTTP semantics the OpenAPI document and RFC 9110 promise (issue 18, finding 14)."""

from __future__ import annotations

import jsonschema


def _incident(c) -> dict:
    r = c.post("/api/v1/incidents", json={"category": "roads", "priority": "low", "lat": 51.6, "lon": 35.6,
                                          "description": "Яма"})
    assert r.status_code == 201
    return r.json()


def test_if_match_is_strong_and_takes_star_and_lists(api):
    c = api("dispatcher")
    inc = _incident(c)
    url = f"/api/v1/incidents/{inc['id']}"

    def patch(if_match: str, text: str):
        return c.patch(url, json={"description": text}, headers={"If-Match": if_match})

    assert patch('W/"1"', "a").status_code == 412  # a weak tag never matches strongly
    assert patch("banana", "a").status_code == 400  # not an entity tag (a bare number is taken as "N")
    assert patch('"x"', "a").status_code == 412
    assert patch('"1"', "b").status_code == 200  # now version 2
    assert patch('"7", "2"', "c").status_code == 200  # a list matches when any tag does; now 3
    assert patch('"7", "8"', "c").status_code == 412
    assert patch("*", "d").status_code == 200
    assert c.patch(url, json={"description": "e"}).status_code == 428


def test_booleans_and_fractions_are_not_integers(api):
    c = api("dispatcher")
    a, b = _incident(c), _incident(c)
    for bad in (True, 1.0, "1", 1.5):
        r = c.post(f"/api/v1/incidents/{a['id']}/duplicate", json={"duplicate_of": bad if bad != "1" else str(b["id"])})
        assert r.status_code == 422, (bad, r.status_code)
    for bad in ("1.5", "true", "١٠"):
        assert c.get("/api/v1/incidents", params={"limit": bad}).status_code == 422, bad
    sup = api("supervisor")
    r = sup.post("/api/v1/recordings/bookmarks", json={"camera_id": True, "at": "2026-11-27T10:00:00Z"})
    assert r.status_code == 422


def test_error_responses_are_documented_as_sent(api):
    c = api("dispatcher")
    spec = c.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    op = spec["paths"]["/api/v1/incidents/{incident_id}/status"]["post"]
    for code in ("400", "401", "403", "404", "409", "412", "422"):
        assert op["responses"][code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"}, code
    resolver_schema = {"$ref": "#/components/schemas/ErrorBody", "components": spec["components"]}
    r = c.post("/api/v1/incidents/1/status", json={"status": 5})
    assert r.status_code == 422
    jsonschema.validate(r.json(), resolver_schema)
