"""The archive's part of the shift report (from the audit trail): who looked at or exported archive video, and why."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.audit import stats
from backend.reports.fmt import when
from backend_client.schemas.reports import KeyFigure, Period, ReportSection, Table

ACTION_RU = {stats.VIEW: "просмотр", stats.EXPORT: "выгрузка", stats.DOWNLOAD: "скачивание выгрузки"}


def section(session: Session, period: Period) -> ReportSection:
    f = stats.period(session, start=period.start, end=period.end)
    return ReportSection(
        key="archive", title="Видеоархив: просмотры и выгрузки",
        figures=[KeyFigure(label="Просмотров архива", value=f.views), KeyFigure(label="Выгрузок", value=f.exports),
                 KeyFigure(label="Скачиваний выгрузок", value=f.downloads)],
        tables=[Table(title="Кто и зачем", columns=["Время", "Кто", "Действие", "Камера", "Причина"],
                      rows=[[when(e.at), e.username, ACTION_RU.get(e.action, e.action), e.target, e.reason or "—"]
                            for e in f.entries], widths=[1.3, 1.1, 1.4, 1.1, 3.5])])
