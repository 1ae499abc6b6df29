"""The shift report: what is asked for, its state, and the sections every domain contributes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PERIOD_KINDS = ("shift", "day", "week", "custom")
REPORT_STATES = ("queued", "running", "done", "failed")


class Period(BaseModel):
    """[start, end) in UTC; `kind` says how it was chosen."""

    kind: str = "custom"
    start: datetime
    end: datetime


class KeyFigure(BaseModel):
    label: str
    value: int | float | str | None
    unit: str = ""


class Table(BaseModel):
    title: str
    columns: list[str]
    rows: list[list[int | float | str | None]]
    # Relative column widths for the PDF; None shares the page equally.
    widths: list[float] | None = None


class ChartSeries(BaseModel):
    name: str
    values: list[float]


class Chart(BaseModel):
    title: str
    kind: Literal["bar", "line"] = "bar"
    labels: list[str]
    series: list[ChartSeries]


class ReportSection(BaseModel):
    """One domain's part of the report; the PDF and xlsx writers render any of these alike."""

    key: str
    title: str
    figures: list[KeyFigure] = []
    charts: list[Chart] = []
    tables: list[Table] = []
    notes: list[str] = []


class ReportCreate(BaseModel):
    """A shift, a local day or a week ending now, or an explicit from/to (the city's times)."""

    model_config = ConfigDict(populate_by_name=True)

    period: Literal["shift", "day", "week", "custom"] = "shift"
    start: datetime | None = Field(None, alias="from")
    end: datetime | None = Field(None, alias="to")


class ReportOut(BaseModel):
    id: int
    status: str
    progress: float
    period: Period
    created_by: str
    created_at: datetime
    finished_at: datetime | None
    error: str | None
    pdf_size: int | None
    xlsx_size: int | None
