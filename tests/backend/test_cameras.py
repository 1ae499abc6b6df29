"""Camera registry and wall layouts over the real API, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging

import pytest

CAM = {"name": "Central square", "lat": 51.6583, "lon": 35.6569, "address": "Sovetskaya sq.",
       "area": "Centre", "main_url": "rtsp://viewer:s3cret@10.0.0.5:554/main",
       "sub_url": "rtsp://viewer:s3cret@10.0.0.5:554/sub", "recording": True, "retention_days": 30}




def test_admin_creates_every_role_reads(api):
    admin = api("admin")
    r = admin.post("/api/v1/cameras", json=CAM)
    assert r.status_code == 201, r.text
    cam = r.json()
    assert cam["sub_url"] == CAM["sub_url"] and cam["enabled"] is True and cam["retention_days"] == 30
    for role in ("dispatcher", "supervisor", "admin"):
        c = api(role)
        listed = c.get("/api/v1/cameras").json()
        assert [x["id"] for x in listed] == [cam["id"]]
        # the client opens the stream itself, so it gets the URL it needs
        assert c.get(f"/api/v1/cameras/{cam['id']}").json()["main_url"] == CAM["main_url"]


def test_dispatcher_and_supervisor_cannot_edit(api):
    cam = api("admin").post("/api/v1/cameras", json=CAM).json()
    for role in ("dispatcher", "supervisor"):
        c = api(role)
        assert c.post("/api/v1/cameras", json=CAM | {"name": "x"}).status_code == 403
        r = c.patch(f"/api/v1/cameras/{cam['id']}", json={"enabled": False})
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        assert c.delete(f"/api/v1/cameras/{cam['id']}").status_code == 403
    assert api().get("/api/v1/cameras").status_code == 401


def test_patch_delete_filters_and_errors(api):
    admin = api("admin")
    a = admin.post("/api/v1/cameras", json=CAM).json()
    b = admin.post("/api/v1/cameras", json=CAM | {"name": "Stop Lenina", "area": "Stops",
                                                  "main_url": "http://10.0.0.9/mjpeg", "sub_url": None}).json()
    assert b["sub_url"] == "http://10.0.0.9/mjpeg"  # no sub stream: the main one is used
    r = admin.patch(f"/api/v1/cameras/{a['id']}", json={"enabled": False, "address": "Sq. 1"})
    assert r.status_code == 200 and r.json()["enabled"] is False and r.json()["address"] == "Sq. 1"
    assert [c["name"] for c in admin.get("/api/v1/cameras", params={"area": "Stops"}).json()] == ["Stop Lenina"]
    assert [c["name"] for c in admin.get("/api/v1/cameras", params={"q": "centr"}).json()] == ["Central square"]
    assert admin.post("/api/v1/cameras", json=CAM).status_code == 409
    assert admin.patch(f"/api/v1/cameras/{b['id']}", json={"name": CAM["name"]}).status_code == 409
    bad = admin.post("/api/v1/cameras", json=CAM | {"name": "n", "main_url": "ftp://x/y"})
    assert bad.status_code == 422 and "rtsp://" in bad.json()["error"]["message"]
    assert admin.post("/api/v1/cameras", json=CAM | {"name": "n", "lat": 123}).status_code == 422
    assert admin.post("/api/v1/cameras", json=CAM | {"name": "n", "retention_days": 0}).status_code == 422
    assert admin.patch(f"/api/v1/cameras/{a['id']}", json={"name": None}).status_code == 422
    assert admin.get("/api/v1/cameras/9999").status_code == 404
    assert admin.delete(f"/api/v1/cameras/{b['id']}").status_code == 204
    assert admin.get(f"/api/v1/cameras/{b['id']}").status_code == 404


def test_events_published_without_urls(api, backend):
    from sqlalchemy import select

    from backend.events.models import Event

    admin = api("admin")
    cam = admin.post("/api/v1/cameras", json=CAM).json()
    admin.patch(f"/api/v1/cameras/{cam['id']}", json={"recording": False})
    admin.delete(f"/api/v1/cameras/{cam['id']}")
    with backend.sessionmaker() as s:
        events = list(s.scalars(select(Event).where(Event.type.like("camera.%")).order_by(Event.id)))
    assert [e.type for e in events] == ["camera.created", "camera.updated", "camera.deleted"]
    assert events[1].data["changed"] == ["recording"]
    assert all("s3cret" not in repr(e.data) for e in events)


def test_credentials_never_in_audit_or_logs(api, backend, caplog):
    from sqlalchemy import select

    from backend.audit.models import AuditEntry

    caplog.set_level(logging.DEBUG)
    admin = api("admin")
    cam = admin.post("/api/v1/cameras", json=CAM).json()
    admin.patch(f"/api/v1/cameras/{cam['id']}", json={"main_url": "rtsp://root:topsecret@10.0.0.6/x"})
    with backend.sessionmaker() as s:
        audit = list(s.scalars(select(AuditEntry).where(AuditEntry.action.like("camera.%"))))
    assert [a.action for a in audit] == ["camera.create", "camera.update"]
    assert "viewer:***@10.0.0.5" in repr(audit[0].details)
    for secret in ("s3cret", "topsecret"):
        assert secret not in repr([a.details for a in audit])
        assert secret not in caplog.text


def test_mask_url():
    from backend_client.schemas.cameras import mask_url

    assert mask_url("rtsp://u:p@h:554/x?y=1") == "rtsp://u:***@h:554/x?y=1"
    assert mask_url("http://h/x") == "http://h/x"
    assert mask_url("rtsp://:p@h/x") == "rtsp://***:***@h/x"
    assert mask_url("") == ""


def test_layouts_own_and_shared(api):
    admin = api("admin")
    c1 = admin.post("/api/v1/cameras", json=CAM).json()["id"]
    c2 = admin.post("/api/v1/cameras", json=CAM | {"name": "Embankment"}).json()["id"]
    disp, sup = api("dispatcher"), api("supervisor")
    r = disp.post("/api/v1/cameras/layouts", json={"name": "Night", "grid": "2x2", "tiles": [c1, None, c2]})
    assert r.status_code == 201, r.text
    mine = r.json()
    assert mine["owner"] == "dispatcher" and mine["tiles"] == [c1, None, c2] and mine["shared"] is False
    assert sup.get("/api/v1/cameras/layouts").json() == []  # private until shared
    assert disp.post("/api/v1/cameras/layouts", json={"name": "Night"}).status_code == 409
    assert sup.post("/api/v1/cameras/layouts", json={"name": "Night"}).status_code == 201  # names are per owner
    r = disp.patch(f"/api/v1/cameras/layouts/{mine['id']}", json={"shared": True, "grid": "1"})
    assert r.status_code == 200 and r.json()["tiles"] == [c1]  # shrinking the grid drops the extra tiles
    assert {l["name"] for l in sup.get("/api/v1/cameras/layouts").json()} == {"Night"}
    assert len(sup.get("/api/v1/cameras/layouts").json()) == 2
    r = sup.patch(f"/api/v1/cameras/layouts/{mine['id']}", json={"name": "Mine now"})
    assert r.status_code == 403 and "belongs to dispatcher" in r.json()["error"]["message"]
    assert sup.delete(f"/api/v1/cameras/layouts/{mine['id']}").status_code == 403
    bad = disp.post("/api/v1/cameras/layouts", json={"name": "x", "grid": "2x2", "tiles": [1, 2, 3, 4, 5]})
    assert bad.status_code == 422
    assert disp.post("/api/v1/cameras/layouts", json={"name": "x", "grid": "5x5"}).status_code == 422
    bad = disp.post("/api/v1/cameras/layouts", json={"name": "x", "grid": "1", "tiles": [999]})
    assert bad.status_code == 422 and "999" in bad.json()["error"]["message"]
    # a deleted camera leaves an empty tile behind, not a dangling id
    assert admin.delete(f"/api/v1/cameras/{c1}").status_code == 204
    assert disp.get("/api/v1/cameras/layouts").json()[0]["tiles"] == [None]
    assert admin.delete(f"/api/v1/cameras/layouts/{mine['id']}").status_code == 204  # admin may tidy up
    assert disp.delete(f"/api/v1/cameras/layouts/{mine['id']}").status_code == 404


def test_seed_demo_cameras_is_idempotent(backend):
    from sqlalchemy import func, select

    from backend.cameras.demo import add_demo_cameras
    from backend.cameras.models import Camera
    from resources.city.cameras import DEMO_CAMERAS

    ports = {"rtsp_port": 18554, "http_port": 18090}
    with backend.sessionmaker() as s:
        assert add_demo_cameras(s, **ports) == len(DEMO_CAMERAS)
        s.commit()
        assert add_demo_cameras(s, **ports) == 0
        s.commit()
        assert s.scalar(select(func.count(Camera.id))) == len(DEMO_CAMERAS)
        areas = set(s.scalars(select(Camera.area)))
        stops = list(s.scalars(select(Camera).where(Camera.area == "Умные остановки")))
        crossings = list(s.scalars(select(Camera).where(Camera.area == "Перекрёстки")))
    assert {"Площади", "Перекрёстки", "Умные остановки", "Набережная"} == areas
    assert len(stops) == 8 and len(crossings) == 4
    assert all(c.main_url.startswith("http://127.0.0.1:18090/") for c in stops)
    assert all(c.sub_url.startswith("rtsp://127.0.0.1:18554/") and c.recording for c in crossings)
