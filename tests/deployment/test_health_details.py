"""GET /api/v1/health?details=1: admins see sizes by area, disk, ingest, duties and desktops; others may not."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from tests.conftest import TEST_PASSWORD


def test_details_are_for_admins_only(backend, api):
    assert api().get("/api/v1/health").json()["details"] is None
    assert api().get("/api/v1/health", params={"details": 1}).status_code == 401
    assert api("dispatcher").get("/api/v1/health", params={"details": 1}).status_code == 403
    assert api("supervisor").get("/api/v1/health", params={"details": 1}).status_code == 403


def test_details_show_what_runs_where(backend):
    backend.app.state.settings = backend.settings.model_copy(update={"lease_poll_seconds": 0.1,
                                                                      "instance": "control-1"})
    with TestClient(backend.app) as c:
        tok = c.post("/api/v1/auth/token", data={"username": "admin", "password": TEST_PASSWORD})
        c.headers["Authorization"] = f"Bearer {tok.json()['access_token']}"
        deadline = time.monotonic() + 30
        while True:
            d = c.get("/api/v1/health", params={"details": 1}).json()["details"]
            held = {x["name"]: x for x in d["duties"] if x["holder"]}
            if any(n.startswith("retention:") for n in held) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    assert d["instance"] == "control-1"
    retention = next(x for n, x in held.items() if n.startswith("retention:"))
    assert retention["holder"] == "control-1" and retention["held_here"] and retention["since"]
    areas = {a["area"]: a for a in d["areas"]}
    assert {"events", "incidents", "telemetry", "audit"} <= set(areas)
    assert "readings" in areas["telemetry"]["tables"]
    assert d["database_bytes"] > 0
    if d["database_dialect"] == "postgresql":  # PostgreSQL always knows; SQLite only with dbstat
        assert areas["incidents"]["bytes"] > 0
    assert d["media_free_bytes"] > 0 and d["media_total_bytes"] >= d["media_free_bytes"]
    assert d["desktops_connected"] == 0
