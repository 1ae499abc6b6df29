"""SQL pieces the domains' figures share: durations and medians that run on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, bindparam, cast, func, select
from sqlalchemy.sql import Subquery

from backend.db import UTCDateTime


def at(name: str) -> Any:
    """A bound UTC time (stored naive on SQLite, timestamptz on PostgreSQL)."""
    return bindparam(name, type_=UTCDateTime())


def seconds_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[float]:
    if dialect == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return cast(func.extract("epoch", later - earlier), Float)


def bucket(dialect: str, ts: Any, start: Any, width_s: int) -> ColumnElement[int]:
    """Which width_s-long bucket after `start` the time `ts` falls in (0, 1, ...)."""
    # julianday() differences are off by microseconds: a time exactly on a bucket's edge must not fall back.
    return cast(func.floor(seconds_between(dialect, ts, start) / width_s + 1e-7), Integer)


def median(values: Subquery, column: str = "d", by: str | None = None):
    """SELECT [by,] median(column): the middle row (or the two middle ones) by ROW_NUMBER over COUNT."""
    d = values.c[column]
    part = [values.c[by]] if by else None
    ranked = select(*( [values.c[by]] if by else []), d.label("d"),
                    func.row_number().over(partition_by=part, order_by=d).label("rn"),
                    func.count().over(partition_by=part).label("n")).subquery()
    middle = ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    q = select(*([ranked.c[by]] if by else []), func.avg(ranked.c.d)).where(middle)
    return q.group_by(ranked.c[by]) if by else q
