"""The shift report: made in the background, its PDF read back and compared with the API's figures."""

from __future__ import annotations

import io
import time
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from backend.stats.periods import CITY_TZ
from tests.room.factories import add_incident, add_service

UTC = timezone.utc


def make_report(c, body: dict, timeout: float = 60) -> dict:
    r = c.post("/api/v1/reports", json=body)
    assert r.status_code == 202, r.text
    rid = r.json()["id"]
    deadline = time.monotonic() + timeout
    while True:
        rep = c.get(f"/api/v1/reports/{rid}").json()
        if rep["status"] in ("done", "failed"):
            assert rep["status"] == "done", rep["error"]
            return rep
        assert time.monotonic() < deadline, rep
        time.sleep(0.1)


def pdf_text(c, rid: int) -> str:
    r = c.get(f"/api/v1/reports/{rid}/file")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    return "\n".join(p.extract_text() for p in reader.pages), len(reader.pages)


def figure(text: str, label: str) -> str:
    """The value printed under a key figure's label."""
    lines = [ln.strip() for ln in text.splitlines()]
    for i, ln in enumerate(lines):
        if ln.startswith(label):
            rest = ln[len(label):].strip()
            return rest.split()[0] if rest else lines[i + 1].split()[0]
    raise AssertionError(f"{label!r} not in the PDF")


def test_report_across_a_city_day_boundary_matches_the_api(api, backend):
    svc = add_service(backend)
    # 21:00 UTC is local midnight: the period 20:00 → 08:00 MSK spans the city's day boundary.
    start = datetime(2026, 3, 9, 20, 0, tzinfo=CITY_TZ)
    end = start + timedelta(hours=12)
    h = timedelta(hours=1)
    s_utc = start.astimezone(UTC)
    add_incident(backend, created=s_utc + 1 * h, resolved=s_utc + 3 * h, assignee=svc, priority="critical",
                 address="ул. Молодёжная, 5", comment="Аварийная бригада заменила опору")
    add_incident(backend, created=s_utc + 5 * h, resolved=s_utc + 6 * h, category="utilities")  # after midnight
    add_incident(backend, created=s_utc + 6 * h, category="waste", priority="low")
    add_incident(backend, created=s_utc - 2 * h, resolved=s_utc + 2 * h)  # opened before, resolved in
    add_incident(backend, created=s_utc + 13 * h)  # after
    for i in range(70):  # enough critical rows for the list to break across pages
        add_incident(backend, created=s_utc + 7 * h + timedelta(minutes=i), priority="critical",
                     address=f"ул. Ленина, {i + 1}", comment="Принято в работу, сообщено в ЕДДС")
    sup = api("supervisor")
    body = {"period": "custom", "from": start.replace(tzinfo=None).isoformat(),  # no zone: the city's time
            "to": end.replace(tzinfo=None).isoformat()}
    rep = make_report(sup, body)
    assert rep["period"]["start"].startswith("2026-03-09T17:00") and rep["period"]["end"].startswith("2026-03-10T05:00")
    text, pages = pdf_text(sup, rep["id"])
    api_fig = sup.get("/api/v1/stats/incidents/period", params={"from": start.isoformat(), "to": end.isoformat()}).json()
    assert api_fig["opened"] == 73 and api_fig["resolved"] == 3
    assert figure(text, "Открыто за период") == str(api_fig["opened"])
    assert figure(text, "Решено за период") == str(api_fig["resolved"])
    assert figure(text, "Просрочено") == str(api_fig["overdue"])
    # Resolved after 120, 60 and 240 minutes: the median is 2 h.
    assert api_fig["median_resolution_minutes"] == pytest.approx(120, abs=0.1)
    assert "Медиана времени решения" in text and "2 ч 00 мин" in text
    # Cyrillic comes back as Cyrillic, the header names the city and the period, pages are numbered.
    assert "Курчатов" in text and "09.03.2026 20:00 — 10.03.2026 08:00" in text
    assert "Аварийная бригада заменила опору" in text and "Горсвет" in text
    assert f"Страница {pages} из {pages}" in text and pages >= 2
    assert "Составил: supervisor" in text
    # The spreadsheet carries the same figures.
    r = sup.get(f"/api/v1/reports/{rep['id']}/file", params={"format": "xlsx"})
    wb = load_workbook(io.BytesIO(r.content))
    values = {row[0]: row[1] for row in wb["Сводка"].iter_rows(values_only=True) if row and row[0]}
    assert values["Открыто за период"] == api_fig["opened"] and values["Решено за период"] == api_fig["resolved"]


def test_empty_period_still_makes_a_report(api):
    sup = api("supervisor")
    rep = make_report(sup, {"period": "custom", "from": "2020-01-01T00:00:00+03:00", "to": "2020-01-02T00:00:00+03:00"})
    text, pages = pdf_text(sup, rep["id"])
    assert figure(text, "Открыто за период") == "0" and "Нет данных за период." in text
    assert pages >= 1 and rep["pdf_size"] > 1000 and rep["xlsx_size"] > 1000


def test_reports_are_for_supervisors_and_audited(api):
    disp, sup = api("dispatcher"), api("supervisor")
    assert disp.post("/api/v1/reports", json={"period": "shift"}).status_code == 403
    assert disp.get("/api/v1/reports").status_code == 403
    rep = make_report(sup, {"period": "shift"})
    assert rep["period"]["kind"] == "shift"
    assert disp.get(f"/api/v1/reports/{rep['id']}/file").status_code == 403
    assert sup.get(f"/api/v1/reports/{rep['id']}/file").status_code == 200
    listed = sup.get("/api/v1/reports").json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == rep["id"]
    audit = sup.get("/api/v1/audit", params={"target": f"report:{rep['id']}"}).json()["items"]
    assert sorted(e["action"] for e in audit) == ["report.create", "report.download"]
    assert all(e["username"] == "supervisor" for e in audit)
    # Bad input is a clear 4xx.
    assert sup.post("/api/v1/reports", json={"period": "custom", "from": "2026-01-02T00:00:00"}).status_code == 400
    assert sup.post("/api/v1/reports", json={"period": "month"}).status_code == 422
    assert sup.get("/api/v1/reports/999999").status_code == 404
    assert sup.get(f"/api/v1/reports/{rep['id']}/file", params={"format": "doc"}).status_code == 422


def test_a_report_that_cannot_be_made_says_why(api, monkeypatch):
    from backend.reports import pdf

    monkeypatch.setattr(pdf, "FONT_DIRS", ())
    monkeypatch.setattr(pdf.pdfmetrics, "getRegisteredFontNames", lambda: [])
    sup = api("supervisor")
    rid = sup.post("/api/v1/reports", json={"period": "day"}).json()["id"]
    deadline = time.monotonic() + 30
    while (rep := sup.get(f"/api/v1/reports/{rid}").json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert rep["status"] == "failed" and "fonts-dejavu-core" in rep["error"]
    r = sup.get(f"/api/v1/reports/{rid}/file")
    assert r.status_code == 409 and "failed" in r.json()["error"]["message"]
