"""A section's schedule as an iCalendar feed (RFC 5545) that phones' calendars subscribe to.

Each rule becomes one recurring event per season (DTSTART the season's first window, RRULE with
UNTIL at the season's end), in the city's zone Europe/Moscow, so calendars expand it themselves.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from backend.cleaning import schedule
from backend.cleaning.models import Section
from backend_client.schemas.cleaning import ScheduleRule

ZONE = ZoneInfo("Europe/Moscow")
KIND_RU = {"sweeping": "Подметание", "washing": "Мойка", "snow_clearing": "Уборка снега",
           "waste_collection": "Вывоз мусора"}
_NTH = {1: "1", 2: "2", 3: "3", 4: "4", 5: "5", -1: "-1"}


def _recur(rule: ScheduleRule, until: datetime) -> vRecur:
    r: dict = {"UNTIL": until.astimezone(timezone.utc)}
    if rule.pattern == "daily":
        r["FREQ"] = "DAILY"
    elif rule.pattern == "weekly":
        r["FREQ"], r["BYDAY"] = "WEEKLY", list(rule.weekdays)
    elif rule.pattern == "monthly_nth":
        r["FREQ"], r["BYDAY"] = "MONTHLY", [f"{_NTH[n]}{d}" for d in rule.weekdays for n in rule.nth]
    else:
        r["FREQ"] = "DAILY"
        r["BYMONTHDAY"] = list(schedule.ODD if rule.pattern == "odd_dates" else schedule.EVEN)
    return vRecur(r)


def _seasons(rule: ScheduleRule, years: range) -> list[tuple[date, date]]:
    out = []
    for y in years:
        m0, d0 = map(int, rule.season_from.split("-"))
        m1, d1 = map(int, rule.season_to.split("-"))
        end_year = y if rule.season_from <= rule.season_to else y + 1
        d1 = min(d1, 28) if (m1, d1) == (2, 29) else d1
        out.append((date(y, m0, d0), date(end_year, m1, d1)))
    return out


def section_calendar(section: Section, *, today: date) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Kurchatov situation center//street cleaning//RU")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{KIND_RU.get(section.kind, section.kind)}: {section.name}")
    cal.add("x-wr-timezone", "Europe/Moscow")
    for n, raw in enumerate(section.schedule):
        rule = ScheduleRule.model_validate(raw)
        for first, last in _seasons(rule, range(today.year - 1, today.year + 2)):
            found = schedule.windows([rule], first, last)
            if not found:
                continue
            start, end = found[0]
            last_start, _ = found[-1]
            ev = Event()
            ev.add("uid", f"section-{section.id}-rule-{n}-{first:%Y%m%d}@kurchatov.situation-center")
            ev.add("summary", f"{KIND_RU.get(section.kind, section.kind)}: {section.name}")
            ev.add("description", f"Участок {section.code}. Пожалуйста, не оставляйте машины на проезжей части.")
            ev.add("dtstart", start.astimezone(ZONE))
            ev.add("dtend", end.astimezone(ZONE))
            ev.add("dtstamp", datetime(today.year, today.month, today.day, tzinfo=timezone.utc))
            ev.add("rrule", _recur(rule, last_start + timedelta(seconds=1)))
            ev.add("transp", "TRANSPARENT")
            cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
