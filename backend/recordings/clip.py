"""Remuxing recorded segments into one MP4 clip: packets are copied, never re-encoded."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import av


@dataclass(frozen=True)
class SegmentFile:
    path: Path
    start: datetime
    end: datetime


@dataclass
class ClipResult:
    start: datetime            # wall time of the first frame (a key frame at or before the asked start)
    end: datetime              # wall time just after the last frame
    frames: int


def remux_clip(segments: Sequence[SegmentFile], t1: datetime, t2: datetime, out_path: Path,
               progress: Callable[[float], None] | None = None) -> ClipResult:
    """Copy the packets of `segments` covering t1..t2 into one MP4 at out_path.

    The clip starts on the key frame at or before t1 so it decodes on its own; gaps between
    segments stay gaps in the timestamps (a player shows the last frame through them).
    """
    segs = [s for s in sorted(segments, key=lambda s: s.start) if s.end > t1 and s.start < t2]
    if not segs:
        raise ValueError("nothing was recorded in that range")
    span = (t2 - t1).total_seconds()
    out = av.open(str(out_path), "w", format="mp4", options={"movflags": "+faststart"})
    ostream = None
    base: datetime | None = None
    first_wall = last_wall = None
    last_dts = None
    frames = 0
    try:
        for seg in segs:
            with av.open(str(seg.path)) as inp:
                s = inp.streams.video[0]
                tb = s.time_base
                zero = s.start_time or 0
                if ostream is None:
                    ostream = out.add_stream_from_template(s)
                if t1 > seg.start:
                    inp.seek(zero + int((t1 - seg.start).total_seconds() / tb), stream=s, backward=True)
                started = False
                frame_dur = None
                for pkt in inp.demux(s):
                    if pkt.dts is None or pkt.pts is None:
                        continue
                    wall = seg.start + timedelta(seconds=float((pkt.pts - zero) * tb))
                    if not started:
                        if not pkt.is_keyframe:
                            continue
                        started = True
                    if wall >= t2:
                        break
                    if base is None:
                        base = wall
                        first_wall = wall
                    shift = int(round((seg.start - base).total_seconds() / tb)) - zero
                    pkt.pts += shift
                    pkt.dts += shift
                    if last_dts is not None and pkt.dts <= last_dts:
                        bump = last_dts + 1 - pkt.dts
                        pkt.dts += bump
                        pkt.pts += bump
                    last_dts = pkt.dts
                    frame_dur = pkt.duration or frame_dur
                    pkt.stream = ostream
                    out.mux(pkt)
                    frames += 1
                    last_wall = wall + timedelta(seconds=float((frame_dur or 0) * tb))
                    if progress and frames % 25 == 0:
                        progress(min(1.0, max(0.0, (wall - t1).total_seconds() / span)))
    finally:
        out.close()
    if not frames:
        out_path.unlink(missing_ok=True)
        raise ValueError("nothing was recorded in that range")
    return ClipResult(start=first_wall, end=last_wall, frames=frames)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
