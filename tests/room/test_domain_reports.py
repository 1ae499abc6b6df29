"""The transport, intersections, works and cleaning sections in the shift report PDF, read back and compared
with their /api/v1/stats figures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from backend.stats.periods import CITY_TZ, day_start
from tests.room.domain_factories import cleaning_city, signals_city, transit_city, works_city
from tests.room.test_reports import figure, make_report, pdf_text

UTC = timezone.utc


def test_the_four_domains_sections_are_in_the_report_with_the_apis_figures(api, backend):
    now = datetime.now(UTC)
    today = now.astimezone(CITY_TZ).date()
    transit_city(backend)
    signals_city(backend, now)
    works_city(backend, now, today)
    cleaning_city(backend, today, day_start(now))
    sup = api("supervisor")
    start, end = now - timedelta(hours=6), now + timedelta(minutes=1)
    rep = make_report(sup, {"period": "custom", "from": start.isoformat(), "to": end.isoformat()})
    text, _ = pdf_text(sup, rep["id"])
    span = {"from": start.isoformat(), "to": end.isoformat()}

    for title in ("Общественный транспорт", "Светофорные объекты", "Земляные работы", "Уборка улиц"):
        assert title in text
    # After the incidents (registry order), each section once under its own heading.
    assert text.index("Происшествия") < min(text.index(t) for t in ("Светофорные объекты", "Земляные работы",
                                                                     "Уборка улиц"))

    transit = sup.get("/api/v1/stats/transit").json()
    assert figure(text, "Автобусов по расписанию") == f"{transit['on_time'] * 100:.1f}" == "50.0"
    assert figure(text, "Табло не отвечают") == str(transit["boards_down"]) == "1"
    assert "Площадь Коммунаров" in text

    sig_now = sup.get("/api/v1/stats/signals").json()
    sig = sup.get("/api/v1/stats/signals/period", params=span).json()
    assert figure(text, "Неисправностей за период") == str(sig["opened"]) == "4"
    assert figure(text, "Перекрёстков в неисправности сейчас") == str(sig_now["in_fault"]) == "2"
    assert "Курчатова × Школьная" in text and "жёлтое мигание" in text and "координированный — 1" in text

    works = sup.get("/api/v1/stats/works").json()
    assert figure(text, "Открытых раскопок без разрешения") == str(works["open_without_permit"]) == "2"
    assert figure(text, "Просрочено восстановление") == str(works["restoration_overdue"]) == "2"
    assert "ЗР-1" in text and "ул. Раскопочная, np1" in text

    cleaning = sup.get("/api/v1/stats/cleaning").json()
    cl_period = sup.get("/api/v1/stats/cleaning/period", params=span).json()
    assert figure(text, "Пропущено участков сегодня") == str(cleaning["missed_today"]) == "3"
    assert figure(text, "Пропущено участков за период") == str(cl_period["missed"])
