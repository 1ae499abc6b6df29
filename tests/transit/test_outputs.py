"""Data out: REST for the desktop, the three GTFS-rt feeds parsed back with the bindings, alerts, board heartbeats."""

from __future__ import annotations

from datetime import timedelta
from email.utils import formatdate

import pytest
from google.transit import gtfs_realtime_pb2 as rt
from sqlalchemy import select

from backend.transit import clock
from backend.transit import models as m
from backend.transit.ingest import PositionWriter
from tests.transit import factory


@pytest.fixture
def live_city(backend, monkeypatch):
    """The demo feed, its boards, and 30 minutes of the simulated buses up to a weekday 08:30."""
    from backend.domain import DemoSeed
    from backend.transit.demo import seed

    seed(DemoSeed(maker=backend.sessionmaker, settings=backend.settings))
    now = factory.set_clock(monkeypatch, factory.MORNING)
    runs = factory.drive(PositionWriter(backend.sessionmaker), until_ms=now, minutes=30)
    return now, runs


def parse(body: bytes) -> rt.FeedMessage:
    msg = rt.FeedMessage()
    msg.ParseFromString(body)
    return msg


def test_rest_stops_routes_vehicles_and_arrivals(api, live_city):
    now, runs = live_city
    c = api("dispatcher")
    smart = c.get("/api/v1/transit/stops", params={"smart": "true"}).json()
    assert len(smart) == 8 and all(s["board"] is not None for s in smart)
    assert len(c.get("/api/v1/transit/stops").json()) == 42
    routes = c.get("/api/v1/transit/routes").json()
    assert [r["short_name"] for r in routes] == ["1", "2", "3", "5"]
    assert sum(r["vehicles"] for r in routes) >= 12 and all(r["headway_min"] for r in routes)
    vehicles = c.get("/api/v1/transit/vehicles").json()
    assert {v["state"] for v in vehicles} <= {"in_service", "at_terminus", "not_reporting", "off_route", "no_trip"}
    arr = c.get("/api/v1/transit/stops/KUR013/arrivals").json()
    live = [a for a in arr["arrivals"] if a["status"] == "live"]
    assert live and all(a["predicted_ms"] >= now - 120_000 for a in live)
    times = [a["predicted_ms"] or a["scheduled_ms"] for a in arr["arrivals"] if a["status"] != "departed"]
    assert times == sorted(times)
    assert any(a["status"] == "departed" and a["departed_ms"] <= now for a in arr["arrivals"])
    assert c.get("/api/v1/transit/stops/NOPE/arrivals").status_code == 404
    detail = c.get("/api/v1/transit/routes/2").json()
    assert len(detail["shapes"]) == 2 and len(detail["shapes"][0]) > 3
    marey = c.get("/api/v1/transit/routes/1/marey", params={"direction_id": 0}).json()
    assert marey["stops"] and any(t["actual"] for t in marey["trips"])
    assert c.get("/api/v1/transit/routes/1/marey", params={"direction_id": 5}).status_code == 400
    assert c.get("/api/v1/transit/routes/99/marey").status_code == 404
    assert api().get("/api/v1/transit/vehicles").status_code == 401


def test_arrival_predictions_track_the_simulators_truth(api, live_city):
    now, runs = live_city
    truth = {(r.trip.trip_id, stop): arr for r in runs for _, stop, arr, _ in r.arrivals}
    c = api("dispatcher")
    errors = []
    for stop in ("KUR003", "KUR013", "KUR020", "KUR030", "KUR038"):
        for a in c.get(f"/api/v1/transit/stops/{stop}/arrivals").json()["arrivals"]:
            actual = truth.get((a["trip_id"], stop))
            if a["status"] == "live" and a["vehicle_id"] and actual and a["predicted_ms"] - now < 10 * 60_000:
                errors.append(abs(actual - a["predicted_ms"]) / 1000)
    assert len(errors) >= 5
    errors.sort()
    assert errors[len(errors) // 2] < 120, errors


def test_gtfs_rt_feeds_parse_back_with_the_bindings(api, live_city):
    now, _ = live_city
    c = api()  # public: no login
    vp = c.get("/gtfs-rt/vehicle-positions.pb")
    assert vp.status_code == 200 and vp.headers["content-type"] == "application/x-protobuf"
    msg = parse(vp.content)
    assert msg.header.gtfs_realtime_version == "2.0"
    assert msg.header.incrementality == rt.FeedHeader.FULL_DATASET
    assert len(msg.entity) >= 12
    assert all(e.vehicle.position.latitude and e.vehicle.timestamp for e in msg.entity)
    assert any(e.vehicle.trip.trip_id and e.vehicle.trip.start_date == "20261118" for e in msg.entity)

    tu = c.get("/gtfs-rt/trip-updates.pb")
    msg = parse(tu.content)
    assert msg.header.incrementality == rt.FeedHeader.FULL_DATASET and len(msg.entity) >= 10
    for e in msg.entity:
        times = [u.arrival.time for u in e.trip_update.stop_time_update]
        assert times == sorted(times) and all(t >= now // 1000 - 300 for t in times)
        assert all(u.departure.time >= u.arrival.time for u in e.trip_update.stop_time_update)

    # Last-Modified / If-Modified-Since, and the header timestamp never goes back
    lm = tu.headers["last-modified"]
    assert c.get("/gtfs-rt/trip-updates.pb", headers={"If-Modified-Since": lm}).status_code == 304
    assert c.get("/gtfs-rt/trip-updates.pb", headers={"If-Modified-Since": "not a date"}).status_code == 200
    older = formatdate(msg.header.timestamp - 60, usegmt=True)
    assert c.get("/gtfs-rt/trip-updates.pb", headers={"If-Modified-Since": older}).status_code == 200
    stamps = [parse(c.get("/gtfs-rt/vehicle-positions.pb").content).header.timestamp for _ in range(3)]
    assert stamps == sorted(stamps)

    js = c.get("/gtfs-rt/trip-updates.pb", params={"format": "json"}).json()
    assert js["header"]["incrementality"] == "FULL_DATASET" and js["entity"]
    assert c.get("/gtfs-rt/trip-updates.pb", params={"format": "xml"}).status_code == 422


def test_alerts_crud_reach_the_board_and_alerts_pb(api, live_city, backend):
    now, _ = live_city
    disp = api("dispatcher")
    bad = disp.post("/api/v1/transit/alerts", json={"header_ru": "Объезд"})
    assert bad.status_code == 422  # names neither a route nor a stop
    assert disp.post("/api/v1/transit/alerts", json={"header_ru": "x", "route_id": "99"}).status_code == 400
    naive = disp.post("/api/v1/transit/alerts", json={"header_ru": "x", "route_id": "2",
                                                      "starts_at": "2026-11-18T08:00:00"})
    assert naive.status_code == 422 and "time zone" in naive.text
    assert disp.post("/api/v1/transit/alerts", json={"header_ru": "a\u0000b", "route_id": "2"}).status_code == 422
    r = disp.post("/api/v1/transit/alerts", json={
        "route_id": "2", "stop_ids": ["KUR013"], "header_ru": "Маршрут 2 идёт в объезд",
        "header_en": "Route 2 detour", "text_ru": "Ремонт ул. Школьной", "text_en": "Roadworks"})
    assert r.status_code == 201, r.text
    alert = r.json()
    assert alert["active"] and alert["version"] == 1
    board = api().get("/boards/KUR013/data").json()
    assert [a["header_ru"] for a in board["alerts"]] == ["Маршрут 2 идёт в объезд"]

    msg = parse(api().get("/gtfs-rt/alerts.pb").content)
    assert len(msg.entity) == 1
    al = msg.entity[0].alert
    assert {(t.language, t.text) for t in al.header_text.translation} == {("ru", "Маршрут 2 идёт в объезд"),
                                                                          ("en", "Route 2 detour")}
    assert {ie.route_id for ie in al.informed_entity} == {"2"} and any(ie.stop_id == "KUR013" for ie in al.informed_entity)

    stale = disp.patch(f"/api/v1/transit/alerts/{alert['id']}", json={"text_ru": "x"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "stale_version"
    # RFC 9110: a weak tag never matches; a list matches if any strong tag does; junk is a 400.
    weak = disp.patch(f"/api/v1/transit/alerts/{alert['id']}", json={"text_ru": "x"}, headers={"If-Match": 'W/"1"'})
    assert weak.status_code == 412
    junk = disp.patch(f"/api/v1/transit/alerts/{alert['id']}", json={"text_ru": "x"}, headers={"If-Match": "version one"})
    assert junk.status_code == 400
    edited = disp.patch(f"/api/v1/transit/alerts/{alert['id']}", json={"header_ru": "Объезд по ул. Мира"},
                        headers={"If-Match": '"1"'})
    assert edited.status_code == 200 and edited.json()["version"] == 2
    ended = disp.post(f"/api/v1/transit/alerts/{alert['id']}/end").json()
    assert not ended["active"]
    assert len(parse(api().get("/gtfs-rt/alerts.pb").content).entity) == 0
    assert api().get("/boards/KUR013/data").json()["alerts"] == []
    assert disp.post("/api/v1/transit/alerts/999/end").status_code == 404
    with backend.sessionmaker() as s:
        from backend.audit.models import AuditEntry

        actions = {a.action for a in s.scalars(select(AuditEntry))}
        assert {"transit.alert.create", "transit.alert.update", "transit.alert.end"} <= actions


def test_a_silent_board_raises_one_incident_closed_when_it_returns(api, live_city, backend, monkeypatch):
    from backend.incidents.models import Incident
    from backend.transit.watch import check

    now, _ = live_city
    public = api()
    assert public.get("/boards/KUR013").status_code == 200  # the page itself is a heartbeat
    assert "KUR013" in public.get("/boards/KUR013").text
    assert public.get("/boards/KUR999").status_code == 404

    later = factory.MORNING + timedelta(minutes=3)
    factory.set_clock(monkeypatch, later)
    with backend.sessionmaker() as s:
        assert check(s, now_ms=clock.now_ms())["board_silent"] == 1
        s.commit()
        check(s, now_ms=clock.now_ms() + 60_000)  # still silent: no second incident
        s.commit()
        incidents = s.scalars(select(Incident).where(Incident.source == "transit")).all()
        board_incidents = [i for i in incidents if "Табло не отвечает" in i.description]
        assert len(board_incidents) == 1 and board_incidents[0].category == "public_transport"
        board = s.get(m.Board, "KUR013")
        assert board.silent and board.incident_id == board_incidents[0].id

    assert public.get("/boards/KUR013/data").status_code == 200  # back
    with backend.sessionmaker() as s:
        board = s.get(m.Board, "KUR013")
        assert not board.silent and board.incident_id is None
        assert s.get(Incident, board_incidents[0].id).status == "closed"
        check(s, now_ms=clock.now_ms())
        s.commit()
        assert len([i for i in s.scalars(select(Incident).where(Incident.source == "transit"))
                    if "Табло не отвечает" in i.description]) == 1
    smart = api("dispatcher").get("/api/v1/transit/stops", params={"smart": "true"}).json()
    assert next(s for s in smart if s["stop_id"] == "KUR013")["board"]["silent"] is False


def test_a_bus_that_stops_reporting_raises_one_incident(backend, live_city, monkeypatch):
    from backend.incidents.models import Incident
    from backend.transit.watch import check

    now, _ = live_city
    factory.set_clock(monkeypatch, factory.MORNING + timedelta(minutes=5))
    with backend.sessionmaker() as s:
        first = check(s, now_ms=clock.now_ms())
        s.commit()
        again = check(s, now_ms=clock.now_ms() + 30_000)
        s.commit()
        assert first["not_reporting"] >= 10 and again["not_reporting"] <= first["not_reporting"]
        faults = s.scalars(select(m.Fault).where(m.Fault.kind == "not_reporting")).all()
        assert len(faults) == first["not_reporting"]  # the second pass opened nothing new
        ids = {f.incident_id for f in faults}
        assert len(ids) == len(faults) and None not in ids
        assert all(s.get(Incident, i).source == "transit" for i in ids)


def test_bunching_opens_one_incident_per_route_and_closes_when_the_gap_returns(backend, monkeypatch):
    from datetime import datetime, timezone

    from backend.incidents.models import Incident
    from backend.transit import network
    from backend.transit.watch import check

    factory.import_demo(backend.sessionmaker)
    now = factory.set_clock(monkeypatch, factory.MORNING)
    with backend.sessionmaker() as s:
        net = network.load(s)
        trips = [t for t in net.trips_by_route["2"] if t.direction_id == 0 and t.service_id == "WD"][:2]
        calls = trips[0].calls

        def bus(vid, trip, dist):
            return m.Vehicle(vehicle_id=vid, ts=now - 5000, lat=51.655, lon=35.65, route_id="2", trip_id=trip.trip_id,
                             service_date="20261118", dist_m=dist, next_seq=calls[3].seq, delay_s=0, arr_ts=None,
                             off_route=False, matched="reported", updated_at=datetime.now(timezone.utc))

        s.add_all([bus("B1", trips[0], calls[2].dist_m + 100), bus("B2", trips[1], calls[2].dist_m + 160)])
        s.commit()
        assert check(s, now_ms=now)["bunching"] == 1
        check(s, now_ms=now + 15_000)
        s.commit()
        faults = s.scalars(select(m.Fault).where(m.Fault.kind == "bunching")).all()
        assert [f.subject for f in faults] == ["2"]
        incident = s.get(Incident, faults[0].incident_id)
        assert incident.source == "transit" and "2" in incident.description
        s.get(m.Vehicle, "B2").dist_m = calls[2].dist_m + 100 + 2500  # the gap is back
        s.commit()
        assert check(s, now_ms=now + 30_000)["bunching"] == 0
        s.commit()
        assert s.scalars(select(m.Fault).where(m.Fault.kind == "bunching")).all() == []
        assert s.get(Incident, incident.id).status == "closed"


def test_a_trip_nobody_runs_raises_one_incident_closed_when_a_bus_takes_it(backend, monkeypatch):
    from datetime import datetime, timezone

    from backend.incidents.models import Incident
    from backend.transit import network
    from backend.transit.watch import check

    factory.import_demo(backend.sessionmaker)
    now = factory.set_clock(monkeypatch, factory.MORNING)  # no buses on the road at all
    with backend.sessionmaker() as s:
        first = check(s, now_ms=now)["trip_not_started"]
        s.commit()
        assert first >= 4  # every route has trips that should have left 10-40 min ago
        assert check(s, now_ms=now)["trip_not_started"] == first  # a second pass opens nothing new
        s.commit()
        faults = s.scalars(select(m.Fault).where(m.Fault.kind == "trip_not_started")).all()
        assert len(faults) == first
        assert all(s.get(Incident, f.incident_id).source == "transit" for f in faults)
        sd, _, trip_id = faults[0].subject.partition(":")
        trip = network.load(s).trips[trip_id]
        s.add(m.Vehicle(vehicle_id="LATE-1", ts=now - 1000, lat=51.65, lon=35.64, route_id=trip.route_id,
                        trip_id=trip_id, service_date=sd, dist_m=10.0, next_seq=trip.calls[1].seq, delay_s=900,
                        arr_ts=None, off_route=False, matched="reported", updated_at=datetime.now(timezone.utc)))
        s.commit()
        check(s, now_ms=now + 30_000)
        s.commit()
        assert s.get(m.Fault, ("trip_not_started", faults[0].subject)) is None
        assert s.get(Incident, faults[0].incident_id).status == "closed"


def test_a_bus_off_its_route_raises_one_incident_closed_when_it_returns(backend, monkeypatch):
    from datetime import datetime, timezone

    from backend.incidents.models import Incident
    from backend.transit import network
    from backend.transit.watch import check

    factory.import_demo(backend.sessionmaker)
    now = factory.set_clock(monkeypatch, factory.MORNING)
    with backend.sessionmaker() as s:
        trip = next(t for t in network.load(s).trips_by_route["3"] if t.service_id == "WD")
        s.add(m.Vehicle(vehicle_id="DETOUR-1", ts=now - 2000, lat=51.64, lon=35.70, route_id="3", trip_id=trip.trip_id,
                        service_date="20261118", dist_m=900.0, next_seq=trip.calls[3].seq, delay_s=0, arr_ts=None,
                        off_route=True, matched="reported", updated_at=datetime.now(timezone.utc)))
        s.commit()
        assert check(s, now_ms=now)["off_route"] == 1
        check(s, now_ms=now + 15_000)
        s.commit()
        fault = s.get(m.Fault, ("off_route", "DETOUR-1"))
        assert fault is not None and s.get(Incident, fault.incident_id).source == "transit"
        s.get(m.Vehicle, "DETOUR-1").off_route = False
        s.commit()
        check(s, now_ms=now + 30_000)
        s.commit()
        assert s.get(m.Fault, ("off_route", "DETOUR-1")) is None
        assert s.get(Incident, fault.incident_id).status == "closed"
