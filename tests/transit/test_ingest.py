"""Positions in: bad reports counted per reason, trips matched, stop events; over the real broker and GTFS-rt pulls."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from google.transit import gtfs_realtime_pb2 as rt
from sqlalchemy import func, select

from backend.transit import models as m
from backend.transit.ingest import PositionWriter
from tests.transit import factory


def _wait_for(find, timeout: float = 30.0):
    """What `find` returns once it is something: a duty's service exists once its lease is taken."""
    deadline = time.monotonic() + timeout
    while (found := find()) is None:
        assert time.monotonic() < deadline, "the duty was not taken"
        time.sleep(0.05)
    return found


@pytest.fixture
def city_now(backend, monkeypatch):
    factory.import_demo(backend.sessionmaker)
    return factory.set_clock(monkeypatch, factory.MORNING)


def test_bad_reports_are_counted_per_reason_and_dropped(backend, city_now):
    w = PositionWriter(backend.sessionmaker)
    now = city_now
    good = {"ts": now, "lat": 51.6606, "lon": 35.6515, "speed": 6.0, "bearing": 60, "route_id": "1"}
    batch = [
        ("bus-a", b"{not json"),
        ("bus-a", json.dumps([1, 2]).encode()),
        ("bus-a", {**good, "trip_id": "x\u0000y"}),
        ("bus-a", {**good, "ts": "yesterday"}),
        ("bus-a", {**good, "ts": now - 11 * 60_000}),
        ("bus-a", {**good, "ts": now + 5 * 60_000}),
        ("bus-a", {**good, "lat": 123.0}),
        ("bus-a", {**good, "lat": 55.75, "lon": 37.62}),  # Moscow: out of the area
        ("bus-a", {**good, "route_id": "77"}),
        ("bus-a", good),
        ("bus-a", {**good, "ts": now - 1000}),  # older than the one just taken
        ("bus-a", {**good, "ts": now}),  # the same again
        ("a/b", good),
    ]
    assert w.ingest(batch) == 1
    assert dict(w.dropped) == {"malformed": 4, "bad_timestamp": 1, "stale": 1, "future": 1, "bad_position": 1,
                               "out_of_area": 1, "unknown_route": 1, "out_of_order": 2}
    with backend.sessionmaker() as s:
        drops = {r.reason: r.count for r in s.scalars(select(m.DropCount))}
        assert drops == dict(w.dropped)
        assert s.scalar(select(func.count()).select_from(m.Position)) == 1


def test_buses_without_a_trip_are_matched_to_the_trip_they_run(backend, city_now):
    w = PositionWriter(backend.sessionmaker)
    runs = factory.drive(w, until_ms=city_now, minutes=25)
    assert w.stats["stored"] > 1000 and not w.dropped
    truth = {r.vehicle_id: r.trip.trip_id for r in runs if r.start_ms <= city_now <= r.end_ms}
    with backend.sessionmaker() as s:
        vehicles = {v.vehicle_id: v for v in s.scalars(select(m.Vehicle))}
        matched = [v for v in vehicles.values() if v.matched == "matched"]
        assert len(matched) >= 4, "the simulated fleet has units that send no trip id"
        right = [v for v in matched if truth.get(v.vehicle_id) == v.trip_id]
        assert len(right) >= 0.9 * len([v for v in matched if v.vehicle_id in truth])
        # stop events were observed, and they are close to the simulator's true arrivals
        true_arr = {(r.trip.trip_id, seq): arr for r in runs for seq, _, arr, _ in r.arrivals}
        events = s.scalars(select(m.StopEvent)).all()
        assert len(events) > 100
        errors = sorted(abs(e.arr_ts - true_arr[(e.trip_id, e.seq)]) / 1000 for e in events
                        if (e.trip_id, e.seq) in true_arr and e.seq > 1)
        assert errors[len(errors) // 2] < 10, "median arrival error of observed stop events"


def _publisher(url: str):
    from backend.ingest.mqtt import make_client

    client = make_client(url, f"sc-test-transit-{uuid.uuid4().hex[:6]}")
    client.connect(*client._sc_addr)
    client.loop_start()
    return client


@pytest.mark.mqtt
def test_positions_over_the_real_broker_reach_the_vehicle_list(backend, api, mqtt_url, city_now):
    from fastapi.testclient import TestClient

    from backend.ingest.mqtt import MqttIngest

    backend.app.state.settings = backend.settings.model_copy(update={"mqtt_url": mqtt_url, "run_ingest": True})
    vid = f"KUR-T{uuid.uuid4().hex[:4]}"
    with TestClient(backend.app) as client:
        service = _wait_for(lambda: next((d.service for d in backend.app.state.duties
                                          if isinstance(d.service, MqttIngest)
                                          and d.service.topic_root == "city/transit/vehicles"), None))
        assert service.connected.wait(15)
        pub = _publisher(mqtt_url)
        try:
            base = {"lat": 51.6606, "lon": 35.6515, "speed": 6.0, "bearing": 60, "route_id": "1"}
            pub.publish(f"city/transit/vehicles/{vid}", json.dumps({**base, "ts": city_now - 2000}), qos=1)
            pub.publish(f"city/transit/vehicles/{vid}", b"garbage", qos=1)
            pub.publish(f"city/transit/vehicles/{vid}", json.dumps({**base, "ts": city_now - 1000,
                                                                     "lat": 51.6608, "lon": 35.6519}), qos=1)
        finally:
            pub.loop_stop()
            pub.disconnect()
        token = client.post("/api/v1/auth/token", data={"username": "dispatcher", "password": _password()}).json()
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            mine = [v for v in client.get("/api/v1/transit/vehicles").json() if v["vehicle_id"] == vid]
            if mine and mine[0]["ts"] == city_now - 1000:
                break
            time.sleep(0.2)
        assert mine and mine[0]["route"] == "1" and mine[0]["state"] in ("in_service", "no_trip")
        dropped = client.get("/api/v1/transit/ingest").json()["dropped"]
        assert dropped.get("malformed", 0) >= 1


def _password():
    from tests.conftest import TEST_PASSWORD

    return TEST_PASSWORD


def test_gtfs_rt_vehicle_positions_are_pulled_and_garbage_is_counted(backend, city_now):
    from backend.transit.rtpull import FeedPuller

    msg = rt.FeedMessage()
    msg.header.gtfs_realtime_version = "2.0"
    msg.header.timestamp = city_now // 1000
    e = msg.entity.add()
    e.id = "v1"
    e.vehicle.vehicle.id = "CARRIER-7"
    e.vehicle.position.latitude, e.vehicle.position.longitude = 51.6606, 35.6515
    e.vehicle.position.speed = 5.0
    e.vehicle.trip.trip_id = "WD-1-0-0016"
    e.vehicle.trip.route_id = "1"
    e.vehicle.timestamp = city_now // 1000
    e2 = msg.entity.add()  # a second bus whose trip only its carrier's TripUpdates name
    e2.id = "v2"
    e2.vehicle.vehicle.id = "CARRIER-8"
    e2.vehicle.position.latitude, e2.vehicle.position.longitude = 51.6606, 35.6515
    e2.vehicle.timestamp = city_now // 1000
    tu = rt.FeedMessage()
    tu.header.gtfs_realtime_version = "2.0"
    t = tu.entity.add()
    t.id = "tu-8"
    t.trip_update.trip.trip_id = "WD-1-0-0017"
    t.trip_update.vehicle.id = "CARRIER-8"
    bodies = {"/good.pb": msg.SerializeToString(), "/bad.pb": b"\xff\x00 not protobuf",
              "/trips.pb": tu.SerializeToString()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = bodies.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        w = PositionWriter(backend.sessionmaker)
        puller = FeedPuller([f"{base}/trips.pb", f"{base}/good.pb", f"{base}/bad.pb", f"{base}/missing.pb"], w)
        assert puller.pull_once() == 2
        assert w.dropped["feed_unreadable"] == 2 and len(puller.errors) == 2
        with backend.sessionmaker() as s:
            v = s.get(m.Vehicle, "CARRIER-7")
            assert v.trip_id == "WD-1-0-0016" and v.matched == "reported"
            assert s.get(m.Vehicle, "CARRIER-8").trip_id == "WD-1-0-0017"
    finally:
        server.shutdown()
