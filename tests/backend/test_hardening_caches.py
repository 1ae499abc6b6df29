"""Per-key caches are bounded, whatever keys the outside world makes up (issue 18, finding 9)."""

from __future__ import annotations

import json
import time

from backend.cache import BoundedCache
from backend.telemetry.ingest import TelemetryWriter
from tests.backend.test_telemetry import add_meter


def test_bounded_cache_drops_least_recently_used_and_counts():
    c: BoundedCache[str, int] = BoundedCache(3)
    for i, k in enumerate("abc"):
        c[k] = i
    assert c.get("a") == 0  # a is now the most recent
    c["d"] = 3
    assert "b" not in c and list(c) == ["c", "a", "d"] and c.evictions == 1
    assert c.stats() == {"entries": 3, "max_entries": 3, "evictions": 1}


def test_made_up_device_ids_do_not_grow_the_writer(backend):
    add_meter(backend, "el-real")
    writer = TelemetryWriter(backend.sessionmaker, cache_entries=100)
    now = int(time.time() * 1000)
    body = json.dumps({"ts": now, "values": {"kwh": 1.0}})
    for start in range(0, 2000, 500):
        out = writer.ingest([(f"{i:064d}", body) for i in range(start, start + 500)] + [("el-real", body)])
        assert out.rejected["unknown_device"] == 500 and out.stored + out.duplicates == 1
    stats = writer.process_stats()
    assert stats["cache.unknown_devices"]["entries"] <= 100
    assert stats["cache.unknown_devices"]["evictions"] >= 1900
    assert stats["cache.devices"]["entries"] == 1
