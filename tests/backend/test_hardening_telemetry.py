"""A bad telemetry message costs only itself and is counted under a named reason; a burst over the
real broker is stored whole (issue 18, findings 2 and 3)."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from tests.backend.test_telemetry import add_meter

DEEP = "[" * 100_000 + "]" * 100_000          # RecursionError in json.loads
HUGE = "1" + "0" * 399                        # OverflowError in float()


def _poison(now: int) -> list[tuple[str, bytes | str]]:
    """(uid suffix, payload): what an attacker or a broken device sends."""
    return [
        ("a", DEEP),
        ("a", '{"ts": %d, "values": {"kwh": %s}}' % (now - 5000, HUGE)),
        ("a", '{"ts": %s, "values": {"kwh": 1}}' % HUGE),
        ("a", json.dumps({"ts": now - 4000, "values": {"k\u0000wh": 1}})),
        ("a", '{"ts": %d, "values": {"kwh": [%s]}}' % (now - 3000, "[" * 50_000 + "]" * 50_000)),
        ("a", b"\xff\xfe not utf-8"),
    ]


def test_one_bad_message_costs_only_itself(backend):
    from backend.telemetry.ingest import TelemetryWriter
    from backend.telemetry.models import Reading

    a, b = add_meter(backend, "poison-a"), add_meter(backend, "poison-b")
    now = int(time.time() * 1000) - 60_000
    good = [("poison-a", json.dumps({"ts": now - 9000, "values": {"kwh": 1}})),
            ("poison-b", json.dumps({"ts": now - 9000, "values": {"kwh": 2}})),
            ("poison-b", json.dumps({"ts": now - 8000, "values": {"kwh": 3, "bad": 10 ** 400}}))]
    bad = [(f"poison-{u}", p) for u, p in _poison(now)] + [("poi\u0000son", "{}"), ("x" * 70_000, "{}")]
    writer = TelemetryWriter(backend.sessionmaker)
    out = writer.ingest(good[:1] + bad + good[1:])
    assert out.stored == 3
    with backend.sessionmaker() as s:
        assert sorted(r.value for r in s.query(Reading).filter(Reading.device_id.in_((a, b)))) == [1.0, 2.0, 3.0]
    assert out.rejected == {"too_deep": 2, "out_of_range": 2, "bad_timestamp": 1, "bad_key": 1,
                            "malformed": 1, "unknown_device": 2}


def test_http_answers_4xx_for_an_unusable_body_never_500(api, backend):
    add_meter(backend, "poison-h")
    c = api("dispatcher")
    now = int(time.time() * 1000) - 60_000
    body = '{"device": "poison-h", "payload": {"ts": %d, "values": {"kwh": %s}}}' % (now, HUGE)
    r = c.post("/api/v1/telemetry", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"]["rejected"] == {"out_of_range": 1}
    r = c.post("/api/v1/telemetry", json={"device": "poison-h", "payload": {"ts": now, "values": {"kwh": 2, "x": "y"}}})
    assert r.status_code == 200 and r.json()["rejected"] == {"non_numeric": 1} and r.json()["stored"] == 1
    for payload in ('{"device": "poison-h", "payload": %s}' % DEEP,
                    '{"device": "poi\\u0000son-h", "payload": {"kwh": 1}}'):
        r = c.post("/api/v1/telemetry", content=payload, headers={"Content-Type": "application/json"})
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
        assert set(r.json()["error"]) == {"code", "message", "details"}
    stats = c.get("/api/v1/telemetry/stats").json()
    assert stats["rejected"]["out_of_range"] == 1 and stats["rejected"]["unknown_device"] == 1 and stats["stored"] == 1


def test_a_message_the_database_refuses_is_found_and_counted(backend, monkeypatch):
    """A write failure the parser could not foresee: the batch is halved until only the culprit is left."""
    from backend.ingest import mqtt as ingest_mqtt
    from backend.telemetry import ingest
    from backend.telemetry.ingest import TelemetryWriter
    from backend.telemetry.models import Reading

    dev = add_meter(backend, "poison-w")
    real = ingest.write_readings

    def refuse_666(session, rows):
        if any(v == 666 for *_, v in rows):
            raise ValueError("the database refuses 666")
        return real(session, rows)

    monkeypatch.setattr(ingest, "write_readings", refuse_666)
    writer = TelemetryWriter(backend.sessionmaker)
    svc = ingest_mqtt.MqttIngest("mqtt://127.0.0.1:1", writer)
    now = int(time.time() * 1000) - 600_000
    batch = [("poison-w", json.dumps({"ts": now + i, "values": {"kwh": 666 if i == 13 else i}})) for i in range(40)]
    svc._write(batch)
    with backend.sessionmaker() as s:
        assert s.query(Reading).filter_by(device_id=dev).count() == 39
    assert writer.stats["rejected.write_failed"] == 1
    stats = {c.name: c.count for c in _counters(backend)}
    assert stats["rejected.write_failed"] == 1 and stats["stored"] == 39


def _counters(backend):
    from backend.telemetry.models import TelemetryCounter

    with backend.sessionmaker() as s:
        return list(s.query(TelemetryCounter))


@pytest.mark.mqtt
def test_poison_over_the_broker_loses_no_good_reading(backend, mqtt_url):
    from backend.ingest.mqtt import MqttIngest, make_client
    from backend.telemetry.ingest import TelemetryWriter
    from backend.telemetry.models import Reading

    root = f"sc-test/{uuid.uuid4().hex[:8]}"
    a, b = add_meter(backend, f"pa-{root[-8:]}"), add_meter(backend, f"pb-{root[-8:]}")
    writer = TelemetryWriter(backend.sessionmaker)
    svc = MqttIngest(mqtt_url, writer, topic_root=root, batch_wait_s=0.5)
    svc.start()
    pub = make_client(mqtt_url, f"sc-test-pub-{uuid.uuid4().hex[:6]}")
    try:
        assert svc.connected.wait(15)
        pub.connect(*pub._sc_addr)
        pub.loop_start()
        now = int(time.time() * 1000) - 60_000
        sent = []
        for i in range(20):  # good readings of two devices, each poison message among them
            for uid in (f"pa-{root[-8:]}", f"pb-{root[-8:]}"):
                sent.append(pub.publish(f"{root}/{uid}", json.dumps({"ts": now + i, "values": {"kwh": i}}), qos=1))
            if i < len(_poison(now)):
                sent.append(pub.publish(f"{root}/pa-{root[-8:]}", _poison(now)[i][1], qos=1))
        for info in sent:
            info.wait_for_publish(30)
        deadline = time.monotonic() + 60
        while writer.stats["messages"] < len(sent) and time.monotonic() < deadline:
            time.sleep(0.1)
        with backend.sessionmaker() as s:
            assert s.query(Reading).filter(Reading.device_id.in_((a, b))).count() == 40
        assert writer.stats.get("failed_batches", 0) == 0
        assert {k: v for k, v in writer.stats.items() if k.startswith("rejected.")} == {
            "rejected.too_deep": 2, "rejected.out_of_range": 1, "rejected.bad_timestamp": 1,
            "rejected.bad_key": 1, "rejected.malformed": 1}
    finally:
        pub.loop_stop()
        svc.stop()


PUBLISHER = """
import json, sys, time, uuid
import paho.mqtt.client as mqtt
root, n, t0, uids = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="sc-test-burst-" + uuid.uuid4().hex[:6])
c.max_inflight_messages_set(1000)
c.connect("127.0.0.1", 1883)
c.loop_start()
infos = [c.publish(f"{root}/{uids[i % len(uids)]}", json.dumps({"ts": t0 + i, "values": {"kwh": i}}), qos=1)
         for i in range(n)]
for info in infos:
    info.wait_for_publish(120)
c.loop_stop()
"""


def _publish_burst(root: str, n: int, t0: int, uids: list[str]) -> None:
    """n QoS 1 messages at once from another process, as a city's devices would."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", PUBLISHER, root, str(n), str(t0), ",".join(uids)], check=True, timeout=180)


def _stored(backend, ids) -> int:
    from backend.telemetry.models import Reading

    with backend.sessionmaker() as s:
        return s.query(Reading).filter(Reading.device_id.in_(ids)).count()


def _settle(backend, ids, want: int, timeout: float = 120.0) -> int:
    deadline, last, still = time.monotonic() + timeout, -1, 0
    while time.monotonic() < deadline:
        n = _stored(backend, ids)
        if n >= want:
            return n
        still = still + 1 if n == last else 0
        if still > 50:  # nothing new for 5 s: it is not coming
            return n
        last = n
        time.sleep(0.1)
    return _stored(backend, ids)


@pytest.mark.mqtt
def test_a_burst_of_5000_is_stored_whole_while_the_server_is_busy(backend, mqtt_url):
    """5,000 QoS 1 readings published at once, while a busy thread in the server process competes for
    the GIL (it starved the old in-process subscriber: ~3,000–3,700 stored, nothing counted), are all
    stored; then readings sent while ingestion was down arrive with the persistent session."""
    import threading

    from backend.ingest.mqtt import MqttIngest
    from backend.telemetry.ingest import TelemetryWriter

    root = f"sc-test/{uuid.uuid4().hex[:8]}"
    uids = [f"burst{i}-{root[-8:]}" for i in range(10)]
    ids = [add_meter(backend, u) for u in uids]
    writer = TelemetryWriter(backend.sessionmaker)
    busy = threading.Event()

    def request_work():  # stands in for the web server's own Python work
        while not busy.is_set():
            sum(i * i for i in range(20_000))

    spinner = threading.Thread(target=request_work, daemon=True)
    spinner.start()
    client_id = f"sc-test-ingest-{uuid.uuid4().hex[:8]}"
    svc = MqttIngest(mqtt_url, writer, topic_root=root, client_id=client_id, session_expiry_s=300)
    svc.start()
    try:
        assert svc.connected.wait(30)
        t0 = int(time.time() * 1000) - 3_000_000
        _publish_burst(root, 5000, t0, uids)
        n = _settle(backend, ids, 5000)
        assert n == 5000, (f"stored {n} of 5000; writer {dict(writer.stats)}; broker-wide drops "
                           f"{writer.stats.get('broker_dropped_total')} (Mosquitto max_queued_messages)")
        assert not any(k.startswith("rejected.") for k in writer.stats)
    finally:
        svc.stop()
    # Down for a while: the broker keeps the session's messages; the same client id collects them.
    _publish_burst(root, 300, t0 + 10_000, uids)
    again = MqttIngest(mqtt_url, writer, topic_root=root, client_id=client_id, session_expiry_s=0)
    again.start()
    try:
        assert _settle(backend, ids, 5300) == 5300
    finally:
        again.stop()
        busy.set()


@pytest.mark.mqtt
def test_the_receiver_also_runs_in_process_for_frozen_builds(backend, mqtt_url):
    """A frozen build has no `python -m`: the same receiver runs as a thread, and stop() stores what it holds."""
    from backend.ingest.mqtt import MqttIngest
    from backend.telemetry.ingest import TelemetryWriter

    root = f"sc-test/{uuid.uuid4().hex[:8]}"
    uids = [f"inproc-{root[-8:]}"]
    ids = [add_meter(backend, uids[0])]
    svc = MqttIngest(mqtt_url, TelemetryWriter(backend.sessionmaker), topic_root=root, in_process=True,
                     session_expiry_s=0)
    svc.start()
    try:
        assert svc.connected.wait(30)
        _publish_burst(root, 500, int(time.time() * 1000) - 3_000_000, uids)
        assert _settle(backend, ids, 500) == 500
    finally:
        svc.stop()
    assert not svc._feeder.is_alive() and not svc._thread.is_alive()
