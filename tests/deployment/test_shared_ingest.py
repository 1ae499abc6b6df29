"""MQTT 5 shared subscriptions: two instances split the telemetry stream, each reading stored once."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.deployment.cluster import Instance, add_meters, add_users, cli, ingest_stats, token

pytestmark = pytest.mark.postgres


def test_two_instances_split_the_stream_and_store_each_reading_once(fresh_pg, mqtt_url, tmp_path):
    from backend.ingest.receiver import make_client

    cli(fresh_pg, "migrate")
    add_users(fresh_pg, ("admin",))
    uids = [f"sh-{uuid.uuid4().hex[:6]}-{i}" for i in range(10)]
    add_meters(fresh_pg, uids)
    # A group of this test's own: other tests on the same broker must not take its messages.
    env = {"SC_MQTT_SHARE_GROUP": f"t{uuid.uuid4().hex[:8]}"}
    a = Instance(fresh_pg, tmp_path, mqtt_url=mqtt_url, env=env).start()
    b = Instance(fresh_pg, tmp_path, mqtt_url=mqtt_url, env=env).start()
    try:
        admin = token(a.url, "admin")
        time.sleep(3)  # both subscribed (the receiver connects in its own process)
        pub = make_client(mqtt_url, f"sc-test-pub-{uuid.uuid4().hex[:6]}", mqtt5=True)
        pub.connect(*pub._sc_addr)
        pub.loop_start()
        base = int(time.time() * 1000) - 3_600_000
        n_per = 300
        for uid in uids:
            for i in range(n_per):
                pub.publish(f"city/telemetry/{uid}", json.dumps({"ts": base + i * 1000, "values": {"kwh": i}}), qos=1)
        pub.publish("city/telemetry/_flush", b"{}", qos=1).wait_for_publish(30)
        pub.loop_stop()
        expected = len(uids) * n_per
        engine = create_engine(fresh_pg.replace("postgresql://", "postgresql+psycopg://"))
        deadline = time.monotonic() + 120
        while True:
            with engine.connect() as conn:
                stored = conn.scalar(text("SELECT count(*) FROM readings"))
            if stored >= expected or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        engine.dispose()
        sa, sb = ingest_stats(a.url, admin), ingest_stats(b.url, admin)
        print(f"instance A stored {sa.get('stored', 0)}, B {sb.get('stored', 0)} of {expected}")
        assert stored == expected
        # Split, not copied: each instance stored a share and no reading reached both.
        assert sa.get("stored", 0) > 0 and sb.get("stored", 0) > 0
        assert sa.get("stored", 0) + sb.get("stored", 0) == expected
        assert sa.get("duplicates", 0) + sb.get("duplicates", 0) == 0
    finally:
        a.kill()
        b.kill()
