"""Ingestion over the real Mosquitto broker: the lifespan service, batching, rejections, duplicates."""

from __future__ import annotations

import json
import time
import uuid

import paho.mqtt.client as mqtt
import pytest

from tests.backend.test_telemetry import add_meter

pytestmark = pytest.mark.mqtt


def _publisher(url: str) -> mqtt.Client:
    from backend.ingest.mqtt import make_client

    client = make_client(url, f"sc-test-pub-{uuid.uuid4().hex[:6]}")
    client.connect(*client._sc_addr)
    client.loop_start()
    return client


def _wait(predicate, timeout: float = 90.0, seen=None):  # generous: the machine is shared; no speed is asserted
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for ingestion; last seen: {seen() if seen else None}")


def test_service_is_off_without_url_or_with_ingest_disabled(backend, mqtt_url):
    from backend.ingest.mqtt import MqttIngest, mqtt_duty, mqtt_service

    assert mqtt_service(backend.app) is None and mqtt_duty(backend.app) is None  # no SC_MQTT_URL
    backend.app.state.settings = backend.settings.model_copy(update={"mqtt_url": mqtt_url, "run_ingest": False})
    assert mqtt_service(backend.app) is None and mqtt_duty(backend.app) is None
    backend.app.state.settings = backend.settings.model_copy(update={"mqtt_url": mqtt_url, "run_ingest": True})
    shared, duty = mqtt_service(backend.app), mqtt_duty(backend.app)
    if backend.settings.resolved_database_url.startswith("postgresql"):  # every instance takes its share
        assert duty is None and isinstance(shared, MqttIngest)
        assert shared.topic == "$share/sc-ingest/city/telemetry/+"
    else:  # one server: the duty takes it all
        assert shared is None and isinstance(duty, MqttIngest) and duty.topic == "city/telemetry/+"


def test_readings_over_mqtt_are_stored_once_and_bad_ones_counted(backend, api, mqtt_url):
    from fastapi.testclient import TestClient

    from backend.ingest.mqtt import running_ingest
    from backend.telemetry.models import HourlyRollup, Reading

    uid = f"mq-{uuid.uuid4().hex[:8]}"
    dev = add_meter(backend, uid)
    # A share group of this test's own: a shared group's offline persistent members (earlier runs'
    # sessions) still get their turn of messages from Mosquitto, queued until they return.
    backend.app.state.settings = backend.settings.model_copy(update={
        "mqtt_url": mqtt_url, "run_ingest": True, "mqtt_share_group": f"t{uuid.uuid4().hex[:8]}"})
    with TestClient(backend.app) as client:
        service = _wait(lambda: running_ingest(backend.app))
        assert service.connected.wait(15), "the ingest service did not connect to the broker"
        pub = _publisher(mqtt_url)
        now = int(time.time() * 1000) // 1000 * 1000
        topic = f"city/telemetry/{uid}"
        msgs = [
            json.dumps({"ts": now - 60_000, "values": {"kwh": 1.25}}),
            json.dumps([{"ts": now - 45_000, "values": {"kwh": 2}}, {"ts": now - 30_000, "values": {"kwh": 3}}]),
            json.dumps({"ts": now - 60_000, "values": {"kwh": 1.25}}),  # delivered twice
            b"\x00garbage",
            json.dumps({"ts": now - 15_000, "values": {"kwh": "lots"}}),
            json.dumps({"ts": now + 86_400_000, "values": {"kwh": 9}}),
        ]
        for m in msgs:
            pub.publish(topic, m, qos=1).wait_for_publish(10)
        pub.publish(f"city/telemetry/ghost-{uid}", json.dumps({"ts": now, "values": {"kwh": 1}}), qos=1
                    ).wait_for_publish(10)
        pub.publish(topic, json.dumps({"ts": now, "values": {"kwh": 4}}), qos=1).wait_for_publish(10)

        def stats():
            s = client.get("/api/v1/telemetry/stats", headers=_auth(client)).json()
            return s if s["stored"] >= 4 and s["rejected"].get("unknown_device", 0) >= 1 else None

        s = _wait(stats, seen=lambda: client.get("/api/v1/telemetry/stats", headers=_auth(client)).json())
        pub.loop_stop()
        pub.disconnect()
    with backend.sessionmaker() as session:
        values = sorted(r.value for r in session.query(Reading).filter_by(device_id=dev))
        assert values == [1.25, 2.0, 3.0, 4.0]
        assert sum(r.count for r in session.query(HourlyRollup).filter_by(device_id=dev)) == 4
    assert s["duplicates"] >= 1
    assert s["rejected"]["malformed"] >= 1 and s["rejected"]["non_numeric"] >= 1
    assert s["rejected"]["future_timestamp"] >= 1
    assert s["process"]["messages"] >= 8 and s["process"]["lag_ms_p99"] is not None


def _auth(client) -> dict:
    from tests.conftest import TEST_PASSWORD

    r = client.post("/api/v1/auth/token", data={"username": "dispatcher", "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_subscriber_batches_many_messages(backend, mqtt_url):
    """Thousands of messages from several devices end up as readings (own topic root, no crosstalk)."""
    from backend.ingest.mqtt import MqttIngest
    from backend.telemetry.ingest import TelemetryWriter
    from backend.telemetry.models import Reading

    root = f"sc-test/{uuid.uuid4().hex[:8]}"
    uids = [f"b{i}-{uuid.uuid4().hex[:6]}" for i in range(5)]
    for u in uids:
        add_meter(backend, u)
    writer = TelemetryWriter(backend.sessionmaker)
    svc = MqttIngest(mqtt_url, writer, topic_root=root, batch_size=500)
    svc.start()
    try:
        assert svc.connected.wait(15)
        pub = _publisher(mqtt_url)
        start = int(time.time() * 1000) - 3_000_000
        # In rounds of 300 messages, each taken in before the next: Mosquitto drops QoS 1
        # messages past its per-client queue (1,000 by default) when a burst outruns a
        # subscriber slowed down by a busy machine — broker policy, not what this tests.
        for rnd in range(5):
            infos = [pub.publish(f"{root}/{u}", json.dumps([{"ts": start + i * 1000 + k, "values": {"kwh": k}}
                                                             for k in range(2)]), qos=1)
                     for i in range(rnd * 60, (rnd + 1) * 60) for u in uids]
            for info in infos:
                info.wait_for_publish(30)
            _wait(lambda: writer.stats["messages"] >= (rnd + 1) * 300)
        with backend.sessionmaker() as s:
            try:
                _wait(lambda: s.query(Reading).count() >= 3000 or s.expire_all())
            except AssertionError:
                raise AssertionError(f"stored {s.query(Reading).count()} of 3000; writer {dict(writer.stats)}, "
                                     f"queue {svc.queue.qsize()}") from None
            assert s.query(Reading).count() == 3000
        assert writer.stats["batches"] < writer.stats["messages"]  # written in batches, not one by one
        pub.loop_stop()
        pub.disconnect()
    finally:
        svc.stop()


def test_energy_simulator_publishes_every_meter_over_the_broker(backend, mqtt_url):
    """The demo's live readings: one quarter hour of all 120 meters arrives and is stored, with a live event."""
    from backend.events.models import Event
    from backend.ingest.mqtt import MqttIngest
    from backend.telemetry.demo import seed_meters
    from backend.telemetry.ingest import TelemetryWriter
    from backend.telemetry.models import Reading
    from citysim.meters import MeterFeed
    from resources.city.meters import Q_MS

    seed_meters(backend.sessionmaker, days=2, raw_days=1)
    root = f"sc-test/{uuid.uuid4().hex[:8]}"
    svc = MqttIngest(mqtt_url, TelemetryWriter(backend.sessionmaker), topic_root=root)
    sim = MeterFeed(mqtt_url, topic_root=root)
    svc.start()
    sim.start()
    try:
        assert svc.connected.wait(15)
        _wait(lambda: sim._client.is_connected(), 15)
        slot = int(time.time() * 1000) // Q_MS * Q_MS  # the quarter in progress: not stored by the seed
        with backend.sessionmaker() as s:
            before = s.query(Reading).filter(Reading.ts == slot).count()
            assert sim.publish_slot(slot) == 120
            _wait(lambda: s.query(Reading).filter(Reading.ts == slot).count() >= 120 or s.expire_all())
            assert s.query(Reading).filter(Reading.ts == slot).count() - before == 120 - before
            _wait(lambda: s.query(Event).filter(Event.type == "telemetry.readings").count() or s.expire_all())
    finally:
        sim.stop()
        svc.stop()


@pytest.mark.parametrize("in_process", [False, True], ids=["receiver-process", "in-process"])
def test_a_reading_is_acked_only_once_stored_so_a_kill_loses_nothing(backend, mqtt_url, in_process):
    """Issue 19: the database is away, readings arrive, the server dies (its receiver SIGKILLed,
    nothing stored); the next start of the same session stores every one of them. Before, the
    receiver acked on arrival and the broker forgot them."""
    import signal

    from sqlalchemy.orm import sessionmaker

    from backend.db import make_engine
    from backend.ingest.mqtt import MqttIngest
    from backend.telemetry.ingest import TelemetryWriter
    from backend.telemetry.models import Reading
    from tests.conftest import free_port

    root = f"sc-test/{uuid.uuid4().hex[:8]}"
    client_id = f"sc-test-ack-{uuid.uuid4().hex[:8]}"
    uid = f"ack-{uuid.uuid4().hex[:6]}"
    add_meter(backend, uid)
    dead = make_engine(f"postgresql+psycopg://root@127.0.0.1:{free_port()}/test")  # nothing listens there
    first = MqttIngest(mqtt_url, TelemetryWriter(sessionmaker(dead)), topic_root=root, client_id=client_id,
                       in_process=in_process)
    first.start()
    pub = _publisher(mqtt_url)
    try:
        assert first.connected.wait(15)
        start = int(time.time() * 1000) - 600_000
        for i in range(50):
            pub.publish(f"{root}/{uid}", json.dumps({"ts": start + i * 1000, "values": {"kwh": i}}),
                        qos=1).wait_for_publish(10)
        _wait(lambda: first.writer.stats["write_retries"] >= 2)  # in hand, waiting for the database
        # The server dies: its receiver by SIGKILL (in-process: the connection drops unannounced).
        first._stop.set()  # its writer gives up the batch it holds, unacked
        if in_process:
            first._receiver._client._sock_close()
            first._receiver.stop()
        else:
            first._proc.send_signal(signal.SIGKILL)
        first._feeder.join(30)
        first._thread.join(30)
        with backend.sessionmaker() as s:
            assert s.query(Reading).count() == 0

        second = MqttIngest(mqtt_url, TelemetryWriter(backend.sessionmaker), topic_root=root,
                            client_id=client_id, in_process=in_process)
        second.start()
        try:
            with backend.sessionmaker() as s:
                try:
                    _wait(lambda: s.query(Reading).count() >= 50 or s.expire_all(), 60)
                except AssertionError:
                    raise AssertionError(f"stored {s.query(Reading).count()} of 50 after the restart") from None
                assert s.query(Reading).count() == 50
        finally:
            second.stop()
    finally:
        pub.loop_stop()
        pub.disconnect()
        dead.dispose()


def test_a_client_works_in_a_process_holding_over_1024_descriptors(mqtt_url):
    """A busy server holds many sockets; a new one numbered past 1024 must still reach the broker
    (paho's own loop waits with select(), which cannot watch it, and never got past CONNECT)."""
    import os
    import resource
    import threading

    from backend.ingest.mqtt import make_client

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1400:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1400, hard), hard))
    held = [os.open("/dev/null", os.O_RDONLY) for _ in range(1100)]
    got = threading.Event()
    client = make_client(mqtt_url, f"sc-test-fd-{uuid.uuid4().hex[:6]}")
    topic = f"sc-test/{uuid.uuid4().hex[:8]}"
    client.on_connect = lambda c, *a: c.subscribe(topic, qos=1)
    client.on_subscribe = lambda c, *a: c.publish(topic, b"hello", qos=1)
    client.on_message = lambda c, u, m: got.set()
    try:
        client.connect_async(*client._sc_addr)
        client.loop_start()
        assert got.wait(15), "no round trip through the broker"
        assert client.socket().fileno() >= 1024
    finally:
        client.loop_stop()
        client.disconnect()
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_driver_level_database_error_is_waited_out_not_counted_lost(backend):
    """PostgreSQL's COPY path raises psycopg's own OperationalError (unwrapped by SQLAlchemy) while the
    database restarts: the batch must be kept and written once it is back, never given up as
    write_failed (it was, and acked: the soak lost a dozen readings at each PostgreSQL restart)."""
    import psycopg

    from backend.ingest.mqtt import MqttIngest
    from backend.telemetry.ingest import TelemetryWriter
    from backend.telemetry.models import Reading

    uid = f"pg-{uuid.uuid4().hex[:6]}"
    add_meter(backend, uid)
    writer = TelemetryWriter(backend.sessionmaker)
    real_ingest, failures = writer.ingest, [2]

    def ingest_during_a_restart(batch, **kw):
        if failures[0]:
            failures[0] -= 1
            raise psycopg.OperationalError("terminating connection due to administrator command")
        return real_ingest(batch, **kw)

    writer.ingest = ingest_during_a_restart
    svc = MqttIngest("mqtt://127.0.0.1:1", writer)  # never started: only its writing is used here
    now = int(time.time() * 1000) // 1000 * 1000
    batch = [(uid, json.dumps({"ts": now - i * 1000, "values": {"kwh": i}}).encode()) for i in range(12)]
    assert svc._write(batch) is True
    assert writer.stats["write_retries"] == 2 and writer.stats["rejected.write_failed"] == 0
    with backend.sessionmaker() as s:
        assert s.query(Reading).count() == 12
