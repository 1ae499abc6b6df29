"""Public cleaning outputs: a section's iCalendar feed parsed back by the icalendar library (its
recurrences expanded equal the schedule), and the nearest sections without login."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil import rrule
from icalendar import Calendar

from backend.cleaning.schedule import CITY_TZ, windows
from backend.works import geo
from backend_client.schemas.cleaning import ScheduleRule
from tests.cleaning.factories import section

RULES = [{"pattern": "monthly_nth", "weekdays": ["TU"], "nth": [2, 4], "start": "11:00", "end": "13:00",
          "season_from": "04-01", "season_to": "11-30"},
         {"pattern": "odd_dates", "start": "22:00", "end": "24:00", "season_from": "11-15", "season_to": "03-31"}]


def _expand(cal: Calendar, first: date, last: date) -> list[tuple[datetime, datetime]]:
    """Every occurrence of the feed's events in first…last, the way a calendar app expands them."""
    out = []
    lo = datetime.combine(first, datetime.min.time(), CITY_TZ)
    hi = datetime.combine(last + timedelta(days=1), datetime.min.time(), CITY_TZ)
    for ev in cal.walk("VEVENT"):
        start, end = ev.decoded("dtstart"), ev.decoded("dtend")
        rule = rrule.rrulestr(ev["rrule"].to_ical().decode(), dtstart=start)
        for occ in rule.between(lo, hi, inc=True):
            out.append((occ.astimezone(CITY_TZ), (occ + (end - start)).astimezone(CITY_TZ)))
    return sorted(out)


def test_ical_feed_parses_back_and_expands_to_the_schedule(api):
    sup, anon = api("supervisor"), api()
    sid = sup.post("/api/v1/cleaning/sections", json=section("ICS", (0, 0), (300, 0), rules=RULES)).json()["id"]
    r = anon.get(f"/public/cleaning/{sid}.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    assert str(cal["version"]) == "2.0" and cal.walk("VTIMEZONE")
    events = cal.walk("VEVENT")
    assert events and all(str(e["summary"]).startswith("Подметание: Участок ICS") for e in events)
    assert len({str(e["uid"]) for e in events}) == len(events)
    today = datetime.now(CITY_TZ).date()
    first, last = date(today.year, 1, 1), date(today.year + 1, 3, 31)
    expected = windows([ScheduleRule(**r) for r in RULES], first, last)
    got = _expand(cal, first, last)
    assert got == expected
    assert anon.get("/public/cleaning/999999.ics").status_code == 404


def test_nearest_sections_without_login(api):
    sup, anon = api("supervisor"), api()
    sup.post("/api/v1/cleaning/sections", json=section("NEAR", (0, 0), (300, 0), rules=RULES))
    sup.post("/api/v1/cleaning/sections", json=section("FAR", (0, 2000), (300, 2000), rules=RULES))
    lon, lat = geo.to_lonlat(150, 40)
    r = anon.get("/public/cleaning/schedule", params={"lat": lat, "lon": lon})
    assert r.status_code == 200, r.text
    got = r.json()
    assert [s["name"] for s in got] == ["Участок NEAR"] and round(got[0]["distance_m"]) == 40
    assert len(got[0]["next_windows"]) == 3 and got[0]["calendar"].endswith(".ics")
    assert "blagoustroystvo" not in r.text
    assert anon.get("/public/cleaning/schedule", params={"lat": "x", "lon": lon}).status_code == 422
