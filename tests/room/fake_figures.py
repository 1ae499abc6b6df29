"""A domain that only brings figures, the way transport will: one stats router and one report section,
declared once (loaded through SC_EXTRA_DOMAINS by tests/room/test_extension.py)."""

from __future__ import annotations

from fastapi import APIRouter

from backend.auth.deps import CurrentUser
from backend.domain import Domain
from backend_client.schemas.reports import KeyFigure, Period, ReportSection, Table

router = APIRouter(prefix="/api/v1/stats/buses", tags=["stats"])
FIGURES = {"on_time": 0.917, "boards_down": ["Остановка «Площадь Коммунаров»"]}


@router.get("", operation_id="stats_buses")
def buses(_: CurrentUser) -> dict:
    return FIGURES


def section(session, period: Period) -> ReportSection:
    return ReportSection(key="buses", title="Общественный транспорт",
                         figures=[KeyFigure(label="Рейсов вовремя", value="91,7 %")],
                         tables=[Table(title="Табло не работают", columns=["Остановка"],
                                       rows=[[b] for b in FIGURES["boards_down"]])])


DOMAIN = Domain(name="buses", stats=router, report_sections=(section,))
