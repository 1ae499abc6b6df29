"""The simulated city's buses and boards against a real server over the real broker (live, in real time)."""

from __future__ import annotations

import time

import pytest

from tests.conftest import LiveServer, make_backend

pytestmark = pytest.mark.mqtt


def test_bus_simulator_drives_buses_and_boards_into_a_live_server(tmp_path, mqtt_url):
    from backend.domain import DemoSeed
    from backend.transit import models as m
    from backend.transit.demo import seed
    from citysim.transit.runner import BusSimulator

    b = make_backend(f"sqlite:///{tmp_path / 'sim.sqlite3'}", tmp_path)
    b.app.state.settings = b.settings.model_copy(update={"mqtt_url": mqtt_url, "run_ingest": True})
    seed(DemoSeed(maker=b.sessionmaker, settings=b.settings))
    server = LiveServer(b).start()
    sim = BusSimulator(server.url, mqtt_url, board_every_s=1.0)
    sim.start()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with b.sessionmaker() as s:
                vehicles = s.query(m.Vehicle).count()
                seen = s.query(m.Board).filter(m.Board.last_seen_at.is_not(None)).count()
            if vehicles and seen >= 7:
                break
            time.sleep(0.5)
        assert sim.published > 0 and vehicles > 0, "buses run at every hour (night trips to the plant)"
        assert seen >= 7
    finally:
        sim.stop()
        server.stop()
        b.app.state.engine.dispose()
