"""The incidents' part of the shift report, from the same figures as /api/v1/stats/incidents/period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from backend.incidents import stats
from backend.reports.fmt import CATEGORY_RU, PRIORITY_RU, STATUS_RU, duration, share, when
from backend.stats.periods import local
from backend_client.schemas.reports import Chart, ChartSeries, KeyFigure, Period, ReportSection, Table


def section(session: Session, period: Period) -> ReportSection:
    f = stats.period(session, start=period.start, end=period.end)
    hours = f.opened_by_hour
    step = 1 if len(hours) <= 48 else 24  # a week reads better by day
    labels, values = [], []
    for i in range(0, len(hours), step):
        t = local(period.start) + timedelta(hours=i)
        labels.append(t.strftime("%H:%M") if step == 1 else t.strftime("%d.%m"))
        values.append(float(sum(hours[i:i + step])))
    charts = [Chart(title="Поступление обращений" + (" по часам" if step == 1 else " по дням"), kind="bar",
                    labels=labels, series=[ChartSeries(name="Открыто", values=values)])]
    if f.by_category:
        charts.append(Chart(title="Открыто по категориям", kind="bar",
                            labels=[CATEGORY_RU.get(g.key, g.key) for g in f.by_category],
                            series=[ChartSeries(name="Открыто", values=[float(g.count) for g in f.by_category])]))
    return ReportSection(
        key="incidents", title="Происшествия",
        figures=[KeyFigure(label="Открыто за период", value=f.opened),
                 KeyFigure(label="Решено за период", value=f.resolved),
                 KeyFigure(label="Просрочено", value=f.overdue),
                 KeyFigure(label="Соблюдение сроков", value=share(f.sla.compliance)),
                 KeyFigure(label="Сроков истекло", value=f.sla.due),
                 KeyFigure(label="Медиана времени решения", value=duration(f.median_resolution_minutes))],
        charts=charts,
        tables=[
            Table(title="По категориям", columns=["Категория", "Открыто"],
                  rows=[[CATEGORY_RU.get(g.key, g.key), g.count] for g in f.by_category], widths=[3, 1]),
            Table(title="По приоритетам", columns=["Приоритет", "Открыто"],
                  rows=[[PRIORITY_RU.get(g.key, g.key), g.count] for g in f.by_priority], widths=[3, 1]),
            Table(title="По службам", columns=["Служба", "Открыто", "Решено", "Медиана решения"],
                  rows=[[s.name or "не назначено", s.opened, s.resolved, duration(s.median_resolution_minutes)]
                        for s in f.by_service], widths=[3, 1, 1, 1.5]),
            Table(title="Критические происшествия", columns=["Номер", "Открыто", "Адрес", "Состояние", "Что сделано"],
                  rows=[[c.number, when(c.created_at), c.address or "—", STATUS_RU.get(c.status, c.status),
                         c.last_comment or f"смен состояния: {c.status_changes}"] for c in f.critical],
                  widths=[1.1, 1.4, 2.1, 1.3, 3.1]),
        ])
