"""Shared query parameters with documented caps (issue 18, #7): a time range and a page.

    def timeline(window: TimeRange, page: Paging): ...

A range must be ordered and span at most MAX_RANGE_DAYS; a page holds at most MAX_PAGE rows.
Beyond either, the request is refused (400 / 422) before it costs anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query

from backend.errors import BadRequest
from backend_client.schemas.common import MAX_PAGE, MAX_RANGE_DAYS, UtcDateTime, check_range


@dataclass(frozen=True)
class Range:
    start: datetime
    end: datetime


def _time_range(start: Annotated[UtcDateTime, Query(description="with a zone")],
                end: Annotated[UtcDateTime, Query(description=f"after start, at most {MAX_RANGE_DAYS} days later")]
                ) -> Range:
    try:
        check_range(start, end)
    except ValueError as exc:
        raise BadRequest(f"start…end: {exc}", max_days=MAX_RANGE_DAYS) from None
    return Range(start, end)


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int


def _page(offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
          limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> Page:
    return Page(offset, limit)


TimeRange = Annotated[Range, Depends(_time_range)]
Paging = Annotated[Page, Depends(_page)]
