"""Camera outages on a real stream: the recorder notes the lost signal, the duty opens one incident
after the threshold (not before), keeps it one across evaluations and a recorder restart, and
resolves it with a note when the stream is back."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select


def _wait(cond, timeout: float = 60.0, what: str = ""):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = cond()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _lost(backend, cam_id):
    from backend.recordings.models import CameraEvent

    with backend.sessionmaker() as s:
        return [(e.id, e.start, e.end, dict(e.details or {})) for e in s.scalars(
            select(CameraEvent).where(CameraEvent.camera_id == cam_id, CameraEvent.kind == "lost_signal")
            .order_by(CameraEvent.id))]


def _evaluate(backend, now):
    from backend.recordings.outages import evaluate

    with backend.sessionmaker() as s:
        stats = evaluate(s, threshold_minutes=5, now=now)
        s.commit()
    return stats


def _camera_incidents(api):
    r = api("dispatcher").get("/api/v1/incidents", params={"limit": 100})
    assert r.status_code == 200, r.text
    body = r.json()
    return [i for i in (body["items"] if isinstance(body, dict) else body) if i["source"] == "camera"]


def test_a_camera_without_signal_becomes_one_incident_resolved_when_it_is_back(backend, api, tmp_path):
    from backend.cameras.models import Camera
    from backend.recorder.service import Recorder, RecorderOptions
    from backend.recorder.testsource import LiveH264Source, encode_clip

    clip = encode_clip(tmp_path / "clip.ts", seconds=4, fps=25, size=(160, 120), gop=25)
    src = LiveH264Source(clip).start()
    with backend.sessionmaker() as s:
        cam = Camera(name="Площадь Коммунаров, север", lat=51.6601, lon=35.6512, address="пл. Коммунаров, 1",
                     area="центр", main_url=src.url, sub_url=src.url, enabled=True, recording=True)
        s.add(cam)
        s.commit()
        cam_id = cam.id
    opts = RecorderOptions(segment_seconds=2.0, poll_seconds=0.3, backoff_min=0.3, backoff_max=0.6,
                           open_timeout=2.0, read_timeout=1.0, retention_every=3600, motion=False)
    rec = Recorder(backend.sessionmaker, backend.settings.resolved_media_dir, opts)
    rec.start()
    try:
        _wait(lambda: rec.cameras.get(cam_id) and rec.cameras[cam_id].last_packet, what="the first packet")
        assert _lost(backend, cam_id) == []
        src.stop()
        (ev_id, start, end, _), = _wait(lambda: [e for e in _lost(backend, cam_id) if e[2] is None],
                                        what="the lost-signal event")
        # Under the threshold: nothing yet.
        assert _evaluate(backend, start + timedelta(minutes=4, seconds=59))["opened"] == 0
        assert _camera_incidents(api) == []
        # Past it: one incident, and evaluating again keeps it one.
        assert _evaluate(backend, start + timedelta(minutes=5, seconds=1))["opened"] == 1
        assert _evaluate(backend, start + timedelta(minutes=6))["opened"] == 0
        (inc,) = _camera_incidents(api)
        assert inc["status"] == "new" and inc["category"] == "other" and inc["priority"] == "medium"
        assert "Площадь Коммунаров, север" in inc["description"] and "без сигнала" in inc["description"]
        assert (inc["lat"], inc["lon"], inc["address"]) == (51.6601, 35.6512, "пл. Коммунаров, 1")

        # The recorder restarts (an upgrade, another instance) while the camera is still down:
        # it continues the same outage, so there is still one event and one incident.
        rec.stop()
        rec = Recorder(backend.sessionmaker, backend.settings.resolved_media_dir, opts)
        rec.start()
        time.sleep(1.5)  # a few failed reconnections of the new recorder
        assert [e[0] for e in _lost(backend, cam_id)] == [ev_id]
        assert _evaluate(backend, start + timedelta(minutes=7))["opened"] == 0
        assert len(_camera_incidents(api)) == 1

        src.start()
        _wait(lambda: _lost(backend, cam_id)[0][2] is not None, what="the signal back")
        stats = _evaluate(backend, start + timedelta(minutes=8))
        assert stats["resolved"] == 1
        (inc,) = _camera_incidents(api)
        assert inc["status"] == "resolved"
        c = api("dispatcher")
        comments = c.get(f"/api/v1/incidents/{inc['id']}/comments").json()
        assert any("Сигнал камеры восстановлен" in x["text"] for x in comments), comments
        assert _evaluate(backend, start + timedelta(minutes=9)) == {"opened": 0, "resolved": 0, "open": 0}
    finally:
        rec.stop()
        src.stop()



def test_a_camera_no_longer_recorded_has_its_outage_resolved_and_a_new_one_later(backend, api, tmp_path):
    from backend.cameras.models import Camera
    from backend.recorder.service import CameraRecorder, RecorderOptions

    with backend.sessionmaker() as s:
        cam = Camera(name="Мост, юг", lat=51.67, lon=35.66, address="", area="юг",
                     main_url="rtsp://127.0.0.1:9/none", sub_url="rtsp://127.0.0.1:9/none", recording=True)
        s.add(cam)
        s.commit()
        cam_id = cam.id

    def recorder():  # the recorder's own state path, without a stream: it cannot reach the camera
        return CameraRecorder(backend.sessionmaker, backend.settings.resolved_media_dir, cam_id,
                              "rtsp://127.0.0.1:9/none", RecorderOptions())

    rec = recorder()
    rec._signal_lost()
    (_, start, _, _), = _lost(backend, cam_id)
    _evaluate(backend, start + timedelta(minutes=6))
    (inc,) = _camera_incidents(api)
    assert inc["description"].startswith("Камера «Мост, юг» без сигнала") and inc["address"] == "Мост, юг"
    with backend.sessionmaker() as s:
        s.get(Camera, cam_id).recording = False
        s.commit()
    assert _evaluate(backend, start + timedelta(minutes=7))["resolved"] == 1
    (inc,) = _camera_incidents(api)
    assert inc["status"] == "resolved"
    comments = api("dispatcher").get(f"/api/v1/incidents/{inc['id']}/comments").json()
    assert any("больше не записывается" in x["text"] for x in comments), comments
    assert all(e[2] is not None for e in _lost(backend, cam_id))
    # Recorded again and still down: a fresh outage, a fresh incident after the threshold.
    with backend.sessionmaker() as s:
        s.get(Camera, cam_id).recording = True
        s.commit()
    rec = recorder()
    assert rec._adopt_lost() is None
    rec._signal_lost()
    later = _lost(backend, cam_id)[-1][1]
    assert _evaluate(backend, later + timedelta(minutes=1))["opened"] == 0
    assert _evaluate(backend, later + timedelta(minutes=6))["opened"] == 1
    assert [i["status"] for i in _camera_incidents(api)] == ["new", "resolved"]


def test_the_outage_duty_is_leased_and_follows_its_setting(tmp_path):
    from types import SimpleNamespace

    from backend.config import Settings
    from backend.domains import registered
    from backend.recordings.outages import CameraOutageDuty, outage_duty

    assert "backend.recordings.outages:outage_duty" in [f for d in registered() for f in d.duties]
    base = dict(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", media_dir=str(tmp_path), secret_key="k" * 40)
    off = SimpleNamespace(state=SimpleNamespace(settings=Settings(**base, camera_outage_minutes=0), sessionmaker=None))
    assert outage_duty(off) is None
    on = SimpleNamespace(state=SimpleNamespace(settings=Settings(**base, camera_outage_minutes=7), sessionmaker=None))
    duty = outage_duty(on)
    assert isinstance(duty, CameraOutageDuty) and duty.threshold_minutes == 7
