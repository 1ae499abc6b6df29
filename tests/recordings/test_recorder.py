"""The recorder on real streams: segments on disk, the index, the gap of a dropped camera, events."""

from __future__ import annotations

from datetime import timedelta

import av

from tests.recordings.conftest import SEGMENT_S


def _by_camera(rows, cam):
    return sorted((r for r in rows if r["camera_id"] == cam), key=lambda r: r["start"])


def test_segments_are_fixed_length_playable_and_indexed(recorded):
    segs = _by_camera(recorded.segments, recorded.cameras["steady"])
    assert len(segs) >= 6, segs
    for row in segs:
        path = recorded.media / row["path"]
        assert path.suffix == ".mp4" and path.stat().st_size == row["size"] > 0
        assert path.is_relative_to(recorded.media / "recordings" / str(row["camera_id"]))
        with av.open(str(path)) as c:
            s = c.streams.video[0]
            assert s.codec_context.name == "h264"          # remuxed, not transcoded
            frames = sum(1 for _ in c.decode(s))
        length = (row["end"] - row["start"]).total_seconds()
        assert abs(frames / 25 - length) < 0.2, (frames, length)
    for row in segs[1:-1]:
        assert abs((row["end"] - row["start"]).total_seconds() - SEGMENT_S) < 0.1
    # back to back: one segment ends where the next starts
    for a, b in zip(segs, segs[1:]):
        assert abs((b["start"] - a["end"]).total_seconds()) < 0.1


def test_dropped_camera_leaves_a_gap_and_resumes(recorded):
    from backend.recordings.service import merge_ranges

    class Row:
        def __init__(self, d):
            self.__dict__.update(d)

    flaky = _by_camera(recorded.segments, recorded.cameras["flaky"])
    ranges = merge_ranges([Row(r) for r in flaky])
    assert len(ranges) == 2, ranges
    gap_start, gap_end = ranges[0].end.timestamp(), ranges[1].start.timestamp()
    off, on = recorded.outage
    assert gap_start <= off + 0.5 and gap_end >= on - 0.1, (gap_start, off, gap_end, on)
    assert (ranges[1].end - ranges[1].start) > timedelta(seconds=4)  # recording resumed
    lost = [e for e in recorded.events if e["camera_id"] == recorded.cameras["flaky"] and e["kind"] == "lost_signal"]
    assert len(lost) == 1 and lost[0]["end"] is not None
    assert abs(lost[0]["start"].timestamp() - gap_start) < 0.5 and abs(lost[0]["end"].timestamp() - gap_end) < 0.5
    steady = _by_camera(recorded.segments, recorded.cameras["steady"])
    assert len(merge_ranges([Row(r) for r in steady])) == 1


def test_motion_is_marked_only_when_the_box_moves(recorded):
    motion = [e for e in recorded.events if e["camera_id"] == recorded.cameras["steady"] and e["kind"] == "motion"]
    assert motion, recorded.events
    # the clip loops 4 s still then 4 s moving: motion events open and close with it
    closed = [e for e in motion if e["end"] is not None]
    assert closed
    for e in closed:
        assert 1.0 <= (e["end"] - e["start"]).total_seconds() < 6.5 and e["score"] > 0.01
    assert not [e for e in recorded.events if e["kind"] == "tamper"]


def test_recorder_is_a_service_of_the_server_unless_turned_off(tmp_path):
    from types import SimpleNamespace

    from backend.config import Settings
    from backend.domains import registered
    from backend.recorder.service import Recorder, from_app

    assert "backend.recorder.service:from_app" in [f for d in registered() for f in d.duties]
    base = dict(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", media_dir=str(tmp_path), secret_key="k" * 40)
    off = SimpleNamespace(state=SimpleNamespace(settings=Settings(**base, run_recorder=False), sessionmaker=None))
    assert from_app(off) is None
    on = SimpleNamespace(state=SimpleNamespace(settings=Settings(**base, recorder_segment_seconds=10),
                                               sessionmaker=None))
    rec = from_app(on)
    assert isinstance(rec, Recorder) and rec.opts.segment_seconds == 10


def test_records_the_simulators_rtsp_camera(tmp_path):
    """The production protocol: RTSP (the demo city's GStreamer server), remuxed as it comes."""
    import time

    import pytest
    from sqlalchemy import select

    from backend.cameras.models import Camera
    from backend.recorder.service import Recorder, RecorderOptions
    from backend.recordings.models import Segment
    from citysim.cameras import DEMO_CAMERAS, RtspServer, StreamSimulator, free_port
    from tests.conftest import make_backend

    from tests.conftest import IN_CI

    why = RtspServer.available()
    if why:
        (pytest.fail if IN_CI else pytest.skip)(f"RTSP server unavailable: {why}")
    cam = next(c for c in DEMO_CAMERAS if c.kind == "rtsp")
    sim = StreamSimulator(rtsp_port=free_port(), http_port=0, cameras=(cam,))
    sim.start()
    b = make_backend(f"sqlite:///{tmp_path / 'rtsp.sqlite3'}", tmp_path)
    try:
        main, sub = sim.urls(cam)
        with b.sessionmaker() as s:
            s.add(Camera(name=cam.name, lat=cam.lat, lon=cam.lon, address="", area="", main_url=main, sub_url=sub,
                         enabled=True, recording=True, retention_days=1))
            s.commit()
        rec = Recorder(b.sessionmaker, b.settings.resolved_media_dir, RecorderOptions(segment_seconds=2,
                                                                                     poll_seconds=0.5))
        rec.start()
        time.sleep(7)
        rec.stop()
    finally:
        sim.stop()
    with b.sessionmaker() as s:
        segs = list(s.scalars(select(Segment).order_by(Segment.start)))
    assert len(segs) >= 2
    with av.open(str(b.settings.resolved_media_dir / segs[0].path)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264" and (s.width, s.height) == sim.main_size
        frames = sum(1 for _ in c.decode(s))
    assert abs(frames / sim.fps - (segs[0].end - segs[0].start).total_seconds()) < 0.3
    b.app.state.engine.dispose()
