"""The recorder: every camera with recording on → fixed-length MP4 segments, remuxed, indexed.

One thread per camera reads the main stream with PyAV and copies its packets (no decoding,
no encoding) into `<media>/recordings/<camera>/<day>/<time>.mp4`; a segment is cut at the
first key frame past the segment length and indexed when it closes.  A camera that drops
out leaves a gap and a lost-signal event; the thread reconnects with a growing back-off.
Key frames (at most one a second) are decoded for motion and tamper events.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import av
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.cameras.models import Camera
from backend.recorder.motion import MOTION_SHARE, KeyFrameSampler
from backend.recorder.retention import apply_retention
from backend.recordings.models import CameraEvent, Segment

log = logging.getLogger(__name__)
RECORDABLE = ("h264", "hevc")
MOTION_HOLD = 2.0  # seconds without motion before a motion event closes
CLOCK_JUMP = 3.0   # seconds the camera's clock may stray from ours before we re-pin it
CLOCK_LEAK = 2e-6  # per packet: lets the offset follow a camera clock slower than ours


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


@dataclass
class RecorderOptions:
    segment_seconds: float = 60.0
    poll_seconds: float = 5.0
    retention_every: float = 60.0
    backoff_min: float = 1.0
    backoff_max: float = 30.0
    open_timeout: float = 5.0
    read_timeout: float = 5.0
    motion: bool = True
    motion_interval: float = 1.0
    default_quota_mb: int = 0


class _SegmentFile:
    """One MP4 being written; timestamps start at the segment's first packet."""

    def __init__(self, path: Path, template, start: float, zero: int) -> None:
        """start: the first packet's stream time in seconds; zero: its timestamp, the file's 0."""
        self.path = path
        self.part = path.with_name(path.name + ".part")
        self.start = start
        self.zero = zero
        self.out = av.open(str(self.part), "w", format="mp4", options={"movflags": "+faststart"})
        self.stream = self.out.add_stream_from_template(template)

    def write(self, pkt) -> None:
        pkt.pts -= self.zero
        pkt.dts -= self.zero
        pkt.stream = self.stream
        self.out.mux(pkt)

    def close(self) -> int:
        self.out.close()
        os.replace(self.part, self.path)
        return self.path.stat().st_size


class CameraRecorder(threading.Thread):
    """Records one camera until stopped; reconnects after drop-outs."""

    def __init__(self, sessions: sessionmaker[Session], media_dir: Path, camera_id: int, url: str,
                 opts: RecorderOptions) -> None:
        super().__init__(daemon=True, name=f"recorder:{camera_id}")
        self.sessions = sessions
        self.media_dir = media_dir
        self.camera_id = camera_id
        self.url = url
        self.opts = opts
        self._halt = threading.Event()
        self._lost_event: int | None = None
        self._lost_heard = False  # the stream is back; the lost event's end settles when the segment closes
        self._open_events: dict[str, int] = {}
        self._last_motion = 0.0
        self.last_packet: float | None = None   # wall time of the newest packet written
        self.segments_written = 0

    def stop(self) -> None:
        self._halt.set()

    # ------------------------------------------------------------- loop
    def run(self) -> None:
        delay = self.opts.backoff_min
        try:
            self._lost_event = self._adopt_lost()
        except Exception:  # the database may be briefly away; a new drop-out opens its own event
            log.exception("camera %s: open lost-signal event not read", self.camera_id)
        while not self._halt.is_set():
            try:
                container = self._open()
            except Exception as exc:
                log.info("camera %s unreachable (%s); retry in %.0f s", self.camera_id, type(exc).__name__, delay)
                self._signal_lost()
                self._halt.wait(delay)
                delay = min(delay * 2, self.opts.backoff_max)
                continue
            try:
                if self._record(container):
                    delay = self.opts.backoff_min
            except Exception as exc:  # a broken stream is a drop-out, not a crash
                log.info("camera %s stream ended: %s", self.camera_id, exc)
            finally:
                try:
                    container.close()
                except Exception:
                    pass
            self._close_event("motion", self.last_packet)
            self._close_event("tamper", self.last_packet)
            if self._halt.is_set():
                break
            self._signal_lost()
            self._halt.wait(delay)
            delay = min(delay * 2, self.opts.backoff_max)

    def _open(self):
        options = {"rtsp_transport": "tcp"} if self.url.startswith("rtsp") else {}
        return av.open(self.url, options=options, timeout=(self.opts.open_timeout, self.opts.read_timeout))

    def _record(self, container) -> bool:
        """Copy packets into segments until the stream ends or we are stopped; True if any were written.

        Wall time = stream time + offset; the offset is the smallest (now - stream time) seen, so the
        burst of packets buffered while the stream was probed does not make the times late.
        """
        stream = container.streams.video[0]
        if stream.codec_context.name not in RECORDABLE:
            raise RuntimeError(f"codec {stream.codec_context.name} is not recorded (H.264/H.265 only)")
        tb = stream.time_base
        rate = stream.average_rate or stream.guessed_rate or 25
        frame_s = 1.0 / float(rate)
        sampler = KeyFrameSampler(stream, self.opts.motion_interval) if self.opts.motion else None
        offset: float | None = None
        seg: _SegmentFile | None = None
        last_pts_s = 0.0
        wrote = False
        try:
            for pkt in container.demux(stream):
                if self._halt.is_set():
                    break
                if pkt.dts is None or pkt.size == 0:
                    continue
                pts = pkt.pts if pkt.pts is not None else pkt.dts
                pts_s = float(pts * tb)
                seen = time.time() - pts_s
                if offset is None or abs(seen - offset) > CLOCK_JUMP:
                    # First packet, or the camera's clock jumped: a new segment on new times.
                    if seg is not None:
                        self._finish(seg, last_pts_s + frame_s, offset)
                        seg = None
                    offset = seen
                else:
                    offset = min(seen, offset + CLOCK_LEAK)
                if seg is None or (pkt.is_keyframe and pts_s - seg.start >= self.opts.segment_seconds):
                    if not pkt.is_keyframe:
                        continue  # a segment starts on a key frame so it plays on its own
                    if seg is not None:
                        self._finish(seg, pts_s, offset)
                    seg = self._new_segment(stream, pts_s, pts_s + offset, min(pkt.dts, pts))
                if sampler is not None and pkt.is_keyframe:
                    for score, _std, tampered in sampler.feed(pkt, pts_s):
                        self._motion(score, pts_s + offset)
                        self._tamper(tampered, pts_s + offset)
                seg.write(pkt)
                if not wrote:
                    self._signal_heard(pts_s + offset)
                wrote = True
                last_pts_s = pts_s
                self.last_packet = pts_s + frame_s + offset
        finally:
            if seg is not None:
                self._finish(seg, last_pts_s + frame_s, offset)
        return wrote

    # ------------------------------------------------------------- segments
    def _new_segment(self, stream, start: float, wall: float, zero: int) -> _SegmentFile:
        t = _utc(wall)
        folder = self.media_dir / "recordings" / str(self.camera_id) / f"{t:%Y-%m-%d}"
        folder.mkdir(parents=True, exist_ok=True)
        return _SegmentFile(folder / f"{t:%H%M%S}-{t.microsecond // 1000:03d}.mp4", stream, start, zero)

    def _finish(self, seg: _SegmentFile, end_s: float, offset: float) -> None:
        """Close and index a segment; its wall times use the offset as it stands now (settled)."""
        start, end = seg.start + offset, max(end_s, seg.start + 0.04) + offset
        self._signal_back(start)
        try:
            size = seg.close()
        except Exception:
            log.exception("camera %s: segment %s could not be closed", self.camera_id, seg.path)
            seg.part.unlink(missing_ok=True)
            return
        with self.sessions() as s:
            s.add(Segment(camera_id=self.camera_id, start=_utc(start), end=_utc(end),
                          size=size, path=str(seg.path.relative_to(self.media_dir))))
            s.commit()
        self.segments_written += 1

    # ------------------------------------------------------------- events
    def _open_event(self, kind: str, start: float, score: float = 0.0) -> int:
        with self.sessions() as s:
            ev = CameraEvent(camera_id=self.camera_id, kind=kind, start=_utc(start), end=None, score=score,
                             details={})
            s.add(ev)
            s.commit()
            return ev.id

    def _end_event(self, event_id: int, end: float, score: float | None = None) -> None:
        with self.sessions() as s:
            ev = s.get(CameraEvent, event_id)
            if ev is not None:
                ev.end = max(_utc(end), ev.start)
                if score is not None:
                    ev.score = max(ev.score, score)
                s.commit()

    def _close_event(self, kind: str, at: float | None) -> None:
        ev = self._open_events.pop(kind, None)
        if ev is not None:
            self._end_event(ev, at or time.time())

    def _motion(self, score: float, wall: float) -> None:
        if score >= MOTION_SHARE:
            self._last_motion = wall
            if "motion" not in self._open_events:
                self._open_events["motion"] = self._open_event("motion", wall, score)
            else:
                with self.sessions() as s:
                    ev = s.get(CameraEvent, self._open_events["motion"])
                    if ev is not None and score > ev.score:
                        ev.score = score
                        s.commit()
        elif "motion" in self._open_events and wall - self._last_motion >= MOTION_HOLD:
            self._close_event("motion", self._last_motion + self.opts.motion_interval)

    def _tamper(self, tampered: bool, wall: float) -> None:
        if tampered and "tamper" not in self._open_events:
            self._open_events["tamper"] = self._open_event("tamper", wall, 1.0)
        elif not tampered and "tamper" in self._open_events:
            self._close_event("tamper", wall)

    def _signal_lost(self) -> None:
        if self._lost_event is None:
            self._lost_event = self._open_event("lost_signal", self.last_packet or time.time())

    def _signal_heard(self, wall: float) -> None:
        """The first packet after a drop-out ends the outage now (the outage duty watches it); the
        segment's close then settles the end on the stream's clock."""
        if self._lost_event is not None and not self._lost_heard:
            self._end_event(self._lost_event, wall)
            self._lost_heard = True

    def _signal_back(self, wall: float) -> None:
        if self._lost_event is not None:
            self._end_event(self._lost_event, wall)
            self._lost_event = None
        self._lost_heard = False

    def _adopt_lost(self) -> int | None:
        """The camera's outage a previous recorder (a restart, another instance) left open continues here,
        so one outage stays one event; older open ones (superseded) end where the newest began."""
        with self.sessions() as s:
            open_ = list(s.scalars(select(CameraEvent).where(
                CameraEvent.camera_id == self.camera_id, CameraEvent.kind == "lost_signal",
                CameraEvent.end.is_(None)).order_by(CameraEvent.start.desc(), CameraEvent.id.desc())))
            if not open_:
                return None
            for old in open_[1:]:
                old.end = max(open_[0].start, old.start)
            s.commit()
            return open_[0].id


class Recorder:
    """Keeps one CameraRecorder per camera with recording on; applies retention now and then."""

    def __init__(self, sessions: sessionmaker[Session], media_dir: Path, opts: RecorderOptions | None = None) -> None:
        self.sessions = sessions
        self.media_dir = media_dir
        self.opts = opts or RecorderOptions()
        self.cameras: dict[int, CameraRecorder] = {}
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_retention = 0.0

    def start(self) -> None:
        self._halt.clear()
        for stale in (self.media_dir / "recordings").glob("*/*/*.mp4.part"):
            # A segment cut short by a crash has no index (MP4 needs its trailer): drop it.
            log.warning("dropping unfinished segment %s", stale)
            stale.unlink(missing_ok=True)
        self._thread = threading.Thread(target=self._supervise, daemon=True, name="recorder")
        self._thread.start()

    def stop(self) -> None:
        self._halt.set()
        if self._thread is not None:
            self._thread.join(5)
        for rec in self.cameras.values():
            rec.stop()
        for rec in self.cameras.values():
            rec.join(self.opts.read_timeout + 2)
        self.cameras.clear()

    def _supervise(self) -> None:
        while not self._halt.is_set():
            try:
                self.sync()
                if time.monotonic() - self._last_retention >= self.opts.retention_every:
                    self._last_retention = time.monotonic()
                    self.retention()
            except Exception:  # the database may be briefly away; try again next round
                log.exception("recorder supervision failed")
            self._halt.wait(self.opts.poll_seconds)

    def sync(self) -> None:
        """Start recorders for cameras that should record, stop those that should not."""
        with self.sessions() as s:
            wanted = {c.id: c.main_url for c in s.scalars(
                select(Camera).where(Camera.enabled.is_(True), Camera.recording.is_(True)))}
        for cid, rec in list(self.cameras.items()):
            if wanted.get(cid) != rec.url or not rec.is_alive():
                rec.stop()
                del self.cameras[cid]
        for cid, url in wanted.items():
            if cid not in self.cameras:
                rec = CameraRecorder(self.sessions, self.media_dir, cid, url, self.opts)
                self.cameras[cid] = rec
                rec.start()

    def retention(self) -> dict[int, int]:
        with self.sessions() as s:
            freed = apply_retention(s, self.media_dir, now=datetime.now(timezone.utc),
                                    default_quota_mb=self.opts.default_quota_mb)
            s.commit()
        return freed


def _options(settings) -> RecorderOptions:
    return RecorderOptions(segment_seconds=settings.recorder_segment_seconds,
                           default_quota_mb=settings.recorder_quota_mb, motion=settings.recorder_motion)


def from_app(app) -> Recorder | None:
    """Service factory (recordings domain): the recorder inside the API server, unless settings turn it off."""
    settings = app.state.settings
    if not settings.run_recorder:
        return None
    return Recorder(app.state.sessionmaker, settings.resolved_media_dir, _options(settings))


def run_forever(settings) -> int:
    """`sc-server recorder`: only the recorder, until SIGINT/SIGTERM."""
    from backend.db import make_engine, make_sessionmaker, migrate
    from backend.domains import registered

    engine = make_engine(settings.resolved_database_url)
    migrate(engine, registered(settings.extra_domain_modules))
    rec = Recorder(make_sessionmaker(engine), settings.resolved_media_dir, _options(settings))
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    rec.start()
    log.info("recorder running; media in %s", settings.resolved_media_dir)
    done.wait()
    rec.stop()
    engine.dispose()
    return 0
