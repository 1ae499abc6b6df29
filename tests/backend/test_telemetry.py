"""Telemetry ingestion over HTTP: storing, duplicates, rejections, rollups (SQLite and PostgreSQL)."""

from __future__ import annotations

import time


from backend.citytime import DAY_MS, HOUR_MS, local_day_start

NOW = int(time.time() * 1000)


def add_meter(backend, uid: str, resource: str = "electricity", key: str = "kwh", site_code: str = "school-1",
              open_days: str = "01234"):
    from backend.telemetry import service
    from backend.telemetry.models import Site
    from backend_client.schemas.telemetry import DeviceIn, SiteIn

    with backend.sessionmaker() as s:
        site = s.query(Site).filter_by(code=site_code).one_or_none()
        if site is None:
            site = service.create_site(s, data=SiteIn(code=site_code, name="Школа № 1", kind="school",
                                                      address="ул. Ленина, 1", lat=51.66, lon=35.65,
                                                      open_days=open_days))
        dev = service.create_device(s, data=DeviceIn(uid=uid, name=f"{resource} meter", site_id=site.id,
                                                     resource=resource, key=key))
        s.commit()
        return dev.id


def post(c, device, payload):
    """The counts of a post: 200 when something was usable, else 422 with the counts in its details."""
    r = c.post("/api/v1/telemetry", json={"device": device, "payload": payload})
    assert r.status_code in (200, 422), r.text
    return r.json() if r.status_code == 200 else r.json()["error"]["details"]


def test_post_stores_once_and_rolls_up(api, backend):
    add_meter(backend, "m1")
    c = api("dispatcher")
    t0 = (NOW - 2 * DAY_MS) // HOUR_MS * HOUR_MS
    body = [{"ts": t0 + i * 900_000, "values": {"kwh": 1.5 + i}} for i in range(8)]  # two hours
    assert post(c, "m1", body) == {"stored": 8, "duplicates": 0, "rejected": {}}
    again = post(c, "m1", body[2:5] + [{"ts": t0 + 8 * 900_000, "values": {"kwh": 100}}])
    assert again["stored"] == 1 and again["duplicates"] == 3
    from sqlalchemy import select

    from backend.telemetry.models import DailyRollup, HourlyRollup, Reading
    with backend.sessionmaker() as s:
        assert s.query(Reading).count() == 9
        hours = {r.bucket: r for r in s.scalars(select(HourlyRollup).order_by(HourlyRollup.bucket))}
        first = hours[t0]
        assert (first.count, first.sum, first.min, first.max) == (4, 1.5 + 2.5 + 3.5 + 4.5, 1.5, 4.5)
        assert hours[t0 + 2 * HOUR_MS].count == 1 and hours[t0 + 2 * HOUR_MS].sum == 100
        days = list(s.scalars(select(DailyRollup)))
        assert sum(d.count for d in days) == 9
        assert {d.bucket for d in days} <= {local_day_start(t0), local_day_start(t0) + DAY_MS}
    stats = c.get("/api/v1/telemetry/stats").json()
    assert stats["stored"] == 9 and stats["duplicates"] == 3


def test_bare_values_object_uses_server_time(api, backend):
    add_meter(backend, "m2")
    c = api("dispatcher")
    assert post(c, "m2", {"kwh": 3})["stored"] == 1
    r = c.get("/api/v1/devices/m2").json()
    assert r["last_seen_at"] is not None and r["unit"] == "kWh"


def test_bad_input_is_counted_per_reason_and_ingestion_goes_on(api, backend):
    add_meter(backend, "m3")
    c = api("dispatcher")
    assert post(c, "nobody", {"ts": NOW, "values": {"kwh": 1}})["rejected"] == {"unknown_device": 1}
    assert post(c, "m3", "{not json")["rejected"] == {"malformed": 1}
    assert post(c, "m3", [])["rejected"] == {"malformed": 1}
    assert post(c, "m3", [{"ts": NOW, "values": "x"}, 7])["rejected"] == {"malformed": 2}
    mixed = post(c, "m3", {"ts": NOW, "values": {"kwh": "high", "t": True, "ok": 2.0, "n": None}})
    assert mixed["stored"] == 1 and mixed["rejected"] == {"non_numeric": 3}
    future = post(c, "m3", [{"ts": NOW + 7 * DAY_MS, "values": {"kwh": 1}}, {"ts": NOW - 1000, "values": {"kwh": 1}}])
    assert future["stored"] == 1 and future["rejected"] == {"future_timestamp": 1}
    assert post(c, "m3", {"ts": "yesterday", "values": {"kwh": 1}})["rejected"] == {"bad_timestamp": 1}
    stats = c.get("/api/v1/telemetry/stats").json()
    assert stats["rejected"] == {"unknown_device": 1, "malformed": 4, "non_numeric": 3,
                                 "future_timestamp": 1, "bad_timestamp": 1}
    assert "nobody" in stats["last_rejection"]["unknown_device"]
    assert stats["stored"] == 2


def test_telemetry_needs_login_and_devices_need_admin(api):
    assert api().post("/api/v1/telemetry", json={"device": "x", "payload": {}}).status_code == 401
    r = api("dispatcher").post("/api/v1/devices", json={"uid": "x1", "name": "x"})
    assert r.status_code == 403
    admin = api("admin")
    site = admin.post("/api/v1/devices/sites", json={"code": "k1", "name": "Детский сад № 3", "lat": 51.6,
                                                     "lon": 35.6}).json()
    r = admin.post("/api/v1/devices", json={"uid": "x1", "name": "water", "site_id": site["id"],
                                            "resource": "water", "key": "m3"})
    assert r.status_code == 201 and r.json()["unit"] == "m³"
    assert admin.post("/api/v1/devices", json={"uid": "x1", "name": "again"}).status_code == 409
    tree = admin.get("/api/v1/devices/sites").json()
    assert tree[0]["devices"][0]["uid"] == "x1"
    assert admin.get("/api/v1/devices/nope").status_code == 404


def test_writer_survives_a_batch_of_garbage(backend):
    from backend.telemetry.ingest import TelemetryWriter

    add_meter(backend, "m4")
    w = TelemetryWriter(backend.sessionmaker)
    out = w.ingest([("m4", b"\xff\xfe"), ("m4", b'{"ts": 1, "values": {"kwh": 1}}'),
                    ("m4", b'{"ts": %d, "values": {"kwh": 1}}' % NOW), ("ghost", b"{}"),
                    ("m4", b'{"ts": %d, "values": {"kwh": 1}}' % NOW)])
    assert out.stored == 1 and out.duplicates == 1  # the same reading twice in one batch
    assert dict(out.rejected) == {"malformed": 1, "bad_timestamp": 1, "unknown_device": 1}
