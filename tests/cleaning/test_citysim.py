"""The simulated fleet against the product: a day of the demo sections classified like the simulator's
truth, and the live simulator's reports arriving over MQTT."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from backend.cleaning import service
from backend.cleaning.coverage import compute
from backend.cleaning.demo import seed_sections
from backend.cleaning.schedule import CITY_TZ, parse_rules, windows_on
from citysim.cleaning import CleaningCity, CleaningSimulator
from tests.conftest import TEST_PASSWORD, Backend, LiveServer

DAY = date(2026, 6, 10)


def _sections(maker, day):
    with maker() as s:
        seed_sections(s)
        s.commit()
        out = []
        for sec in service.list_sections(s):
            d = sec.model_dump(mode="json")
            d["windows"] = windows_on(parse_rules(d["schedule"]), day)
            out.append(d)
    return out


def test_a_simulated_day_is_classified_like_the_truth(backend):
    city = CleaningCity(_sections(backend.sessionmaker, DAY), seed=3)
    start = datetime.combine(DAY, datetime.min.time(), CITY_TZ)
    fixes = [{"vehicle_id" if k == "vehicle" else k: v for k, v in f.items()}
             for f in city.fixes_between(start, start + timedelta(days=1))]
    with backend.sessionmaker() as s:
        for k in range(0, len(fixes), 20_000):
            service.ingest_fixes(s, fixes[k:k + 20_000])
        s.commit()
        result = compute(s, day=DAY, now=start + timedelta(days=1, hours=1))
    got = {(r.section_id, r.window_start): r.state for r in result.sections}
    truth = city.truth
    assert set(got) == set(truth)
    agree = sum(got[k] == truth[k] for k in truth) / len(truth)
    wrong = {k: (truth[k], got[k]) for k in truth if got[k] != truth[k]}
    assert agree >= 0.98, wrong
    assert "missed" in truth.values() and "partly" in truth.values()
    assert sorted(got[k] for k in truth if truth[k] != "done") == sorted(t for t in truth.values() if t != "done")
    idle = next(m for m in city.machines if m.idle)
    assert not idle.jobs and any(f["vehicle_id"] == idle.id for f in fixes)


def test_the_live_simulator_reports_over_mqtt(tmp_path, mqtt_url):
    from backend.app import create_app
    from backend.config import Settings

    # make_backend turns the services off; this test needs the fleet ingest running in the server.
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'sim.sqlite3'}", media_dir=str(tmp_path / "media"),
                        secret_key="t" * 48, run_ingest=True, run_recorder=False, mqtt_url=mqtt_url,
                        works_duty=False, cleaning_duty=True)
    b = Backend(app=create_app(settings), settings=settings, tmp=tmp_path)
    b.add_user("dispatcher", "dispatcher")
    with b.sessionmaker() as s:
        seed_sections(s)
        s.commit()
    server = LiveServer(b).start()
    sim = CleaningSimulator(server.url, mqtt_url, "dispatcher", TEST_PASSWORD, speed=5.0)
    try:
        sim.start()
        deadline = time.monotonic() + 30
        vehicles = []
        while time.monotonic() < deadline:
            with b.sessionmaker() as s:
                vehicles = service.list_vehicles(s)
            if len(vehicles) == 15:
                break
            time.sleep(0.5)
        assert len(vehicles) == 15, (sim.published, vehicles)
        assert sim.city is not None and sim.published >= 15
    finally:
        sim.stop()
        server.stop()
        b.app.state.engine.dispose()


def test_without_a_broker_the_fleet_reports_over_http(live_server):
    with live_server.backend.sessionmaker() as s:
        seed_sections(s)
        s.commit()
    sim = CleaningSimulator(live_server.url, "", "dispatcher", TEST_PASSWORD, speed=5.0)
    try:
        sim.start()
        deadline = time.monotonic() + 30
        vehicles = []
        while time.monotonic() < deadline and len(vehicles) < 15:
            time.sleep(0.5)
            with live_server.backend.sessionmaker() as s:
                vehicles = service.list_vehicles(s)
        assert len(vehicles) == 15 and sim.published >= 15
    finally:
        sim.stop()
