"""Decoding archive video off the GUI thread: one worker per camera, the newest request wins.

The worker opens segments straight over HTTP (PyAV, bearer token, Range requests), keeps the
open segment for forward play, seeks to the key frame before a target otherwise, and keeps
the frames of the last decoded group so stepping and playing backwards stay cheap.
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

import av

log = logging.getLogger(__name__)
FORWARD_REUSE = 4.0   # seconds ahead we decode through rather than seek
CACHE_FRAMES = 120
PREVIEW_AHEAD = 0.2   # show the key frame first when the asked frame is further than this


@dataclass(frozen=True)
class SegmentRef:
    id: int
    start: float       # epoch seconds
    end: float
    url: str


class FrameSignals(QObject):
    frame = Signal(int, float, QImage, int)     # slot, frame time, picture, request sequence
    no_video = Signal(int, float, int)          # slot, asked time, request sequence
    failed = Signal(int, str)


def to_qimage(frame: av.VideoFrame, fit: tuple[int, int] | None = None) -> QImage:
    """The frame as a QImage, scaled here (swscale, off the GUI thread) to fit `fit` if smaller."""
    w, h = frame.width, frame.height
    if fit and fit[0] > 0 and fit[1] > 0:
        scale = min(fit[0] / w, fit[1] / h)
        if scale < 1.0:
            w, h = max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2)
    arr = frame.to_ndarray(format="bgra", width=w, height=h, interpolation="BILINEAR")
    return QImage(arr.data, w, h, 4 * w, QImage.Format.Format_RGB32).copy()


class CameraDecoder(threading.Thread):
    """Shows camera `slot` at the asked time; call request() from the GUI thread."""

    def __init__(self, slot: int, signals: FrameSignals, headers: dict[str, str]) -> None:
        super().__init__(daemon=True, name=f"archive-decoder:{slot}")
        self.slot = slot
        self.signals = signals
        self.headers = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._cv = threading.Condition()
        self._want: tuple[float, int, bool] | None = None
        self._segments: list[SegmentRef] = []
        self._starts: list[float] = []
        self._halt = False
        self._seg: SegmentRef | None = None
        self._container = None
        self._stream = None
        self._frames = None         # iterator of decoded frames of the open segment
        self._last_t: float | None = None
        self._cache: OrderedDict[float, av.VideoFrame] = OrderedDict()
        self.fit: tuple[int, int] | None = None     # the view's size; set from the GUI thread

    # ---------------------------------------------------------- from the GUI thread
    def set_segments(self, segments: list[SegmentRef]) -> None:
        with self._cv:
            self._segments = sorted(segments, key=lambda s: s.start)
            self._starts = [s.start for s in self._segments]

    def request(self, t: float, seq: int, exact: bool = True) -> None:
        """Show the frame at t; exact=False (fast playback) is content with the key frame before t."""
        with self._cv:
            self._want = (t, seq, exact)
            self._cv.notify()

    def stop(self) -> None:
        with self._cv:
            self._halt = True
            self._cv.notify()

    # ---------------------------------------------------------- worker
    def run(self) -> None:
        while True:
            with self._cv:
                while self._want is None and not self._halt:
                    self._cv.wait()
                if self._halt:
                    break
                t, seq, exact = self._want
                self._want = None
                seg = self._segment_at(t)
            try:
                if seg is None:
                    self.signals.no_video.emit(self.slot, t, seq)
                    continue
                frame, ft = self._frame_at(seg, t, seq) if exact else self._key_frame_at(seg, t)
                if frame is None:
                    self.signals.no_video.emit(self.slot, t, seq)
                else:
                    self.signals.frame.emit(self.slot, ft, to_qimage(frame, self.fit), seq)
            except Exception as exc:  # a bad segment must not kill the player
                log.warning("archive decode failed at %s: %s", t, exc)
                self._close()
                self.signals.failed.emit(self.slot, str(exc))
        self._close()

    def _segment_at(self, t: float) -> SegmentRef | None:
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and self._segments[i].start <= t < self._segments[i].end:
            return self._segments[i]
        return None

    def _close(self) -> None:
        if self._container is not None:
            try:
                self._container.close()
            except Exception:
                pass
        self._container = self._stream = self._frames = self._seg = None
        self._last_t = None
        self._cache.clear()

    def _open(self, seg: SegmentRef) -> None:
        self._close()
        opts = {"headers": self.headers, "multiple_requests": "1"} if seg.url.startswith("http") else {}
        self._container = av.open(seg.url, options=opts, timeout=(5.0, 10.0))
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        self._seg = seg

    def _wall(self, frame) -> float:
        s = self._stream
        return self._seg.start + float((frame.pts - (s.start_time or 0)) * s.time_base)

    def _next(self):
        try:
            frame = next(self._frames)
        except StopIteration:
            return None, None
        t = self._wall(frame)
        self._cache[t] = frame
        while len(self._cache) > CACHE_FRAMES:
            self._cache.popitem(last=False)
        self._last_t = t
        return frame, t

    def _from_cache(self, t: float):
        if not self._cache:
            return None, None
        times = list(self._cache)
        lo, hi = min(times), max(times)
        if not lo <= t <= hi + 0.001:
            return None, None
        best = max((x for x in times if x <= t + 0.001), default=None)
        return (self._cache[best], best) if best is not None else (None, None)

    def _key_frame_at(self, seg: SegmentRef, t: float):
        """The key frame at or before t: what fast playback shows (one decode per GOP, either way)."""
        if self._seg != seg:
            self._open(seg)
        s = self._stream
        self._container.seek((s.start_time or 0) + int(max(0.0, t - seg.start) / s.time_base), stream=s,
                             backward=True)
        self._frames = iter(self._container.decode(s))
        self._cache.clear()
        self._last_t = None
        return self._next()

    def _frame_at(self, seg: SegmentRef, t: float, seq: int = 0):
        """The last frame at or before t (the first one if t is before the segment's first).

        After a seek the key frame is shown at once (a picture of that moment within a GOP)
        while decoding goes on to the exact frame; a newer request cuts the decoding short.
        """
        if self._seg != seg:
            self._open(seg)
        frame, ft = self._from_cache(t)
        if frame is not None and (self._last_t is None or t <= self._last_t):
            return frame, ft
        if self._frames is None or self._last_t is None or t < self._last_t or t - self._last_t > FORWARD_REUSE:
            s = self._stream
            target = (s.start_time or 0) + int(max(0.0, t - seg.start) / s.time_base)
            self._container.seek(target, stream=s, backward=True)
            self._frames = iter(self._container.decode(s))
            self._cache.clear()
            self._last_t = None
            preview = True
        else:
            preview = False
        best = best_t = None
        if frame is not None:
            best, best_t = frame, ft
        while True:
            if self._last_t is not None and self._last_t > t + 0.001:
                break
            frame, ft = self._next()
            if frame is None:
                break
            if ft <= t + 0.001 or best is None:
                best, best_t = frame, ft
            if preview:
                preview = False
                if ft < t - PREVIEW_AHEAD:
                    self.signals.frame.emit(self.slot, ft, to_qimage(frame, self.fit), seq)
            if self._want is not None:
                break          # the viewer has moved on (dragging): serve the newer request
        return best, best_t
