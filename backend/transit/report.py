"""Transit's part of the shift report: the buses on time and the silent stop boards when it is made, and the
stops the buses served in the period."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.reports.fmt import when
from backend.transit import models as m
from backend.transit import stats
from backend_client.schemas.reports import Chart, ChartSeries, KeyFigure, Period, ReportSection, Table

FAULT_RU = {"board_silent": "табло не отвечает", "not_reporting": "автобус не выходит на связь",
            "off_route": "автобус сошёл с маршрута", "bunching": "автобусы идут пачкой",
            "trip_not_started": "рейс не вышел"}


def section(session: Session, period: Period) -> ReportSection:
    f = stats.live_figures(session)
    start_ms, end_ms = int(period.start.timestamp() * 1000), int(period.end.timestamp() * 1000)
    served = session.scalar(select(func.count()).select_from(m.StopEvent)
                            .where(m.StopEvent.arr_ts >= start_ms, m.StopEvent.arr_ts < end_ms)) or 0
    charts = []
    if f.by_route:
        charts.append(Chart(title="Автобусы по маршрутам сейчас", labels=[r.short_name for r in f.by_route],
                            series=[ChartSeries(name="На линии", values=[float(r.buses) for r in f.by_route]),
                                    ChartSeries(name="По расписанию", values=[float(r.on_time) for r in f.by_route])]))
    share = f"{f.on_time * 100:.1f} %" if f.on_time is not None else "—"
    return ReportSection(
        key="transit", title="Общественный транспорт",
        figures=[KeyFigure(label="Автобусов по расписанию", value=share),
                 KeyFigure(label="Автобусов на рейсах", value=f.buses_on_trip),
                 KeyFigure(label="Табло не отвечают", value=f.boards_down),
                 KeyFigure(label="Остановок обслужено за период", value=served)],
        charts=charts,
        tables=[Table(title="Маршруты сейчас", columns=["Маршрут", "На рейсах", "По расписанию"],
                      rows=[[r.short_name, r.buses, r.on_time] for r in f.by_route], widths=[2, 1, 1]),
                Table(title="Табло, не выходящие на связь", columns=["Остановка", "Последняя связь", "Молчит, мин"],
                      rows=[[b.name, when(b.last_seen_at) if b.last_seen_at else "—", b.silent_minutes]
                            for b in f.boards_down_list], widths=[3, 1.5, 1]),
                Table(title="Открытые неисправности", columns=["Вид", "Сколько"],
                      rows=[[FAULT_RU.get(g.key, g.key), g.count] for g in f.faults_by_kind], widths=[3, 1])],
        notes=[f"По расписанию — автобус на рейсе не раньше чем на {stats.EARLY_LIMIT_S // 60} мин и не позже чем "
               f"на {stats.LATE_LIMIT_S // 60} мин; доля и табло — на момент составления отчёта."])
