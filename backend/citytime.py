"""The city's clock: Kurchatov keeps Moscow time (UTC+3, no DST); epoch-millisecond helpers."""

from __future__ import annotations

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
CITY_UTC_OFFSET_MS = 3 * HOUR_MS


def local_day_start(ts_ms: int) -> int:
    """Epoch ms of the start of the city's local day that holds ts_ms (daily rollups use these days)."""
    return (ts_ms + CITY_UTC_OFFSET_MS) // DAY_MS * DAY_MS - CITY_UTC_OFFSET_MS
