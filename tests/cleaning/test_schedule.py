"""Recurring schedules: nth weekdays, odd/even dates across month ends, seasons and their boundaries."""

from __future__ import annotations

from datetime import date

from backend.cleaning.schedule import windows
from backend_client.schemas.cleaning import ScheduleRule
from tests.cleaning.factories import section


def _days(rule: dict, first: date, last: date) -> list[str]:
    return [f"{a:%Y-%m-%d %H:%M}-{b:%H:%M}" for a, b in windows([ScheduleRule(**rule)], first, last)]


def test_second_and_fourth_tuesday_in_season():
    rule = {"pattern": "monthly_nth", "weekdays": ["TU"], "nth": [2, 4], "start": "11:00", "end": "13:00",
            "season_from": "04-01", "season_to": "11-30"}
    got = _days(rule, date(2026, 3, 1), date(2026, 12, 31))
    assert got[:3] == ["2026-04-14 11:00-13:00", "2026-04-28 11:00-13:00", "2026-05-12 11:00-13:00"]
    assert got[-1] == "2026-11-24 11:00-13:00"  # nothing in March or December
    assert len(got) == 16


def test_odd_and_even_dates_across_month_ends():
    odd = _days({"pattern": "odd_dates", "start": "22:00", "end": "24:00"}, date(2026, 1, 29), date(2026, 3, 2))
    # 31 January and 1 February are both odd: two nights running; February has no 29th or 31st.
    assert [d[:10] for d in odd] == ["2026-01-29", "2026-01-31", "2026-02-01", "2026-02-03", "2026-02-05",
                                     "2026-02-07", "2026-02-09", "2026-02-11", "2026-02-13", "2026-02-15",
                                     "2026-02-17", "2026-02-19", "2026-02-21", "2026-02-23", "2026-02-25",
                                     "2026-02-27", "2026-03-01"]
    assert odd[0].endswith("22:00-00:00")
    even = _days({"pattern": "even_dates", "start": "00:00", "end": "06:00"}, date(2026, 2, 26), date(2026, 3, 4))
    assert [d[:10] for d in even] == ["2026-02-26", "2026-02-28", "2026-03-02", "2026-03-04"]
    # The last Friday of the month, whether the month has four Fridays or five.
    last = _days({"pattern": "monthly_nth", "weekdays": ["FR"], "nth": [-1], "start": "09:00", "end": "10:00"},
                 date(2026, 1, 1), date(2026, 3, 31))
    assert [d[:10] for d in last] == ["2026-01-30", "2026-02-27", "2026-03-27"]


def test_season_boundaries_and_a_season_across_the_new_year():
    summer = {"pattern": "daily", "start": "06:00", "end": "07:00", "season_from": "04-01", "season_to": "11-30"}
    assert [d[:10] for d in _days(summer, date(2026, 3, 30), date(2026, 4, 2))] == ["2026-04-01", "2026-04-02"]
    assert [d[:10] for d in _days(summer, date(2026, 11, 29), date(2026, 12, 2))] == ["2026-11-29", "2026-11-30"]
    snow = {"pattern": "weekly", "weekdays": ["MO"], "start": "05:00", "end": "09:00", "season_from": "11-15",
            "season_to": "03-31"}
    got = [d[:10] for d in _days(snow, date(2026, 11, 1), date(2027, 4, 30))]
    assert got[0] == "2026-11-16" and got[-1] == "2027-03-29" and "2027-01-04" in got
    assert not any(d.startswith("2027-04") for d in got)


def test_rules_are_validated_and_windows_come_from_the_api(api):
    sup = api("supervisor")
    bad = [{"pattern": "weekly", "start": "08:00", "end": "09:00"},
           {"pattern": "daily", "start": "12:00", "end": "11:00"},
           {"pattern": "monthly_nth", "weekdays": ["TU"], "nth": [7]},
           {"pattern": "daily", "season_from": "13-01"},
           {"pattern": "fortnightly"}]
    for rule in bad:
        r = sup.post("/api/v1/cleaning/sections", json=section("B", (0, 0), (100, 0), rules=[rule]))
        assert r.status_code == 422, rule
    assert api("dispatcher").post("/api/v1/cleaning/sections", json=section("D", (0, 0), (100, 0))).status_code == 403
    r = sup.post("/api/v1/cleaning/sections", json=section("T", (0, 0), (100, 0), rules=[
        {"pattern": "monthly_nth", "weekdays": ["TU"], "nth": [2, 4], "start": "11:00", "end": "13:00",
         "season_from": "04-01", "season_to": "11-30"}]))
    assert r.status_code == 201 and abs(r.json()["length_m"] - 100) < 0.5
    sid = r.json()["id"]
    got = sup.get(f"/api/v1/cleaning/sections/{sid}/windows", params={"from": "2026-11-01", "to": "2026-12-31"}).json()
    assert [w["start"] for w in got] == ["2026-11-10T11:00:00+03:00", "2026-11-24T11:00:00+03:00"]
    assert sup.get(f"/api/v1/cleaning/sections/{sid}/windows", params={"from": "2026-12-01", "to": "2026-01-01"}
                   ).status_code == 422
