"""Controller events in (CSV over HTTP, batches over MQTT): bad input counted, duplicates once, live state."""

from __future__ import annotations

import json
import time

import pytest

from tests.signals.factories import controller, csv_of, cycles


def _make(api, uid="tsc-1"):
    r = api("admin").post("/api/v1/signals/controllers", json=controller(uid))
    assert r.status_code == 201, r.text


def test_csv_counts_bad_input_per_reason_and_stores_duplicates_once(api, backend):
    _make(api)
    c = api("dispatcher")
    now = int(time.time() * 1000)
    events = cycles(now - 600_000, 3)
    body = csv_of(events, "tsc-1")
    r = c.post("/api/v1/signals/events", content=body, headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json() == {"stored": len(set(events)), "duplicates": len(events) - len(set(events)), "rejected": {}}
    # The same file again, plus bad rows of every kind.
    bad = (b"TimeStamp,DeviceId,EventId,Parameter\n"
           + body.split(b"\n", 1)[1]
           + f"{now},tsc-1,abc,1\n".encode()             # unknown_code
           + f"{now},tsc-1,82,-4\n".encode()             # bad_parameter
           + b"yesterday,tsc-1,82,1\n"                   # bad_timestamp
           + f"{now + 3_600_000},tsc-1,82,1\n".encode()  # future_timestamp
           + f"{now},nobody,82,1\n".encode()             # unknown_controller
           + b"1,2\n")                                   # malformed
    r = c.post("/api/v1/signals/events", content=bad)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["stored"] == 0 and out["duplicates"] == len(events)
    assert out["rejected"] == {"unknown_code": 1, "bad_parameter": 1, "bad_timestamp": 1, "future_timestamp": 1,
                               "unknown_controller": 1, "malformed": 1}
    stats = c.get("/api/v1/signals/events/stats").json()["counters"]
    assert stats["stored"] == len(set(events)) and stats["rejected.unknown_code"] == 1


@pytest.mark.parametrize("body", [b"", b"no,header\n1,2\n", b"\xff\xfe\x00garbage"])
def test_csv_without_usable_header_is_a_clear_4xx_or_counted(api, body):
    _make(api)
    r = api("dispatcher").post("/api/v1/signals/events", content=body)
    assert r.status_code in (200, 400), r.text
    if r.status_code == 200:
        assert r.json()["stored"] == 0 and r.json()["rejected"].get("malformed") == 1
    else:
        assert "CSV" in r.json()["error"]["message"]


def test_events_need_login(api):
    assert api().post("/api/v1/signals/events", content=b"x").status_code == 401


def test_live_state_follows_the_events(api, backend):
    _make(api)
    c = api("dispatcher")
    now = int(time.time() * 1000)
    events = cycles(now - 125_000, 2, cycle_s=60, green_main=30)
    # End in the middle of the next main-street green with detector 3 held on.
    t = events[-1][0] + 100
    events += [(t, 1, 2), (t, 1, 6), (t + 500, 82, 3)]
    r = c.post("/api/v1/signals/events", content=csv_of(events, "tsc-1"))
    assert r.json()["stored"] > 0
    # CSV is an export, not a sign of life; a live (MQTT-shaped) batch makes the controller heard.
    from backend.signals.ingest import writer_for

    writer_for(backend.app).ingest([("tsc-1", json.dumps([[t + 600, 81, 1]]))])
    state = c.get("/api/v1/signals/controllers/tsc-1/state").json()
    groups = {g["phase"]: g for g in state["groups"]}
    assert groups[2]["state"] == "green" and groups[2]["since"] == t
    assert groups[4]["state"] == "red"
    assert state["mode"] == "coordinated" and state["plan"] == 1 and state["cycle_length"] == 60
    assert state["next_phases"] == [4, 8]
    assert 0 <= state["cycle_second"] < 60
    dets = {d["channel"]: d for d in state["detectors"]}
    assert dets[3]["on"] is True and dets[3]["since"] == t + 500 and dets[1]["on"] is False
    listed = c.get("/api/v1/signals/controllers").json()
    assert listed[0]["id"] == "tsc-1" and listed[0]["state"]["mode"] == "coordinated"
    # Flash: the unit reports flashing (173, not 2): every group flashes, mode flash.
    writer_for(backend.app).ingest([("tsc-1", json.dumps([[t + 1000, 173, 3]]))])
    state = c.get("/api/v1/signals/controllers/tsc-1/state").json()
    assert state["mode"] == "flash" and {g["state"] for g in state["groups"]} == {"flashing"}
    assert c.get("/api/v1/signals/controllers/nope/state").status_code == 404


def test_state_is_published_on_the_event_stream(api, backend):
    _make(api)
    from sqlalchemy import select

    from backend.events.models import Event
    from backend.signals.ingest import writer_for

    now = int(time.time() * 1000)
    writer_for(backend.app).ingest([("tsc-1", json.dumps([[now - 1000, 1, 2], [now - 1000, 1, 6]]))])
    with backend.sessionmaker() as s:
        ev = s.scalars(select(Event).where(Event.type == "signals.state")).all()
    assert ev and ev[-1].data["controller"] == "tsc-1"
    assert {g["phase"]: g["state"] for g in ev[-1].data["groups"]}[2] == "green"


def test_mqtt_batches_are_ingested(backend, mqtt_url, api):
    """A real broker: a controller publishes a batch, the subscriber stores it and counts bad items."""
    import paho.mqtt.client as mqtt

    from backend.signals.ingest import writer_for
    from backend.signals.mqtt import SignalsMqtt

    _make(api, "tsc-mq")
    link = SignalsMqtt(mqtt_url, writer_for(backend.app))
    link.start()
    try:
        assert link.connected.wait(10)
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        pub.connect("127.0.0.1", int(mqtt_url.rsplit(":", 1)[1]))
        pub.loop_start()
        now = int(time.time() * 1000)
        batch = [[now - 500, 1, 2], [now - 500, 1, 6], [now - 400, 82, 1], [now - 400, 82, 1], ["x", 1, 1]]
        pub.publish("city/signals/tsc-mq/events", json.dumps(batch), qos=1).wait_for_publish(5)
        pub.publish("city/signals/tsc-mq/events", b"{not json", qos=1).wait_for_publish(5)
        deadline = time.monotonic() + 10
        while writer_for(backend.app).stats["batches"] < 1 or writer_for(backend.app).stats["stored"] < 3:
            assert time.monotonic() < deadline, writer_for(backend.app).stats
            time.sleep(0.1)
        time.sleep(0.3)
        st = writer_for(backend.app).stats
        assert st["stored"] == 3 and st["duplicates"] == 1
        assert st["rejected.bad_timestamp"] == 1 and st["rejected.malformed"] == 1
        pub.loop_stop()
        pub.disconnect()
    finally:
        link.stop()


def test_raw_events_kept_by_day_and_dropped_by_retention(api, backend):
    """PostgreSQL: one partition per city day, dropped whole; SQLite: old rows deleted."""
    from sqlalchemy import func, select, text

    from backend.signals.ingest import drop_old_events, writer_for
    from backend.signals.models import SignalEvent

    _make(api)
    now = int(time.time() * 1000)
    old, new = now - 40 * 86_400_000, now - 60_000
    out = writer_for(backend.app).ingest([("tsc-1", json.dumps([[old, 1, 2], [new, 1, 2]]))], now_ms=now)
    assert out.stored == 2
    with backend.sessionmaker() as s:
        if s.get_bind().dialect.name == "postgresql":
            parts = s.execute(text("SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
                                   "WHERE p.relname = 'signal_events'")).scalar()
            assert parts == 2
        assert drop_old_events(s, retention_days=35, now_ms=now) == 1
        s.commit()
        assert [t for (t,) in s.execute(select(SignalEvent.ts))] == [new]
    writer_for(backend.app).partitions.forget()
    # A day dropped and written again gets its partition back.
    out = writer_for(backend.app).ingest([("tsc-1", json.dumps([[old + 1, 1, 6]]))], now_ms=now)
    assert out.stored == 1
