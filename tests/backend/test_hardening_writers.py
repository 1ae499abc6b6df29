"""Concurrent status changes give one winner on both databases (issue 18, finding 10)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import TEST_PASSWORD, LiveServer


def test_parallel_acknowledge_has_exactly_one_winner(backend):
    """Ten dispatchers press "acknowledge" at once: one 200, nine 409, one history row, one bump."""
    server = LiveServer(backend).start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            token = c.post("/api/v1/auth/token", data={"username": "dispatcher", "password": TEST_PASSWORD}
                           ).json()["access_token"]
            h = {"Authorization": f"Bearer {token}"}
            for round_ in range(3):
                inc = c.post("/api/v1/incidents", headers=h, json={
                    "category": "roads", "priority": "high", "lat": 51.66, "lon": 35.65,
                    "description": f"Яма на дороге {round_}"}).json()

                clients = [httpx.Client(base_url=server.url, timeout=60) for _ in range(10)]
                for w in clients:  # connected before the start, so all ten arrive together
                    w.get("/api/v1/health")
                start = threading.Barrier(10)

                def ack(w):
                    start.wait()
                    return w.post(f"/api/v1/incidents/{inc['id']}/status", headers=h,
                                  json={"status": "acknowledged"}).status_code

                with ThreadPoolExecutor(10) as pool:
                    codes = sorted(pool.map(ack, clients))
                for w in clients:
                    w.close()
                assert codes == [200] + [409] * 9, codes
                after = c.get(f"/api/v1/incidents/{inc['id']}", headers=h).json()
                assert after["status"] == "acknowledged" and after["version"] == inc["version"] + 1
                history = c.get(f"/api/v1/incidents/{inc['id']}/history", headers=h).json()
                assert [e["new"] for e in history if e["field"] == "status"] == ["acknowledged"]
    finally:
        server.stop()
