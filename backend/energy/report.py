"""Energy's part of the shift report: the alarms of the period and the buildings still in alarm."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.energy import stats
from backend.reports.fmt import SEVERITY_RU, when
from backend_client.schemas.reports import Chart, ChartSeries, KeyFigure, Period, ReportSection, Table

TYPE_RU = {"over_baseline": "перерасход", "night_use": "расход ночью", "water_leak": "утечка воды",
           "silent_meter": "счётчик молчит"}
STATE_RU = {"active_unack": "активна", "active_ack": "принята", "cleared": "снята"}


def section(session: Session, period: Period) -> ReportSection:
    f = stats.period(session, start=period.start, end=period.end)
    now = stats.live(session)
    charts = []
    if f.by_type:
        charts.append(Chart(title="Тревоги по видам", labels=[TYPE_RU.get(g.key, g.key) for g in f.by_type],
                            series=[ChartSeries(name="Тревог", values=[float(g.count) for g in f.by_type])]))
    return ReportSection(
        key="energy", title="Энергопотребление",
        figures=[KeyFigure(label="Тревог за период", value=f.raised),
                 *[KeyFigure(label=f"Тревог: {SEVERITY_RU.get(g.key, g.key)}", value=g.count) for g in f.by_severity],
                 KeyFigure(label="Активных тревог сейчас", value=now.active_alarms)],
        charts=charts,
        tables=[Table(title="Тревоги за период", columns=["Время", "Здание", "Счётчик", "Вид", "Важность", "Состояние"],
                      rows=[[when(a.raised_at), a.site, a.device, TYPE_RU.get(a.type, a.type),
                             SEVERITY_RU.get(a.severity, a.severity), STATE_RU.get(a.state, a.state)]
                            for a in f.alarms], widths=[1.3, 2.4, 1.3, 1.3, 1.2, 1]),
                Table(title="Здания в тревоге сейчас", columns=["Здание", "Тревог", "Наибольшая важность"],
                      rows=[[b.site, b.alarms, SEVERITY_RU.get(b.worst, b.worst)] for b in now.buildings_in_alarm],
                      widths=[3, 1, 1.5])])
