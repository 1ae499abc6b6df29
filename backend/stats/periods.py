"""The city's days, weeks and shifts as UTC instants (Kurchatov keeps UTC+3 all year)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from backend.citytime import CITY_UTC_OFFSET_MS

CITY_TZ = timezone(timedelta(milliseconds=CITY_UTC_OFFSET_MS), "MSK")
MAX_PERIOD = timedelta(days=31)


def local(t: datetime) -> datetime:
    return t.astimezone(CITY_TZ)


def day_start(now: datetime) -> datetime:
    n = local(now)
    return n.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def week_start(now: datetime) -> datetime:
    """Monday 00:00 of the city's week."""
    d = day_start(now)
    return d - timedelta(days=local(d).weekday())


def parse_changes(text: str) -> list[int]:
    """"08:00,20:00" → minutes after local midnight, sorted; shifts run from one change to the next."""
    out = []
    for part in text.split(","):
        hh, _, mm = part.strip().partition(":")
        try:
            minutes = int(hh) * 60 + int(mm or 0)
        except ValueError:
            raise ValueError(f"shift changes are local times like 08:00,20:00, not {text!r}") from None
        if not 0 <= minutes < 24 * 60:
            raise ValueError(f"a shift change {part.strip()!r} is not a time of day")
        out.append(minutes)
    if not out:
        raise ValueError("at least one shift change time is needed")
    return sorted(set(out))


def shift_bounds(now: datetime, changes: list[int]) -> tuple[datetime, datetime]:
    """The shift that holds `now`: from the last change at or before it to the next one."""
    midnight = local(now).replace(hour=0, minute=0, second=0, microsecond=0)
    marks = [midnight + timedelta(days=d, minutes=m) for d in (-1, 0, 1) for m in changes]
    n = local(now)
    start = max(m for m in marks if m <= n)
    end = min(m for m in marks if m > n)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def as_utc(t: datetime) -> datetime:
    """A time without a zone is taken as UTC, like the incident lists do."""
    return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)
