"""The archive API over a real recording, on SQLite and PostgreSQL: timeline, Range, exports, audit, roles."""

from __future__ import annotations

import hashlib
import io
import time
from datetime import timedelta

import av
import pytest

from tests.recordings.conftest import iso, load_recording

REASON = "Incident 17: check the crossing"


@pytest.fixture
def archive(backend, recorded):
    return load_recording(backend, recorded)


def _span(backend, cam):
    from sqlalchemy import func, select

    from backend.recordings.models import Segment

    with backend.sessionmaker() as s:
        return s.execute(select(func.min(Segment.start), func.max(Segment.end)).where(Segment.camera_id == cam)).one()


def test_timeline_shows_ranges_gap_and_events(api, backend, archive):
    sup = api("supervisor")
    first, last = _span(backend, archive["flaky"])
    r = sup.get(f"/api/v1/recordings/cameras/{archive['flaky']}/timeline",
                params={"start": iso(first - timedelta(minutes=1)), "end": iso(last + timedelta(minutes=1))})
    assert r.status_code == 200, r.text
    tl = r.json()
    assert len(tl["ranges"]) == 2 and len(tl["segments"]) >= 6
    kinds = {e["kind"] for e in tl["events"]}
    assert "lost_signal" in kinds and "motion" in kinds
    bad = sup.get(f"/api/v1/recordings/cameras/{archive['flaky']}/timeline", params={"start": iso(last), "end": iso(first)})
    assert bad.status_code in (400, 422) and "end must be after start" in bad.json()["error"]["message"]
    assert sup.get("/api/v1/recordings/cameras/999/timeline",
                   params={"start": iso(first), "end": iso(last)}).status_code == 404


def test_segments_need_an_audited_playback_and_honour_range(api, backend, archive):
    sup = api("supervisor")
    cam = archive["steady"]
    first, last = _span(backend, cam)
    seg = sup.get(f"/api/v1/recordings/cameras/{cam}/timeline",
                  params={"start": iso(first), "end": iso(last)}).json()["segments"][1]
    url = f"/api/v1/recordings/segments/{seg['id']}/file"
    assert sup.get(url).status_code == 403                       # no playback, no video
    assert sup.post("/api/v1/recordings/playback", json={"camera_ids": [cam], "start": iso(first),
                    "end": iso(last), "at": iso(first)}).status_code == 422   # the reason is required
    r = sup.post("/api/v1/recordings/playback", json={"camera_ids": [cam], "start": iso(first), "end": iso(last),
                                                      "at": seg["start"], "reason": REASON})
    assert r.status_code == 201, r.text
    pb = r.json()["id"]
    full = sup.get(url, params={"playback": pb})
    assert full.status_code == 200 and len(full.content) == seg["size"]
    assert full.headers["content-type"] == "video/mp4" and full.headers.get("accept-ranges") == "bytes"
    part = sup.get(url, params={"playback": pb}, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.content == full.content[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{seg['size']}"
    with av.open(io.BytesIO(full.content)) as c:
        assert sum(1 for _ in c.decode(video=0)) > 25
    # another supervisor cannot ride on this playback
    backend.add_user("sup2", "supervisor")
    other = api("sup2")
    assert other.get(url, params={"playback": pb}).status_code == 403
    audit = sup.get("/api/v1/audit", params={"action": "recording.playback"}).json()["items"]
    assert [a["id"] for a in audit] == [pb]
    assert audit[0]["username"] == "supervisor" and audit[0]["details"]["reason"] == REASON
    assert audit[0]["details"]["camera_ids"] == [cam] and audit[0]["details"]["start"] and audit[0]["details"]["end"]


def test_export_is_one_playable_mp4_with_a_matching_manifest(api, backend, archive):
    sup = api("supervisor")
    cam = archive["flaky"]
    first, last = _span(backend, cam)
    t1, t2 = first + timedelta(seconds=1.3), last - timedelta(seconds=1.1)   # across the gap
    r = sup.post("/api/v1/recordings/exports", json={"camera_id": cam, "start": iso(t1), "end": iso(t2),
                                                     "reason": REASON})
    assert r.status_code == 202, r.text
    exp = r.json()
    deadline = time.monotonic() + 30
    while exp["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        exp = sup.get(f"/api/v1/recordings/exports/{exp['id']}").json()
    assert exp["status"] == "done", exp
    data = sup.get(f"/api/v1/recordings/exports/{exp['id']}/file").content
    m = exp["manifest"]
    assert hashlib.sha256(data).hexdigest() == exp["sha256"] == m["sha256"] and len(data) == m["size"]
    assert m["camera"]["id"] == cam and m["user"] == "supervisor" and m["reason"] == REASON
    assert m["requested"]["start"] == t1.isoformat() and m["remuxed"] is True
    with av.open(io.BytesIO(data)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        frames = sum(1 for _ in c.decode(s))
    assert frames == m["frames"] and frames > 25 * 6
    manifest_file = backend.settings.resolved_media_dir / "exports" / m["file"].replace(".mp4", ".manifest.json")
    assert manifest_file.is_file()
    audit = sup.get("/api/v1/audit", params={"action": "recording.export"}).json()["items"]
    assert audit and audit[0]["details"]["reason"] == REASON and audit[0]["details"]["export_id"] == exp["id"]
    # nothing recorded → a clear refusal, not an empty file
    r = sup.post("/api/v1/recordings/exports", json={"camera_id": cam, "start": iso(last + timedelta(hours=1)),
                                                     "end": iso(last + timedelta(hours=2)), "reason": REASON})
    assert r.status_code == 422 and r.json()["error"]["code"] == "nothing_recorded"


def test_bookmarks_and_locks(api, backend, archive):
    sup = api("supervisor")
    cam = archive["steady"]
    first, last = _span(backend, cam)
    r = sup.post("/api/v1/recordings/bookmarks", json={"camera_id": cam, "at": iso(first + timedelta(seconds=3)),
                                                       "note": "red car"})
    assert r.status_code == 201 and r.json()["username"] == "supervisor"
    tl = sup.get(f"/api/v1/recordings/cameras/{cam}/timeline", params={"start": iso(first), "end": iso(last)}).json()
    assert [b["note"] for b in tl["bookmarks"]] == ["red car"]
    r = sup.post("/api/v1/recordings/locks", json={"camera_id": cam, "start": iso(first), "end": iso(last),
                                                   "reason": "case 2026/118"})
    assert r.status_code == 201
    lock = r.json()
    assert sup.get("/api/v1/recordings/locks", params={"camera_id": cam}).json()[0]["id"] == lock["id"]
    assert sup.delete(f"/api/v1/recordings/locks/{lock['id']}").status_code == 422   # why unlock?
    assert sup.delete(f"/api/v1/recordings/locks/{lock['id']}", params={"reason": "case closed"}).status_code == 204


def test_dispatcher_gets_403_on_every_archive_endpoint(api, backend, archive):
    disp = api("dispatcher")
    paths = {p: ops for p, ops in backend.app.openapi()["paths"].items() if p.startswith("/api/v1/recordings")}
    calls = [(m.upper(), p) for p, ops in paths.items() for m in ops]
    assert len(calls) >= 14
    for method, path in calls:
        for name in ("camera_id", "segment_id", "bookmark_id", "lock_id", "export_id"):
            path = path.replace("{" + name + "}", "1")
        r = disp.request(method, path, json={})
        assert r.status_code == 403, (method, path, r.status_code, r.text)
        assert r.json()["error"]["code"] == "forbidden"
    assert api().get(f"/api/v1/recordings/cameras/{archive['steady']}/timeline").status_code == 401


def test_retention_by_days_and_quota_keeps_locked_ranges(backend, archive, monkeypatch):
    from datetime import datetime, timezone

    from sqlalchemy import select

    from backend.recorder import retention
    from backend.recordings.models import EvidenceLock, RecordingQuota, Segment

    monkeypatch.setattr(retention, "MB", 1024)   # test segments are KBs, so count the quota in KB
    cam = archive["steady"]
    media = backend.settings.resolved_media_dir
    with backend.sessionmaker() as s:
        segs = list(s.scalars(select(Segment).where(Segment.camera_id == cam).order_by(Segment.start)))
        total = sum(g.size for g in segs)
        limit_kb = total // 2 // 1024
        # the second segment is evidence; the quota holds about half of what we have
        s.add(EvidenceLock(camera_id=cam, start=segs[1].start + timedelta(seconds=0.2),
                           end=segs[1].end - timedelta(seconds=0.2), reason="case", username="x"))
        s.add(RecordingQuota(camera_id=cam, quota_mb=limit_kb))
        s.commit()
        freed = retention.apply_retention(s, media, now=datetime.now(timezone.utc))
        s.commit()
        left = list(s.scalars(select(Segment).where(Segment.camera_id == cam).order_by(Segment.start)))
    assert freed[cam] > 0 and sum(g.size for g in left) <= limit_kb * 1024
    assert segs[1].id in {g.id for g in left}                       # the locked one stays
    assert segs[0].id not in {g.id for g in left} and not (media / segs[0].path).exists()   # oldest first
    assert left[-1].id == segs[-1].id                               # the newest stays
    # retention days: a week later, only the locked segment is left
    with backend.sessionmaker() as s:
        retention.apply_retention(s, media, now=datetime.now(timezone.utc) + timedelta(days=8))
        s.commit()
        left = list(s.scalars(select(Segment).where(Segment.camera_id == cam)))
    assert [g.id for g in left] == [segs[1].id] and (media / segs[1].path).exists()


def test_an_export_interrupted_by_a_restart_is_made_again(backend, archive, api):
    from backend.db import utcnow
    from backend.recordings.models import RecordingExport

    first, last = _span(backend, archive["steady"])
    with backend.sessionmaker() as s:
        exp = RecordingExport(camera_id=archive["steady"], start=first, end=last, reason="case 7", status="running",
                              progress=0.4, error="", path="", size=0, sha256="", manifest={}, username="supervisor",
                              created_at=utcnow())
        s.add(exp)
        s.commit()
        eid = exp.id
    sup = api("supervisor")            # starting the app runs its services: the export service resumes it
    deadline = time.monotonic() + 20
    while sup.get(f"/api/v1/recordings/exports/{eid}").json()["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.1)
    body = sup.get(f"/api/v1/recordings/exports/{eid}").json()
    assert body["status"] == "done" and body["manifest"]["frames"] > 0
