"""One camera stream read and decoded on its own thread; only the newest frame is kept.

The reader converts each decoded frame straight to the tile's pixel size in BGRA (one
swscale pass: colour conversion and scaling together) and wraps the converted frame's own
buffer in a QImage, so the GUI thread only blits.  Failures are reported as a code the
tile translates, plus a detail for the log (URLs masked: they may carry passwords).
"""

from __future__ import annotations

import errno
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import av
from av.video.reformatter import VideoReformatter
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from backend_client.schemas.cameras import check_stream_url, mask_url

log = logging.getLogger(__name__)

OPEN_TIMEOUT = 6.0     # s to open a stream
READ_TIMEOUT = 3.0     # s without data before the reader gives up and reconnects
BACKOFF = (0.5, 1.0, 2.0, 3.0)  # s between attempts; capped so a returning camera is back within 5 s


@dataclass
class Picture:
    image: QImage        # wraps `frame`'s buffer: keep both alive together
    frame: object        # the converted av.VideoFrame
    source: object       # the decoded av.VideoFrame (for full-size snapshots)
    at: float            # wall-clock time the frame arrived
    seq: int


class ReaderSignals(QObject):
    state_changed = Signal(str, str)    # state ("connecting", "playing", "error", "stopped"), error code


def classify(exc: BaseException) -> str:
    """A stable code for what went wrong, which the tile turns into a sentence."""
    text = str(exc)
    if getattr(exc, "filename", None):  # the URL: its port or path may hold "403" or "not found"
        text = text.replace(str(exc.filename), "")
    text = text.lower()
    codes = set(re.findall(r"\b(40[134])\b", text))  # "Server returned 403 Forbidden", RTSP's too
    err = getattr(exc, "errno", None)
    if isinstance(exc, av.error.HTTPUnauthorizedError) or "401" in codes:
        return "unauthorized"
    if isinstance(exc, (av.error.HTTPNotFoundError,)) or "404" in codes or "not found" in text and "server returned" in text:
        return "not_found"
    if isinstance(exc, av.error.HTTPForbiddenError) or "403" in codes:
        return "forbidden"
    if isinstance(exc, ConnectionRefusedError) or err in (errno.ECONNREFUSED,) or "connection refused" in text:
        return "refused"
    if isinstance(exc, av.error.ProtocolNotFoundError) or "protocol not found" in text:
        return "bad_url"
    if "name or service not known" in text or "temporary failure in name resolution" in text:
        return "unknown_host"
    if err == errno.EIO:  # what FFmpeg's http/tcp report when the host name does not resolve
        return "unreachable"
    if isinstance(exc, (TimeoutError, av.error.ExitError)) or "timed out" in text or err in (errno.ETIMEDOUT,):
        return "timeout"
    if isinstance(exc, (av.error.InvalidDataError, NoVideo)) or "invalid data" in text:
        return "invalid_data"
    if isinstance(exc, av.error.EOFError) or isinstance(exc, EndOfStream):
        return "ended"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError)) or err in (errno.ECONNRESET, errno.EPIPE):
        return "dropped"
    if isinstance(exc, ValueError) and "url" in text:
        return "bad_url"
    return "failed"


class NoVideo(Exception):
    pass


class EndOfStream(Exception):
    pass


class StreamReader:
    """Opens `url`, decodes on a daemon thread, reconnects with backoff until stopped."""

    def __init__(self, url: str, *, name: str = "") -> None:
        self.url = url
        self.name = name or mask_url(url)
        self.signals = ReaderSignals()
        self.target_size: tuple[int, int] | None = None  # (w, h) in device pixels; None = native size
        self.decoded = 0        # frames decoded
        self.taken = 0          # frames the tile took (decoded - taken = dropped as stale)
        self.state, self.error = "stopped", ""
        self._lock = threading.Lock()
        self._latest: Picture | None = None
        self.pending = False  # a frame waits to be taken (read without the lock by the pump: a hint)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # One swscale context for the stream's life (frame.reformat would make a new one per
        # frame), and single-threaded: swscale's default is a slice thread per CPU, which for a
        # 640x360 picture costs more in wake-ups than it saves (0.10-0.15 ms of CPU a frame
        # against 0.06 ms on one thread), and sixteen readers already keep every core busy.
        self._scaler = VideoReformatter()

    # ------------------------------------------------------------- control (GUI thread)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"video:{self.name}")
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end; it notices within READ_TIMEOUT at worst. Never joins on the GUI thread."""
        self._stop.set()
        self._thread = None

    def take(self) -> Picture | None:
        """The newest frame (once); older ones were dropped without ever being painted."""
        with self._lock:
            pic, self.pending = self._latest, False
            if pic is not None:
                self.taken += 1
                self._latest = None
            return pic

    @property
    def dropped(self) -> int:
        return max(0, self.decoded - self.taken)

    # ------------------------------------------------------------- the thread

    def _set_state(self, state: str, error: str = "") -> None:
        if (state, error) != (self.state, self.error):
            self.state, self.error = state, error
            if not self._stop.is_set():
                self._emit(state, error)

    def _run(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            self._set_state("connecting", self.error)
            try:
                got_frames = self._play()
            except Exception as exc:  # every failure becomes a state the tile shows
                code = classify(exc)
                log.info("camera %s: %s (%s: %s)", self.name, code, type(exc).__name__,
                         str(exc).replace(self.url, self.name))
                got_frames = False
                if code in ("timeout", "dropped", "failed") and not got_frames:
                    code = probe_protocol(self.url) or code
            else:
                code = "ended"
            if self._stop.is_set():
                break
            self._set_state("error", code)
            attempt = 0 if got_frames else attempt + 1
            self._stop.wait(BACKOFF[min(attempt, len(BACKOFF) - 1)])
        self._emit("stopped", "")

    def _emit(self, state: str, error: str) -> None:
        try:
            self.signals.state_changed.emit(state, error)
        except RuntimeError:  # the tile (and its signals object) went away while we were reading
            pass

    def _options(self) -> dict[str, str]:
        opts = {"fflags": "nobuffer", "flags": "low_delay", "probesize": "500000", "analyzeduration": "1000000"}
        if self.url.lower().startswith("rtsp"):
            opts["rtsp_transport"] = "tcp"
        return opts

    def _play(self) -> bool:
        check_stream_url(self.url)  # ValueError("... URL ...") → "bad_url": only camera protocols, never file:// etc.
        container = av.open(self.url, options=self._options(), timeout=(OPEN_TIMEOUT, READ_TIMEOUT))
        got = False
        try:
            if not container.streams.video:
                raise NoVideo("no video stream")
            stream = container.streams.video[0]
            ctx = stream.codec_context
            big = (ctx.width or 0) * (ctx.height or 0) > 1280 * 720
            ctx.thread_count = 2 if big else 1  # small streams: one thread each, like ffmpeg -threads 1
            ctx.thread_type = "AUTO" if big else "SLICE"
            keyed = False
            for packet in container.demux(stream):
                if self._stop.is_set():
                    break
                for frame in packet.decode():
                    if not keyed:  # never show a half-grey picture from before the first keyframe
                        if not frame.key_frame:
                            continue
                        keyed = True
                    self._publish(frame)
                    if not got:
                        got = True
                        self._set_state("playing")
            if not self._stop.is_set():
                raise EndOfStream("the stream ended")
        finally:
            container.close()
        return got

    def _publish(self, frame) -> None:
        w, h, interp = self._output_size(frame.width, frame.height)
        out = self._scaler.reformat(frame, width=w, height=h, format="bgra", interpolation=interp, threads=1)
        plane = out.planes[0]
        image = QImage(plane, w, h, plane.line_size, QImage.Format.Format_RGB32)  # zero-copy: wraps `out`
        pic = Picture(image, out, frame, time.time(), self.decoded + 1)
        with self._lock:
            self.decoded += 1
            self._latest = pic
            self.pending = True  # the tile's pump takes it on its next tick; an untaken older one is dropped

    def _output_size(self, sw: int, sh: int) -> tuple[int, int, str]:
        """Where the colour conversion also scales, and where it does not.

        Converting at the decoded size takes swscale's unscaled fast path (about a third of
        the cost of a scaled conversion); a tile between half and full size then draws it
        scaled, which is cheap.  Tiles much smaller, or larger (one camera filling the wall),
        get pictures scaled here to their size, with proper filtering.
        """
        size = self.target_size
        if not size or size[0] <= 0 or size[1] <= 0:
            return sw, sh, "AREA"
        scale = min(size[0] / sw, size[1] / sh)
        if 0.5 <= scale <= 1.0:
            return sw, sh, "AREA"
        w, h = max(2, int(sw * scale) & ~1), max(2, int(sh * scale) & ~1)
        return w, h, "AREA" if scale < 1 else "BILINEAR"


def probe_protocol(url: str, timeout: float = 2.0) -> str | None:
    """After a failed open: does the server speak RTSP/HTTP at all? "invalid_data" if it sends garbage."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("rtsp", "http"):
            return None
        port = parts.port or (554 if scheme == "rtsp" else 80)
        with socket.create_connection((parts.hostname, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            if scheme == "rtsp":
                sock.sendall(f"OPTIONS {url} RTSP/1.0\r\nCSeq: 1\r\n\r\n".encode())
            else:
                sock.sendall(f"GET {parts.path or '/'} HTTP/1.0\r\nHost: {parts.hostname}\r\n\r\n".encode())
            head = sock.recv(16)
    except (OSError, ValueError, UnicodeError):
        return None
    if head and not head.startswith((b"RTSP/", b"HTTP/")):
        return "invalid_data"
    return None


def snapshot_image(pic: Picture) -> QImage:
    """The frame at its full decoded size, as an independent QImage (runs off the GUI thread)."""
    src = pic.source
    out = src.reformat(format="bgra")
    plane = out.planes[0]
    return QImage(plane, out.width, out.height, plane.line_size, QImage.Format.Format_RGB32).copy()
