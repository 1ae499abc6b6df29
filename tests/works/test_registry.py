"""The permit registry: roles, audit, edits, and imports that report every bad row and keep nothing."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from backend.audit.models import AuditEntry
from tests.works.factories import line, permit, point

COLUMNS = ["number", "purpose", "contractor", "contractor_inn", "licence_until", "responsible", "responsible_phone",
           "geometry", "width_m", "radius_m", "valid_from", "valid_to", "hours_from", "hours_to", "status",
           "restore_by", "address"]


def registry_csv(*rows: dict, delimiter: str = ",") -> bytes:
    """A registry export: a header and the rows, written by the csv module as a spreadsheet would."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return out.getvalue().encode()


def row(number, *, inn="4634003311", geometry=None, width="3", radius="", hours=("08:00", "20:00"),
        status="granted") -> dict:
    return {"number": number, "purpose": "water", "contractor": "МУП «Водоканал»", "contractor_inn": inn,
            "licence_until": "2027-01-01", "responsible": "Иванов", "responsible_phone": "+7 910 000-00-00",
            "geometry": geometry if geometry is not None else json.dumps(line(0, 0, 100, 0)), "width_m": width,
            "radius_m": radius, "valid_from": "2026-06-01T08:00:00+03:00", "valid_to": "2026-06-30T18:00:00+03:00",
            "hours_from": hours[0], "hours_to": hours[1], "status": status, "restore_by": "2026-07-15",
            "address": "улица Мира, 1"}


def test_every_role_reads_supervisors_edit_and_it_is_audited(api, backend):
    disp, sup = api("dispatcher"), api("supervisor")
    assert disp.post("/api/v1/works/permits", json=permit()).status_code == 403
    r = sup.post("/api/v1/works/permits", json=permit())
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert disp.get(f"/api/v1/works/permits/{pid}").json()["responsible_phone"] == "+7 910 111-22-33"
    assert [p["number"] for p in disp.get("/api/v1/works/permits").json()] == ["ЗР-1"]
    assert sup.post("/api/v1/works/permits", json=permit()).status_code == 409  # the number is taken
    r = sup.patch(f"/api/v1/works/permits/{pid}", json={"status": "suspended", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert sup.patch(f"/api/v1/works/permits/{pid}", json={"status": "granted", "version": 1}).status_code == 412
    assert sup.patch(f"/api/v1/works/permits/{pid}", json={"hours_from": "21:00"}).status_code == 422
    assert disp.patch(f"/api/v1/works/permits/{pid}", json={"status": "closed"}).status_code == 403
    assert disp.get("/api/v1/works/permits?status=granted,bogus").status_code == 422
    with backend.sessionmaker() as s:
        actions = [(a.action, a.username) for a in s.scalars(select(AuditEntry).where(
            AuditEntry.action.like("works.%")).order_by(AuditEntry.id))]
    assert actions == [("works.permit.create", "supervisor"), ("works.permit.update", "supervisor")]


def test_bad_permits_are_refused_with_reasons(api):
    sup = api("supervisor")
    cases = {
        "line without width": permit(geometry=line(0, 0, 50, 0)),
        "point without radius": permit(geometry=point(0, 0)),
        "bad inn": permit(contractor_inn="12345"),
        "ends before start": permit(valid_to="2026-01-01T00:00:00+03:00"),
        "no zone": permit(valid_from="2026-06-01T08:00:00"),
        "multipolygon": permit(geometry={"type": "MultiPoint", "coordinates": [[35.6, 51.6]]}),
        "off the globe": permit(geometry={"type": "Point", "coordinates": [351.6, 51.6]}, radius_m=5),
    }
    for what, body in cases.items():
        r = sup.post("/api/v1/works/permits", json=body)
        assert r.status_code == 422, (what, r.text)
        assert r.json()["error"]["message"], what


def test_csv_import_reports_every_bad_row_by_line_and_imports_nothing(api, backend):
    sup = api("supervisor")
    body = registry_csv(row("A-1"), row("A-2", inn="12"), row("A-3", width=""), row("A-4", geometry="not a shape"),
                        row("A-1"), row("A-6", hours=("25:00", "26:00")))
    r = sup.post("/api/v1/works/permits/import?format=csv", content=body,
                 headers={"Content-Type": "text/csv"})
    assert r.status_code == 422, r.text
    errors = r.json()["error"]["details"]["errors"]
    assert [(e["line"], e["number"]) for e in errors] == [(3, "A-2"), (4, "A-3"), (5, "A-4"), (6, "A-1"), (7, "A-6")]
    assert "INN" in errors[0]["message"] and "width_m" in errors[1]["message"]
    assert "first on line 2" in errors[3]["message"]
    assert sup.get("/api/v1/works/permits").json() == []  # nothing half-imported

    good = registry_csv(row("A-1"), row("A-2", geometry="POINT (35.66 51.66)", width="", radius="15"))
    r = sup.post("/api/v1/works/permits/import?format=csv", content=good)
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 2, "updated": 0, "errors": []}
    # Re-importing the registry's export updates by number.
    r = sup.post("/api/v1/works/permits/import?format=csv", content=registry_csv(row("A-1", status="closed")))
    assert r.json()["updated"] == 1
    permits = {p["number"]: p for p in sup.get("/api/v1/works/permits").json()}
    assert permits["A-1"]["status"] == "closed" and permits["A-2"]["geometry"]["type"] == "Point"
    # A semicolon-separated export (what spreadsheets write in Russian locales) reads the same.
    r = sup.post("/api/v1/works/permits/import?format=csv", content=registry_csv(row("B-1"), delimiter=";"))
    assert r.status_code == 200 and r.json()["created"] == 1, r.text
    assert api("dispatcher").post("/api/v1/works/permits/import?format=csv", content=good).status_code == 403


def test_csv_without_required_columns_and_garbage_are_4xx(api):
    sup = api("supervisor")
    r = sup.post("/api/v1/works/permits/import?format=csv", content="number,contractor\nX,Y\n".encode())
    assert r.status_code == 422 and "geometry" in r.json()["error"]["message"]
    assert sup.post("/api/v1/works/permits/import?format=csv", content=b"\xff\xfe\x00bad").status_code == 422
    assert sup.post("/api/v1/works/permits/import?format=geojson", content=b"{not json").status_code == 422
    assert sup.post("/api/v1/works/permits/import?format=geojson", content=b'{"type": "Feature"}').status_code == 422
    assert sup.post("/api/v1/works/permits/import?format=xml", content=b"<a/>").status_code == 422
    assert sup.post("/api/v1/works/permits/import", content=b"").status_code == 422


def test_geojson_import_reports_features_by_number(api):
    sup = api("supervisor")

    def feat(number, geometry, **props):
        base = {k: v for k, v in permit(number).items() if k != "geometry"}
        base.update(props)
        return {"type": "Feature", "properties": base, "geometry": geometry}

    doc = {"type": "FeatureCollection", "features": [
        feat("G-1", line(0, 0, 80, 0), width_m=4), feat("G-2", None), feat("G-3", point(5, 5), radius_m=-1),
        "not a feature"]}
    r = sup.post("/api/v1/works/permits/import?format=geojson", content=json.dumps(doc).encode())
    assert r.status_code == 422
    assert [e["line"] for e in r.json()["error"]["details"]["errors"]] == [2, 3, 4]
    doc["features"] = doc["features"][:1]
    r = sup.post("/api/v1/works/permits/import?format=geojson", content=json.dumps(doc).encode())
    assert r.json()["created"] == 1
