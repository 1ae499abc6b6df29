"""Every byte of archive video leaves under an audited permit, whatever the Range header says
(issue 18, finding 4): one parse of Range (RFC 9110) decides what is served and what is audited."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

DATA = bytes(range(256)) * 40  # 10,240 bytes standing in for an MP4
SIZE = len(DATA)
T0 = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)

# (Range header, status, served slice or None) — None: the whole file as 200.
CASES = [
    (None, 200, None),
    ("bytes=0-", 206, slice(0, SIZE)),
    ("bytes=-999999999", 206, slice(0, SIZE)),
    ("bytes= 0-", 206, slice(0, SIZE)),
    ("BYTES=0-", 206, slice(0, SIZE)),
    ("Bytes = 10-19", 206, slice(10, 20)),
    ("bytes=10-19", 206, slice(10, 20)),
    ("bytes=-10", 206, slice(SIZE - 10, SIZE)),
    ("bytes=100-99999999", 206, slice(100, SIZE)),
    ("bytes=0-1,5-6", 200, None),           # several ranges: ignored, the whole file
    ("bytes=0-1, 1-", 200, None),
    ("garbage", 200, None),
    ("bytes=5-1", 200, None),               # an invalid range-spec voids the header
    ("bytes=" + "9" * 60 + "-", 200, None),
    ("items=0-5", 200, None),
    ("bytes=", 200, None),
    ("bytes=99999-", 416, b""),
    ("bytes=-0", 416, b""),
]


@pytest.fixture
def archive(backend, api):
    """A camera with one segment file and one finished export file (plain bytes: only serving is tested)."""
    from backend.auth.models import User
    from backend.db import utcnow
    from backend.recordings.models import RecordingExport, Segment

    admin = api("admin")
    cam = admin.post("/api/v1/cameras", json={"name": "Архив", "lat": 51.66, "lon": 35.65,
                                              "main_url": "rtsp://cam.local/a"}).json()
    media = backend.settings.resolved_media_dir
    (media / "exports").mkdir(parents=True, exist_ok=True)
    (media / "seg.mp4").write_bytes(DATA)
    (media / "exports" / "e.mp4").write_bytes(DATA)
    with backend.sessionmaker() as s:
        sup = s.query(User).filter_by(username="supervisor").one()
        seg = Segment(camera_id=cam["id"], start=T0, end=T0 + timedelta(seconds=10), size=SIZE, path="seg.mp4")
        exp = RecordingExport(camera_id=cam["id"], start=T0, end=T0 + timedelta(seconds=10), reason="дело 7",
                              status="done", progress=1.0, error="", path="exports/e.mp4", size=SIZE, sha256="0" * 64,
                              manifest={}, user_id=sup.id, username=sup.username, created_at=utcnow())
        s.add_all([seg, exp])
        s.commit()
        return {"camera": cam["id"], "segment": seg.id, "export": exp.id}


def _downloads(backend) -> list[dict]:
    from backend.audit.models import AuditEntry

    with backend.sessionmaker() as s:
        return [e.details for e in s.query(AuditEntry).filter_by(action="recording.export_download")
                .order_by(AuditEntry.id)]


def _check_body(r, status, part):
    assert r.status_code == status, (r.status_code, r.text[:200])
    if status == 416:
        assert r.headers["content-range"] == f"bytes */{SIZE}"
        assert r.json()["error"]["code"] == "range_not_satisfiable"
        return
    want = DATA if part is None else DATA[part]
    assert r.content == want
    if status == 206:
        assert r.headers["content-range"] == f"bytes {part.start}-{part.stop - 1}/{SIZE}"


def test_every_export_download_is_audited_whatever_the_range(backend, api, archive):
    sup = api("supervisor")
    url = f"/api/v1/recordings/exports/{archive['export']}/file"
    described = []
    for header, status, part in CASES:
        before = len(_downloads(backend))
        r = sup.get(url, headers={"Range": header} if header else {})
        after = _downloads(backend)
        if r.status_code != 416:
            assert len(after) == before + 1, f"Range {header!r} served {len(r.content)} bytes without an audit entry"
        _check_body(r, status, part)
        if status == 416:
            assert len(after) == before, f"{header!r}: nothing served, nothing to audit"
            continue
        served = "whole" if part is None else f"bytes {part.start}-{part.stop - 1}"
        assert after[-1]["export_id"] == archive["export"]
        described.append((header, after[-1].get("bytes"), f"{served}/{SIZE}"))
    assert all(got == want for _, got, want in described), "the entry says which bytes were served"


def test_segment_bytes_need_a_playback_permit_whatever_the_range(backend, api, archive):
    sup = api("supervisor")
    url = f"/api/v1/recordings/segments/{archive['segment']}/file"
    for header, _, _ in CASES:  # no permit: refused before any parsing matters
        r = sup.get(url, headers={"Range": header} if header else {})
        assert r.status_code == 403, (header, r.status_code)
        assert set(r.json()["error"]) == {"code", "message", "details"}
    permit = sup.post("/api/v1/recordings/playback", json={
        "camera_ids": [archive["camera"]], "start": T0.isoformat(), "end": (T0 + timedelta(minutes=1)).isoformat(),
        "at": T0.isoformat(), "reason": "проверка"}).json()["id"]
    for header, status, part in CASES:
        r = sup.get(url, params={"playback": permit}, headers={"Range": header} if header else {})
        _check_body(r, status, part)
    assert api("dispatcher").get(url, params={"playback": permit}).status_code == 403


def test_parse_range_follows_rfc_9110():
    from backend.errors import AppError
    from backend.recordings.serving import parse_range

    assert parse_range("bytes=0-0", 1).partial and parse_range("bytes=0-0", 1).length == 1
    assert parse_range("bytes=-5", 3).first == 0 and parse_range("bytes=-5", 3).last == 2
    assert (parse_range("bytes=1-2,", 10).first, parse_range("bytes=1-2,", 10).last) == (1, 2)  # empty element
    with pytest.raises(AppError) as exc:
        parse_range("bytes=10-", 10)
    assert exc.value.status == 416
