"""A real recording, made once per session: two live H.264 cameras, one killed and restored."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

SEGMENT_S = 2.0


@dataclass
class Recorded:
    media: Path
    cameras: dict[str, int]               # "steady" / "flaky" → camera id in the recording database
    segments: list[dict]                  # rows of recording_segments
    events: list[dict]                    # rows of camera_events
    outage: tuple[float, float]           # wall times the flaky camera was off


def _rows(sessions, model):
    from sqlalchemy import select

    with sessions() as s:
        return [{c.name: getattr(r, c.name) for c in model.__table__.columns}
                for r in s.scalars(select(model).order_by(model.id))]


@pytest.fixture(scope="session")
def recorded(tmp_path_factory) -> Recorded:
    """~16 s of two real streams (2-s segments); the flaky one is off for ~4 s in the middle."""
    from tests.conftest import make_backend
    from backend.cameras.models import Camera
    from backend.recorder.service import Recorder, RecorderOptions
    from backend.recorder.testsource import LiveH264Source, encode_clip
    from backend.recordings.models import CameraEvent, Segment

    tmp = tmp_path_factory.mktemp("recorded")
    clip = encode_clip(tmp / "clip.ts", seconds=8, fps=25, size=(320, 240), gop=25)
    steady, flaky = LiveH264Source(clip).start(), LiveH264Source(clip).start()
    b = make_backend(f"sqlite:///{tmp / 'rec.sqlite3'}", tmp)
    with b.sessionmaker() as s:
        cams = {}
        for name, src in (("steady", steady), ("flaky", flaky)):
            cam = Camera(name=name, lat=51.66, lon=35.65, address="", area="test", main_url=src.url,
                         sub_url=src.url, enabled=True, recording=True, retention_days=7)
            s.add(cam)
            s.flush()
            cams[name] = cam.id
        s.commit()
    opts = RecorderOptions(segment_seconds=SEGMENT_S, poll_seconds=0.5, backoff_min=0.5, backoff_max=1.0,
                           open_timeout=2.0, read_timeout=2.0, retention_every=3600)
    rec = Recorder(b.sessionmaker, b.settings.resolved_media_dir, opts)
    rec.start()
    try:
        time.sleep(7)
        off = time.time()
        flaky.stop()
        time.sleep(4)
        on = time.time()
        flaky.start()
        time.sleep(7)
    finally:
        rec.stop()
        steady.stop()
        flaky.stop()
    out = Recorded(media=b.settings.resolved_media_dir, cameras=cams, segments=_rows(b.sessionmaker, Segment),
                   events=_rows(b.sessionmaker, CameraEvent), outage=(off, on))
    b.app.state.engine.dispose()
    return out


def load_recording(backend, recorded: Recorded) -> dict[str, int]:
    """Copy the recording (cameras, index, events, files) into a test backend; camera ids by name."""
    from backend.cameras.models import Camera
    from backend.recordings.models import CameraEvent, Segment

    media = backend.settings.resolved_media_dir
    ids = {}
    with backend.sessionmaker() as s:
        for name, old in recorded.cameras.items():
            cam = Camera(name=name, lat=51.66, lon=35.65, address="", area="test", main_url="rtsp://cam.invalid/x",
                         sub_url="rtsp://cam.invalid/x", enabled=True, recording=False, retention_days=7)
            s.add(cam)
            s.flush()
            ids[old] = cam.id
        for row in recorded.segments:
            dst = media / row["path"]
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(recorded.media / row["path"], dst)
            s.add(Segment(**{k: v for k, v in row.items() if k != "id"} | {"camera_id": ids[row["camera_id"]]}))
        for row in recorded.events:
            s.add(CameraEvent(**{k: v for k, v in row.items() if k != "id"} | {"camera_id": ids[row["camera_id"]]}))
        s.commit()
    return {name: ids[old] for name, old in recorded.cameras.items()}


def iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")
