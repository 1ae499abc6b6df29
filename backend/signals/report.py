"""Signals' part of the shift report: the period's controller faults and the intersections still in fault."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.reports.fmt import duration, when
from backend.signals import stats
from backend_client.schemas.reports import Chart, ChartSeries, KeyFigure, Period, ReportSection, Table

MODE_RU = {"coordinated": "координированный", "free": "свободный", "manual": "ручной", "flash": "жёлтое мигание",
           "offline": "нет связи", "unknown": "неизвестно"}
KIND_RU = {"flash": "жёлтое мигание", "comm_lost": "нет связи", "detector_stuck_on": "детектор залип (занят)",
           "detector_stuck_off": "детектор молчит", "max_outs": "частые max-out", "split_failures": "частые недоезды"}


def _kinds(text: str) -> str:
    return ", ".join(KIND_RU.get(k.strip(), k.strip()) for k in text.split(",") if k.strip())


def section(session: Session, period: Period) -> ReportSection:
    f = stats.period(session, start=period.start, end=period.end)
    now = stats.live(session)
    charts = []
    if f.opened_by_kind:
        charts.append(Chart(title="Неисправности светофоров по видам",
                            labels=[KIND_RU.get(g.key, g.key) for g in f.opened_by_kind],
                            series=[ChartSeries(name="Открыто", values=[float(g.count) for g in f.opened_by_kind])]))
    return ReportSection(
        key="signals", title="Светофорные объекты",
        figures=[KeyFigure(label="Неисправностей за период", value=f.opened),
                 KeyFigure(label="Устранено за период", value=f.closed),
                 KeyFigure(label="Перекрёстков в неисправности сейчас", value=now.in_fault),
                 *[KeyFigure(label=f"Сейчас: {KIND_RU.get(g.key, g.key)}", value=g.count)
                   for g in now.in_fault_by_kind]],
        notes=["Режимы перекрёстков сейчас: " + (", ".join(f"{MODE_RU.get(g.key, g.key)} — {g.count}"
                                                          for g in now.by_mode) or "—") + "."],
        charts=charts,
        tables=[Table(title="Неисправности за период", columns=["Открыта", "Устранена", "Перекрёсток", "Вид", "Подробно"],
                      rows=[[when(r.opened_at), when(r.closed_at) if r.closed_at else "—", r.name,
                             KIND_RU.get(r.kind, r.kind), r.detail or "—"] for r in f.faults],
                      widths=[1.3, 1.3, 2.2, 1.5, 2.5]),
                Table(title="Перекрёстки в неисправности сейчас", columns=["Перекрёсток", "Неисправности", "Длится"],
                      rows=[[r.name, _kinds(r.kinds), duration(r.age_minutes)] for r in now.in_fault_list],
                      widths=[2.5, 3, 1])])
