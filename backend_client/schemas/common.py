from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

T = TypeVar("T")


class WireModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable error code; clients translate the error by it and `details`")
    message: str = Field(description="The error in English, for people and for clients that do not translate")
    details: dict[str, Any] = Field({}, description="The values the message is made of (what, id, ...)")


class ErrorBody(BaseModel):
    error: ErrorDetail


class Page(WireModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


class Health(BaseModel):
    status: str
    version: str
    database: str
    time: str


# Edge types (issue 18, finding 11): every id, time, range and text that comes in is checked
# here, once, so nothing out of range reaches Python arithmetic or the database. Domains use
# them in their wire schemas (bodies) and as path/query parameters.
MAX_DB_INT = 2**63 - 1  # PostgreSQL BIGINT and SQLite INTEGER; ids of every table fit
MIN_YEAR, MAX_YEAR = 1900, 2200  # outside this no city record exists; far from datetime's limits
MAX_RANGE_DAYS = 366  # the widest time range one request may ask for (item 7)
MAX_PAGE = 1000  # the most rows one list request returns (item 7)


def _sane_time(v: datetime) -> datetime:
    if v.tzinfo is None or v.utcoffset() is None:
        raise ValueError("needs a time zone, e.g. 2026-11-27T10:00:00Z or +03:00")
    if not MIN_YEAR <= v.year <= MAX_YEAR:
        raise ValueError(f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    return v.astimezone(timezone.utc)


def _clean_text(v: str) -> str:
    if _CONTROL.search(v):
        raise ValueError("must not contain NUL or other control characters")
    return v


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, newline and CR are text

# Bodies: strict, so true/false and 1.5 are not ids. Paths and queries arrive as text, so their
# variant parses digits (ASCII only: pydantic refuses other scripts' digits) with the same bounds.
Id = Annotated[int, Field(ge=1, le=MAX_DB_INT, strict=True)]
Count = Annotated[int, Field(ge=0, le=MAX_DB_INT, strict=True)]
IdParam = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
UtcDateTime = Annotated[datetime, AfterValidator(_sane_time)]
Text = Annotated[str, AfterValidator(_clean_text)]


def text(max_length: int, min_length: int = 0) -> Any:
    """A bounded Text: `name: text(64)`."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_clean_text)]


# Epoch milliseconds within the sane years (the energy API takes them beside ISO times).
EPOCH_MS_MIN = int(datetime(MIN_YEAR, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
EPOCH_MS_MAX = int(datetime(MAX_YEAR, 12, 31, tzinfo=timezone.utc).timestamp() * 1000)
EpochMs = Annotated[int, Field(ge=EPOCH_MS_MIN, le=EPOCH_MS_MAX)]


def check_range(start: datetime, end: datetime, *, max_days: int = MAX_RANGE_DAYS) -> None:
    """Raise ValueError unless start < end and the range spans at most `max_days`."""
    if end <= start:
        raise ValueError("end must be after start")
    if end - start > timedelta(days=max_days):
        raise ValueError(f"the range may span at most {max_days} days")
