"""Coverage per section and window from fixes (HTTP and MQTT in), missed-section incidents once each,
and the answer a "not cleaned" complaint gets."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime

import paho.mqtt.client as mqtt
from sqlalchemy import func, select

from backend.cleaning.coverage import compute
from backend.cleaning.duty import CoverageWatch, on_incident
from backend.cleaning.ingest import FleetIngest
from backend.events.models import Event
from backend.incidents.models import Incident
from backend.works import geo
from tests.cleaning.factories import CITY, drive, section

DAY = datetime(2026, 6, 10, tzinfo=CITY)
MORNING = [{"pattern": "daily", "start": "08:00", "end": "12:00"}]
AFTERNOON = [{"pattern": "daily", "start": "14:00", "end": "16:00"}]


def _post(client, vehicle, fixes):
    r = client.post("/api/v1/cleaning/fixes", json=[{"vehicle": vehicle, **f} for f in fixes])
    assert r.status_code == 200, r.text


def _city(backend, api):
    sup = api("supervisor")
    ids = {}
    for body in (section("A", (0, 0), (400, 0), rules=MORNING),
                 section("B", (0, 20), (400, 20), rules=MORNING),           # parallel, 20 m away: not driven
                 section("C", (0, 300), (400, 300), kind="washing", rules=MORNING),  # driven, but sweeping
                 section("E", (0, 600), (400, 600), rules=MORNING),          # half of it driven
                 section("P", (0, 900), (400, 900), rules=AFTERNOON)):
        r = sup.post("/api/v1/cleaning/sections", json=body)
        assert r.status_code == 201, r.text
        ids[body["code"]] = r.json()["id"]
    disp = api("dispatcher")
    _post(disp, "КО-713", drive([(0, 0), (400, 0)], DAY.replace(hour=9), speed=4, every_s=10, seed=1))
    _post(disp, "КО-714", drive([(0, 300), (400, 300)], DAY.replace(hour=9), speed=4, every_s=10, seed=2))
    _post(disp, "КО-715", drive([(0, 600), (200, 600)], DAY.replace(hour=9), speed=4, every_s=10, seed=3))
    _post(disp, "КО-716", drive([(0, 900), (400, 900)], DAY.replace(hour=9), speed=4, every_s=10, seed=4))  # too early
    _post(disp, "КО-717", drive([(200, 0), (200, 0.1)], DAY.replace(hour=9), speed=0.001, every_s=10,
                                work="none", seed=5)[:50])  # idle
    return ids


def test_states_of_a_day(api, backend):
    _city(backend, api)
    r = api("dispatcher").get("/api/v1/cleaning/coverage", params={"date": "2026-06-10"})
    assert r.status_code == 200, r.text
    got = {s["code"]: s for s in r.json()["sections"]}
    assert got["A"]["state"] == "done" and got["A"]["vehicle"] == "КО-713" and got["A"]["share"] >= 0.9
    assert got["A"]["done_at"].startswith("2026-06-10T09:0") or got["A"]["done_at"].startswith("2026-06-10T09:1")
    assert got["B"]["state"] == "missed" and got["B"]["share"] == 0
    assert got["C"]["state"] == "missed"  # a sweeper does not wash
    assert got["E"]["state"] == "partly" and 0.4 <= got["E"]["share"] <= 0.6
    assert got["P"]["state"] == "missed"  # passed before its window opened
    assert r.json()["counts"] == {"done": 1, "partly": 1, "missed": 3, "not_due": 0}
    # The same day seen at 10:00: morning windows running, afternoon not yet due.
    with backend.sessionmaker() as s:
        early = {c.code: c.state for c in compute(s, day=DAY.date(), now=DAY.replace(hour=10)).sections}
    assert early == {"A": "done", "B": "not_due", "C": "not_due", "E": "partly", "P": "not_due"}
    assert api("dispatcher").get("/api/v1/cleaning/coverage", params={"date": "June"}).status_code == 422
    days = {d["id"]: d for d in api("dispatcher").get("/api/v1/cleaning/vehicles/day",
                                                        params={"date": "2026-06-10"}).json()}
    assert days["КО-717"]["runs"][0][2] == "none" and days["КО-713"]["runs"][0][2] == "sweeping"


def test_a_missed_section_opens_one_incident_for_its_service(api, backend):
    _city(backend, api)
    watch = CoverageWatch()
    first = watch.round(backend.sessionmaker, now=DAY.replace(hour=13))
    again = CoverageWatch().round(backend.sessionmaker, now=DAY.replace(hour=17))
    with backend.sessionmaker() as s:
        missed = list(s.scalars(select(Incident).where(Incident.category == "waste").order_by(Incident.id)))
        changes = s.scalar(select(func.count(Event.id)).where(Event.type == "cleaning.coverage"))
    # B and C missed at 13:00; P missed after its window ended, at 17:00: one incident each, never twice.
    assert sorted(i.description.split("(")[1][:1] for i in missed) == ["B", "C", "P"]
    assert {r.code: r.incident_id is not None for r in first.sections if r.state == "missed"} == {"B": True, "C": True}
    assert all(r.incident_id for r in again.sections if r.state == "missed")
    assert changes == 2 and "КО" not in missed[0].description


def test_a_not_cleaned_complaint_gets_the_answer(api, backend):
    _city(backend, api)
    disp = api("dispatcher")

    def complain(x, y, at):
        lon, lat = geo.to_lonlat(x, y)
        r = disp.post("/api/v1/incidents", json={"category": "waste", "lat": lat, "lon": lon, "address": "улица",
                                                 "description": "Улицу не убрали", "source": "citizen"})
        with backend.sessionmaker() as s:
            text = on_incident(s, r.json(), now=at)
            s.commit()
        ids.append(r.json()["id"])
        return text

    ids: list[int] = []
    done = complain(100, 3, DAY.replace(hour=13))
    assert "cleaned at 09:" in done and "by КО-713" in done
    assert disp.get(f"/api/v1/incidents/{ids[0]}/comments").json()[0]["text"] == done
    assert "missed: scheduled 08:00–12:00" in complain(100, 22, DAY.replace(hour=13))
    assert "not yet: scheduled 14:00–16:00" in complain(100, 900, DAY.replace(hour=13))
    assert complain(100, 5000, DAY.replace(hour=13)) is None
    assert disp.get(f"/api/v1/incidents/{ids[-1]}/comments").json() == []


def test_fixes_arrive_over_mqtt(backend, mqtt_url, api):
    ingest = FleetIngest(mqtt_url, backend.sessionmaker, topic_root=f"test/{uuid.uuid4().hex[:8]}/fleet",
                         batch_wait_s=0.1)
    ingest.start()
    try:
        assert ingest.connected.wait(10)
        host, port = mqtt_url.removeprefix("mqtt://").split(":")
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        pub.connect(host, int(port))
        pub.loop_start()
        fixes = drive([(0, 0), (300, 0)], DAY.replace(hour=9), speed=5, every_s=10, seed=9)
        for f in fixes:
            pub.publish(f"{ingest.topic_root}/КО-720", json.dumps(f), qos=1).wait_for_publish(5)
        pub.publish(f"{ingest.topic_root}/КО-720", b"not json", qos=1).wait_for_publish(5)
        pub.publish(f"{ingest.topic_root}/КО-720", json.dumps({**fixes[0], "work": "dancing"}), qos=1).wait_for_publish(5)
        deadline = time.monotonic() + 15
        while ingest.stats["fixes"] < len(fixes) and time.monotonic() < deadline:
            time.sleep(0.1)
        pub.loop_stop()
        pub.disconnect()
        assert ingest.stats["fixes"] == len(fixes)
    finally:
        ingest.stop()
    assert ingest.stats["rejected"] == 2
    vehicles = api("dispatcher").get("/api/v1/cleaning/vehicles").json()
    assert vehicles[0]["id"] == "КО-720" and vehicles[0]["last_ts"] == fixes[-1]["ts"]
    with backend.sessionmaker() as s:
        ev = s.scalar(select(Event).where(Event.type == "cleaning.vehicles"))
    assert ev is not None and ev.data["vehicles"][0]["id"] == "КО-720"
