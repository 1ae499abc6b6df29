"""Deleting a camera keeps its evidence and its id (issue 18, finding 6)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


def _camera(admin, name: str) -> dict:
    r = admin.post("/api/v1/cameras", json={"name": name, "lat": 51.66, "lon": 35.65, "main_url": "rtsp://c.local/1"})
    assert r.status_code == 201, r.text
    return r.json()


def test_deleting_a_camera_keeps_evidence_and_never_reuses_its_id(backend, api):
    from backend.audit.models import AuditEntry
    from backend.recordings.models import EvidenceLock, Segment

    admin, sup = api("admin"), api("supervisor")
    _camera(admin, "Вокзал")
    cam = _camera(admin, "Площадь")  # the newest camera: SQLite reused exactly this id
    with backend.sessionmaker() as s:
        s.add(Segment(camera_id=cam["id"], start=T0, end=T0 + timedelta(seconds=10), size=10, path="x.mp4"))
        s.commit()
    lock = sup.post("/api/v1/recordings/locks", json={"camera_id": cam["id"], "start": T0.isoformat(),
                                                      "end": (T0 + timedelta(minutes=5)).isoformat(),
                                                      "reason": "ДТП, запрос полиции"})
    assert lock.status_code == 201, lock.text

    r = admin.delete(f"/api/v1/cameras/{cam['id']}")
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "conflict" and "evidence lock" in err["message"] and err["details"]["locks"] == 1
    with backend.sessionmaker() as s:
        assert s.query(EvidenceLock).filter_by(camera_id=cam["id"]).count() == 1
        assert s.query(Segment).filter_by(camera_id=cam["id"]).count() == 1
    assert admin.get(f"/api/v1/cameras/{cam['id']}").status_code == 200

    # Released with a reason (audited), the camera can go; its recordings stay for retention to judge.
    assert sup.delete(f"/api/v1/recordings/locks/{lock.json()['id']}", params={"reason": "дело закрыто"}
                      ).status_code == 204
    assert admin.delete(f"/api/v1/cameras/{cam['id']}").status_code == 204
    assert admin.get(f"/api/v1/cameras/{cam['id']}").status_code == 404
    assert cam["id"] not in [c["id"] for c in admin.get("/api/v1/cameras").json()]
    with backend.sessionmaker() as s:
        assert s.query(Segment).filter_by(camera_id=cam["id"]).count() == 1
        entry = s.query(AuditEntry).filter_by(action="camera.delete", target=f"camera:{cam['id']}").one()
        assert entry.details["name"] == "Площадь" and entry.details["kept"]["segments"] == 1
        assert entry.username == "admin"
    # The archive of a removed camera is still reviewable by supervisors.
    tl = sup.get(f"/api/v1/recordings/cameras/{cam['id']}/timeline",
                 params={"start": T0.isoformat(), "end": (T0 + timedelta(hours=1)).isoformat()})
    assert tl.status_code == 200 and len(tl.json()["segments"]) == 1

    again = _camera(admin, "Площадь")  # the name is free again, the id is not
    assert again["id"] > cam["id"]
    assert admin.delete(f"/api/v1/cameras/{cam['id']}").status_code == 404
