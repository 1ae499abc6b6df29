"""Texts the server writes come with a stable code and their values, beside the English text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from backend_client.schemas.common import ErrorBody
from backend_client.schemas.energy import AlarmOut
from tests.backend.test_telemetry import add_meter
from tests.backend.test_telemetry_energy import NOW


def test_a_silent_meter_alarm_carries_its_code_and_minutes(api, backend):
    from backend.energy.rules import evaluate
    from backend.telemetry.models import Device

    el = add_meter(backend, "el-7", resource="electricity")
    with backend.sessionmaker() as s:
        s.get(Device, el).last_seen_at = datetime.fromtimestamp(NOW / 1000, timezone.utc) - timedelta(minutes=95)
        s.commit()
        evaluate(s, now_ms=NOW)
        s.commit()
    r = api("dispatcher").get("/api/v1/energy/alarms", params={"state": "active"})
    assert r.status_code == 200, r.text
    alarm = next(AlarmOut.model_validate(a) for a in r.json() if a["device"] == "el-7")
    assert alarm.type == "silent_meter"
    assert (alarm.code, alarm.params) == ("energy.silent_meter", {"minutes": 95})
    assert alarm.message == "No readings for 95 min"  # kept for API users and older clients


def test_an_error_body_has_a_code_and_the_details_its_message_is_made_of(api):
    r = api("dispatcher").get("/api/v1/transit/stops")
    assert r.status_code == 404, r.text
    body = ErrorBody.model_validate(r.json())
    assert body.error.code == "not_found" and body.error.details == {"what": "transit schedule"}
    assert body.error.message.startswith("No GTFS feed has been imported yet")


def test_openapi_documents_the_codes(api):
    schemas = api().get("/openapi.json").json()["components"]["schemas"]
    alarm = schemas["AlarmOut"]["properties"]
    assert {"code", "params", "message"} <= set(alarm)
    assert "energy.silent_meter" in alarm["code"]["description"] and alarm["params"]["description"]
    assert "translate" in schemas["ErrorDetail"]["properties"]["code"]["description"]


def test_a_signal_fault_carries_its_code_and_values(api, backend):
    import json
    import time

    from backend.signals import faults
    from backend.signals.ingest import writer_for
    from backend_client.schemas.signals import FaultOut
    from tests.signals.factories import controller

    assert api("admin").post("/api/v1/signals/controllers", json=controller()).status_code == 201
    now = int(time.time() * 1000)
    writer_for(backend.app).ingest([("tsc-1", json.dumps([[now - 2000, 1, 2]]))], now_ms=now)
    with backend.sessionmaker() as s:
        faults.evaluate(s, now_ms=now + 61_000 + 10_000)  # silent past the timeout: comm_lost
        s.commit()
    fault = FaultOut.model_validate(api("dispatcher").get("/api/v1/signals/faults").json()[0])
    assert fault.kind == "comm_lost" and fault.code == "signals.comm_lost"
    assert set(fault.params) == {"since"} and fault.detail.startswith("No events since ")
