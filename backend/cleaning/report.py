"""Cleaning's part of the shift report: the section windows missed in the period, by service."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.cleaning import stats
from backend.incidents.models import CityService
from backend.reports.fmt import when
from backend_client.schemas.incidents import incident_number
from backend_client.schemas.reports import Chart, ChartSeries, KeyFigure, Period, ReportSection, Table


def section(session: Session, period: Period) -> ReportSection:
    f = stats.period(session, start=period.start, end=period.end)
    now = stats.live(session)
    # Sections name their service by its code; the report says the service's name where it is registered.
    names = dict(session.execute(select(CityService.code, CityService.name)).all())
    charts = []
    if f.missed_by_service:
        charts.append(Chart(title="Пропущенные участки по службам",
                            labels=[names.get(g.key, g.key) for g in f.missed_by_service],
                            series=[ChartSeries(name="Пропущено",
                                                values=[float(g.count) for g in f.missed_by_service])]))
    return ReportSection(
        key="cleaning", title="Уборка улиц",
        figures=[KeyFigure(label="Пропущено участков за период", value=f.missed),
                 KeyFigure(label="Пропущено участков сегодня", value=now.missed_today),
                 KeyFigure(label="Участков в плане уборки", value=now.sections_active)],
        charts=charts,
        tables=[Table(title="Пропущенные участки", columns=["Окно", "Участок", "Служба", "Убрано", "Происшествие"],
                      rows=[[when(r.window_start), f"{r.code} {r.name}", names.get(r.service, r.service), f"{r.share * 100:.0f} %",
                             incident_number(r.incident_id) if r.incident_id else "—"] for r in f.rows],
                      widths=[1.3, 3, 1.5, 0.9, 1.3])])
