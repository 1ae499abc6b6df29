"""Schedules as recurrence rules: dateutil's rrule gives the days, the season and the window the hours.

A rule is kept as a ScheduleRule (JSON) and turned into an RFC 5545 rule here, so the same rule
drives coverage, the API and the residents' iCalendar feed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from dateutil import rrule

from backend_client.schemas.cleaning import ScheduleRule

CITY_TZ = timezone(timedelta(hours=3))  # Kurchatov keeps Moscow time, no DST
_DAYS = {"MO": rrule.MO, "TU": rrule.TU, "WE": rrule.WE, "TH": rrule.TH, "FR": rrule.FR, "SA": rrule.SA,
         "SU": rrule.SU}
ODD = tuple(range(1, 32, 2))
EVEN = tuple(range(2, 31, 2))


def recurrence(rule: ScheduleRule, dtstart: datetime, until: datetime | None = None) -> rrule.rrule:
    """The days of a rule (each at the window's start) from dtstart, ignoring the season."""
    kw: dict = {"dtstart": dtstart, "until": until}
    if rule.pattern == "daily":
        return rrule.rrule(rrule.DAILY, **kw)
    if rule.pattern == "weekly":
        return rrule.rrule(rrule.WEEKLY, byweekday=[_DAYS[d] for d in rule.weekdays], **kw)
    if rule.pattern == "monthly_nth":
        return rrule.rrule(rrule.MONTHLY, byweekday=[_DAYS[d](n) for d in rule.weekdays for n in rule.nth], **kw)
    return rrule.rrule(rrule.DAILY, bymonthday=ODD if rule.pattern == "odd_dates" else EVEN, **kw)


def _hm(text: str) -> time | None:
    return None if text == "24:00" else time(int(text[:2]), int(text[3:]))


def in_season(rule: ScheduleRule, day: date) -> bool:
    md = f"{day:%m-%d}"
    if rule.season_from <= rule.season_to:
        return rule.season_from <= md <= rule.season_to
    return md >= rule.season_from or md <= rule.season_to  # a season across the new year


def window_on(rule: ScheduleRule, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, _hm(rule.start), CITY_TZ)
    end_t = _hm(rule.end)
    end = datetime.combine(day + timedelta(days=1), time(0), CITY_TZ) if end_t is None else \
        datetime.combine(day, end_t, CITY_TZ)
    return start, end


def windows(rules: list[ScheduleRule], first: date, last: date) -> list[tuple[datetime, datetime]]:
    """Every window of the rules whose day lies in first…last (city dates), in order."""
    out = set()
    for rule in rules:
        start_t = _hm(rule.start)
        dtstart = datetime.combine(first, start_t)  # naive city time: rrule counts calendar days
        until = datetime.combine(last, start_t)
        for occ in recurrence(rule, dtstart, until):
            if in_season(rule, occ.date()):
                out.add(window_on(rule, occ.date()))
    return sorted(out)


def windows_on(rules: list[ScheduleRule], day: date) -> list[tuple[datetime, datetime]]:
    return windows(rules, day, day)


def next_windows(rules: list[ScheduleRule], now: datetime, count: int = 3) -> list[tuple[datetime, datetime]]:
    today = now.astimezone(CITY_TZ).date()
    found = [w for w in windows(rules, today, today + timedelta(days=400)) if w[1] > now]
    return found[:count]


def parse_rules(raw: list) -> list[ScheduleRule]:
    return [ScheduleRule.model_validate(r) for r in raw]
