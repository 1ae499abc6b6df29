"""The demo city seed and the complaint simulator, against a real backend."""

from __future__ import annotations

import stat
import time

import requests


def _seed(backend, creds_file, incidents: int) -> dict[str, str]:
    """The users' and the incidents' demo steps, as sc-server seed-demo runs them."""
    from backend.auth.demo import seed_demo as seed_users
    from backend.domain import DemoSeed
    from backend.incidents.demo import seed_demo as seed_incidents

    demo = DemoSeed(maker=backend.sessionmaker,
                    settings=backend.settings.model_copy(update={"demo_credentials_file": str(creds_file)}))
    seed_users(demo)
    seed_incidents(demo, count=incidents)
    return demo.created_users


def test_seed_demo_is_idempotent_and_plausible(database_url, tmp_path, monkeypatch):
    from sqlalchemy import func, select

    from backend.auth.demo import read_credentials
    from backend.incidents.models import CityService, Incident, IncidentHistory
    from tests.conftest import make_backend

    monkeypatch.delenv("SC_DEMO_PASSWORD", raising=False)
    backend = make_backend(database_url, tmp_path)
    creds_file = tmp_path / "demo-credentials.txt"
    created = _seed(backend, creds_file, incidents=120)
    assert set(created) == {"dispatcher", "supervisor", "admin"} and all(len(p) >= 8 for p in created.values())
    assert stat.S_IMODE(creds_file.stat().st_mode) == 0o600
    assert read_credentials(creds_file) == created
    assert _seed(backend, creds_file, incidents=120) == {}
    with backend.sessionmaker() as s:
        incidents = list(s.scalars(select(Incident)))
        assert len(incidents) == 120
        assert (s.scalar(select(func.count()).select_from(CityService)) or 0) >= 8
        assert (s.scalar(select(func.count()).select_from(IncidentHistory)) or 0) > 120
        assert all(51.64 <= i.lat <= 51.676 and 35.625 <= i.lon <= 35.68 for i in incidents)
        assert all("Курчатов" in i.address for i in incidents)
        assert len({i.status for i in incidents}) >= 4
        assert any(i.status == "duplicate" for i in incidents) and any(i.assignee for i in incidents)
        ages = [i.created_at for i in incidents]
        assert (max(ages) - min(ages)).days >= 10
        # Made through the incidents service: the search text and the rank are its own.
        assert all(i.search_text == f"{i.description}\n{i.address}".casefold() for i in incidents)
    # The seeded users log in with the written passwords.
    from fastapi.testclient import TestClient

    with TestClient(backend.app) as c:
        r = c.post("/api/v1/auth/token", data={"username": "dispatcher", "password": created["dispatcher"]})
        assert r.status_code == 200
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        page = c.get("/api/v1/incidents", params={"limit": 500}).json()
        assert page["total"] == 120
        assert c.get("/api/v1/services").json()
    backend.app.state.engine.dispose()


def test_seed_leaves_existing_users_alone(backend, tmp_path):
    creds_file = tmp_path / "demo-credentials.txt"
    assert _seed(backend, creds_file, incidents=5) == {}
    assert not creds_file.exists()


def test_complaint_simulator_posts_through_http(live_server):
    from citysim.complaints import ComplaintSimulator
    from tests.conftest import TEST_PASSWORD

    sim = ComplaintSimulator(live_server.url, "dispatcher", TEST_PASSWORD, interval=0.1, seed=1)
    sim.start()
    try:
        deadline = time.monotonic() + 15
        while sim.posted < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sim.stop()
    assert sim.posted >= 3 and not sim.running, sim.last_error
    token = requests.post(f"{live_server.url}/api/v1/auth/token",
                          data={"username": "dispatcher", "password": TEST_PASSWORD}).json()["access_token"]
    items = requests.get(f"{live_server.url}/api/v1/incidents", headers={"Authorization": f"Bearer {token}"},
                         params={"limit": 50}).json()["items"]
    assert len(items) == sim.posted
    assert all(i["source"] == "citizen" and i["status"] == "new" and i["client_uuid"] for i in items)
