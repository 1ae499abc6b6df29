"""Retention: each prunable table loses its rows older than its setting, keeps the newer, and
keeps everything when the setting is 0; on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from backend.audit.models import AuditEntry
from backend.cleaning.models import Fix
from backend.events.models import Event
from backend.incidents.models import IdempotencyKey
from backend.retention import prune_all, prunables
from backend.telemetry.models import Reading

NOW = datetime.now(timezone.utc)
OLD, NEW = NOW - timedelta(days=40), NOW - timedelta(days=5)  # either side of a 30-day setting


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def _count(backend, model) -> int:
    with backend.sessionmaker() as s:
        return s.scalar(select(func.count()).select_from(model))


def _prune(backend, **days) -> dict[str, int]:
    base = {"retain_events_days": 0, "retain_idempotency_days": 0, "retain_readings_days": 0,
            "retain_audit_days": 0, "retain_fleet_days": 0}
    settings = backend.settings.model_copy(update={**base, **days})
    return prune_all(backend.app.state.engine, settings, backend.app.state.domains)


def test_every_declared_table_has_a_setting(backend):
    tables = {p.table: p.setting for p in prunables(backend.app.state.domains)}
    assert tables == {"events": "retain_events_days", "incident_idempotency_keys": "retain_idempotency_days",
                      "readings": "retain_readings_days", "audit_log": "retain_audit_days",
                      "cleaning_fixes": "retain_fleet_days"}
    for setting in tables.values():
        assert getattr(backend.settings, setting) > 0  # on by default


@pytest.mark.parametrize("days", [30])
def test_events(backend, days):
    with backend.sessionmaker() as s:
        s.add_all([Event(type="t.old", data={}, created_at=OLD), Event(type="t.new", data={}, created_at=NEW)])
        s.commit()
    assert _prune(backend)["events"] == 0 and _count(backend, Event) == 2  # 0 keeps everything
    assert _prune(backend, retain_events_days=days)["events"] == 1
    with backend.sessionmaker() as s:
        assert [e.type for e in s.scalars(select(Event))] == ["t.new"]


def test_idempotency_keys(backend, api):
    client = api("dispatcher")
    for key in ("old-key", "new-key"):
        r = client.post("/api/v1/incidents", json={"category": "roads", "lat": 51.66, "lon": 35.65, "description": "pothole"},
                        headers={"Idempotency-Key": key})
        assert r.status_code == 201, r.text
    with backend.sessionmaker() as s:
        s.execute(update(IdempotencyKey).where(IdempotencyKey.key == "old-key").values(created_at=OLD))
        s.commit()
    assert _prune(backend, retain_idempotency_days=30)["incident_idempotency_keys"] == 1
    with backend.sessionmaker() as s:
        assert list(s.scalars(select(IdempotencyKey.key))) == ["new-key"]
    # The incidents themselves stay; only the replay memory of the old request is gone.
    assert len(client.get("/api/v1/incidents").json()["items"]) == 2


def test_raw_readings_go_rollups_stay(backend):
    from backend.telemetry.models import HourlyRollup

    with backend.sessionmaker() as s:
        s.add_all([Reading(device_id=1, key="kwh", ts=_ms(OLD), value=1.0),
                   Reading(device_id=1, key="kwh", ts=_ms(NEW), value=2.0)])
        s.add(HourlyRollup(device_id=1, key="kwh", bucket=_ms(OLD) // 3_600_000 * 3_600_000, count=1,
                           sum=1.0, min=1.0, max=1.0))
        s.commit()
    rollups = _count(backend, HourlyRollup)
    assert _prune(backend, retain_readings_days=30)["readings"] == 1
    with backend.sessionmaker() as s:
        assert list(s.scalars(select(Reading.ts))) == [_ms(NEW)]
    assert _count(backend, HourlyRollup) == rollups


def test_audit_kept_at_least_the_legal_minimum(backend):
    from backend.config import AUDIT_MIN_DAYS, Settings

    very_old = NOW - timedelta(days=AUDIT_MIN_DAYS + 30)
    with backend.sessionmaker() as s:
        s.add_all([AuditEntry(username="a", action="archive.view", at=very_old),
                   AuditEntry(username="a", action="archive.view", at=NEW)])
        s.commit()
    with pytest.raises(ValueError, match="SC_RETAIN_AUDIT_DAYS"):
        Settings(secret_key="k" * 40, retain_audit_days=30)
    assert _prune(backend, retain_audit_days=AUDIT_MIN_DAYS)["audit_log"] == 1
    assert _count(backend, AuditEntry) == 1


def test_fleet_fixes(backend):
    with backend.sessionmaker() as s:
        s.add_all([Fix(vehicle_id="m1", ts=_ms(OLD), lat=51.6, lon=35.6),
                   Fix(vehicle_id="m1", ts=_ms(NEW), lat=51.6, lon=35.6)])
        s.commit()
    assert _prune(backend, retain_fleet_days=30)["cleaning_fixes"] == 1
    assert _count(backend, Fix) == 1


def test_pruning_runs_as_a_duty(backend):
    from fastapi.testclient import TestClient

    with backend.sessionmaker() as s:
        s.add(Event(type="t.old", data={}, created_at=OLD))
        s.commit()
    backend.app.state.settings = backend.settings.model_copy(update={"retain_events_days": 30,
                                                                      "lease_poll_seconds": 0.1,
                                                                      "retention_interval_seconds": 0.5})
    with TestClient(backend.app):
        deadline = time.monotonic() + 30
        while _count(backend, Event) and time.monotonic() < deadline:
            time.sleep(0.1)
        duty = next(d for d in backend.app.state.duties if d.name.startswith("retention:"))
        assert duty.held
    assert _count(backend, Event) == 0
