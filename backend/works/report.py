"""Works' part of the shift report: digs checked in the period by verdict, the open ones without a permit,
and the permits whose surface restoration is overdue."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.reports.fmt import duration, when
from backend.works import stats
from backend_client.schemas.reports import KeyFigure, Period, ReportSection, Table

VERDICT_RU = {"legal": "законно", "outside_hours": "вне разрешённых часов", "licence_expired": "лицензия истекла",
              "expired": "разрешение истекло", "suspended": "разрешение приостановлено", "no_permit": "без разрешения"}


def section(session: Session, period: Period) -> ReportSection:
    f = stats.period(session, start=period.start, end=period.end)
    now = stats.live(session)
    return ReportSection(
        key="works", title="Земляные работы",
        figures=[KeyFigure(label="Раскопок проверено за период", value=f.checked),
                 *[KeyFigure(label=f"Проверено: {VERDICT_RU.get(g.key, g.key)}", value=g.count)
                   for g in f.checked_by_verdict],
                 KeyFigure(label="Открытых раскопок без разрешения", value=now.open_without_permit),
                 KeyFigure(label="Просрочено восстановление", value=now.restoration_overdue)],
        tables=[Table(title="Раскопки без разрешения (открытые)", columns=["Номер", "Адрес", "Проверено", "Длится"],
                      rows=[[r.number, r.address or "—", when(r.checked_at), duration(r.age_minutes)]
                            for r in now.without_permit], widths=[1.2, 3, 1.4, 1]),
                Table(title="Просроченное восстановление благоустройства",
                      columns=["Разрешение", "Подрядчик", "Адрес", "Восстановить до", "Просрочка, дн"],
                      rows=[[r.number, r.contractor, r.address or "—", r.restore_by.strftime("%d.%m.%Y"),
                             r.days_overdue] for r in now.overdue], widths=[1.3, 2, 2.5, 1.3, 1])])
