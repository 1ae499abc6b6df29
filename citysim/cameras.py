"""The demo city's cameras as real streams: H.264 over RTSP and MJPEG over HTTP.

Every picture is drawn here (a street-like scene, a moving vehicle, a sweeping hand and a
burnt-in clock) and encoded with PyAV (libx264 for RTSP, JPEG for MJPEG).  RTSP is served
by GStreamer's RTSP server in a helper process (``rtsp_gst_server.py``, system Python)
fed with our H.264 on a pipe; a stream is encoded only while somebody watches it.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import av
import cv2
import numpy as np

from resources.city.cameras import DEMO_CAMERAS, HTTP_PORT, RTSP_PORT, DemoCamera, stream_urls

log = logging.getLogger(__name__)
GST_SERVER = Path(__file__).with_name("rtsp_gst_server.py")
SYSTEM_PYTHON = os.environ.get("SC_GST_PYTHON", "/usr/bin/python3")
HEADER = struct.Struct("<HI")


# ---------------------------------------------------------------- pictures

class Scene:
    """Draws one camera's picture for a moment in time (BGR, with a burnt-in clock)."""

    def __init__(self, title: str, width: int, height: int, seed: int = 0) -> None:
        self.w, self.h = width, height
        rng = np.random.default_rng(seed)
        y = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
        sky = np.array(rng.uniform(60, 140, 3), np.float32)
        ground = np.array(rng.uniform(30, 90, 3), np.float32)
        bg = (sky * (1 - y) + ground * y).repeat(width, axis=1)
        horizon = int(height * 0.55)
        for _ in range(7):  # buildings
            x0 = int(rng.uniform(0, width * 0.9))
            bw, bh = int(rng.uniform(width * 0.06, width * 0.18)), int(rng.uniform(height * 0.15, height * 0.4))
            colour = tuple(float(c) for c in rng.uniform(70, 170, 3))
            cv2.rectangle(bg, (x0, horizon - bh), (x0 + bw, horizon), colour, -1)
        cv2.rectangle(bg, (0, int(height * 0.68)), (width, int(height * 0.86)), (60, 60, 60), -1)  # road
        for x in range(0, width, max(8, width // 16)):
            cv2.line(bg, (x, int(height * 0.77)), (x + width // 40, int(height * 0.77)), (220, 220, 220), max(1, height // 180))
        self.background = bg.astype(np.uint8)
        self.scale = height / 360
        cv2.putText(self.background, title, (int(10 * self.scale), int(height - 12 * self.scale)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.6 * self.scale, (255, 255, 255), max(1, int(1.5 * self.scale)), cv2.LINE_AA)
        self.speed = rng.uniform(0.08, 0.2)
        self.phase = rng.uniform(0, 1)

    def draw(self, t: float) -> np.ndarray:
        img = self.background.copy()
        w, h, s = self.w, self.h, self.scale
        x = int(((t * self.speed + self.phase) % 1.0) * (w + 120 * s)) - int(60 * s)
        y = int(h * 0.72)
        cv2.rectangle(img, (x, y), (x + int(60 * s), y + int(24 * s)), (40, 40, 200), -1)  # a car
        cv2.rectangle(img, (x + int(10 * s), y - int(12 * s)), (x + int(45 * s), y), (40, 40, 170), -1)
        cx, cy, r = int(w - 50 * s), int(50 * s), int(30 * s)
        a = t * 2 * math.pi / 4
        cv2.circle(img, (cx, cy), r, (230, 230, 230), max(1, int(2 * s)))
        cv2.line(img, (cx, cy), (cx + int(r * math.sin(a)), cy - int(r * math.cos(a))), (0, 220, 255), max(1, int(3 * s)))
        stamp = datetime.fromtimestamp(time.time()).strftime("%Y-%m-%d %H:%M:%S.") + f"{int(time.time() * 10) % 10}"
        org = (int(10 * s), int(64 * s))  # below where viewers put their title bar
        cv2.putText(img, stamp, org, cv2.FONT_HERSHEY_SIMPLEX, 0.8 * s, (0, 0, 0), max(2, int(4 * s)), cv2.LINE_AA)
        cv2.putText(img, stamp, org, cv2.FONT_HERSHEY_SIMPLEX, 0.8 * s, (255, 255, 255), max(1, int(2 * s)), cv2.LINE_AA)
        return img


class H264Encoder:
    """libx264 through PyAV, tuned for live viewing: no B-frames, no look-ahead, short GOP."""

    def __init__(self, width: int, height: int, fps: int, gop: int | None = None) -> None:
        self.ctx = av.CodecContext.create("libx264", "w")
        self.ctx.width, self.ctx.height, self.ctx.pix_fmt = width, height, "yuv420p"
        self.ctx.time_base = Fraction(1, fps)
        self.ctx.framerate = Fraction(fps, 1)
        self.ctx.gop_size = gop or fps
        # One slice per picture: RTP payloaders repeat SPS/PPS before each IDR slice, which would
        # split a multi-slice picture in two for the decoder.
        self.ctx.thread_count = 1
        self.ctx.options = {"preset": "ultrafast", "tune": "zerolatency", "bf": "0", "threads": "1"}
        self.pts = 0

    def encode(self, bgr: np.ndarray, keyframe: bool = False) -> bytes:
        frame = av.VideoFrame.from_ndarray(bgr, format="bgr24").reformat(format="yuv420p")
        frame.pts = self.pts
        self.pts += 1
        if keyframe:
            frame.pict_type = av.video.frame.PictureType.I
        return b"".join(bytes(p) for p in self.ctx.encode(frame))


def write_h264_file(path: Path, *, width: int = 640, height: int = 360, fps: int = 25, seconds: int = 10,
                    title: str = "bench", gop: int | None = None) -> Path:
    """An Annex-B H.264 file of the demo scene, for streams that loop without encoding (the benchmark)."""
    enc = H264Encoder(width, height, fps, gop)
    scene = Scene(title, width, height, seed=hash(title) & 0xFFFF)
    with open(path, "wb") as f:
        for i in range(fps * seconds):
            f.write(enc.encode(scene.draw(i / fps)))
        for p in enc.ctx.encode(None):
            f.write(bytes(p))
    return path


# ---------------------------------------------------------------- RTSP

class RtspServer:
    """The GStreamer RTSP server helper process: mounts named up front, fed on its stdin."""

    def __init__(self, port: int, mounts: list[str]) -> None:
        self.port = port
        self.mounts = list(mounts)
        self.proc: subprocess.Popen | None = None
        self.viewers: dict[int, bool] = {}
        self.changed = threading.Condition()
        self._write_lock = threading.Lock()

    @staticmethod
    def available() -> str | None:
        """None when the helper can run here, else why not."""
        if not Path(SYSTEM_PYTHON).exists():
            return f"{SYSTEM_PYTHON} is missing"
        probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('GstRtspServer', '1.0');"
                                "from gi.repository import GstRtspServer"], capture_output=True)
        if probe.returncode:
            return "the GStreamer RTSP server is not installed (apt: gir1.2-gst-rtsp-server-1.0 python3-gi)"
        return None

    def url(self, mount: str) -> str:
        return f"rtsp://127.0.0.1:{self.port}/{mount}"

    def start(self, timeout: float = 15.0) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        self.proc = subprocess.Popen([SYSTEM_PYTHON, str(GST_SERVER), str(self.port), *self.mounts],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, bufsize=0)
        first = self.proc.stdout.readline().decode().strip()
        if first != "ready":
            self.stop()
            raise RuntimeError(f"the RTSP server did not start: {first or 'no answer'}")
        with self.changed:
            self.viewers = {}
        threading.Thread(target=self._read_reports, args=(self.proc,), daemon=True, name="rtsp-reports").start()

    def _read_reports(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            parts = line.decode().split()
            if len(parts) == 3 and parts[0] == "viewers":
                with self.changed:
                    self.viewers[int(parts[1])] = parts[2] == "1"
                    self.changed.notify_all()
        with self.changed:
            if self.proc is proc:
                self.viewers = {}
            self.changed.notify_all()

    def watched(self, index: int) -> bool:
        return self.viewers.get(index, False)

    def push(self, index: int, data: bytes) -> bool:
        proc = self.proc
        if proc is None or proc.poll() is not None or not data:
            return False
        try:
            with self._write_lock:
                proc.stdin.write(HEADER.pack(index, len(data)) + data)
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False

    def kill(self) -> None:
        """Die like a camera losing power: no goodbye to connected clients."""
        proc, self.proc = self.proc, None
        if proc is not None:
            proc.kill()
            proc.wait(5)
            with self.changed:
                self.viewers = {}
                self.changed.notify_all()

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(3)
        with self.changed:
            self.viewers = {}
            self.changed.notify_all()


class _RtspFeed(threading.Thread):
    """Feeds one mount: live-encoded scene, or a pre-encoded file looped packet by packet."""

    def __init__(self, server: RtspServer, index: int, *, title: str = "", width: int = 640, height: int = 360,
                 fps: int = 15, loop_file: Path | None = None) -> None:
        super().__init__(daemon=True, name=f"rtsp-feed-{server.mounts[index]}")
        self.server, self.index, self.title = server, index, title
        self.size, self.fps, self.loop_file = (width, height), fps, loop_file
        self.stopping = threading.Event()

    def _file_packets(self):
        with av.open(str(self.loop_file), format="h264") as c:  # read once: the loop needs no disk
            packets = [(bytes(p), p.is_keyframe) for p in c.demux(video=0) if p.size]
        while not self.stopping.is_set():
            yield from packets

    def run(self) -> None:
        period = 1.0 / self.fps
        scene = encoder = packets = None
        while not self.stopping.is_set():
            with self.server.changed:  # sleep until somebody watches
                while not self.server.watched(self.index) and not self.stopping.is_set():
                    self.server.changed.wait(0.5)
            if self.stopping.is_set():
                break
            if self.loop_file is not None:
                packets = packets or self._file_packets()
            elif encoder is None:
                scene, encoder = Scene(self.title, *self.size, seed=self.index), H264Encoder(*self.size, self.fps)
            next_at, fresh = time.monotonic(), True
            while self.server.watched(self.index) and not self.stopping.is_set():
                if self.loop_file is not None:
                    data, key = next(packets)
                    if fresh and not key:
                        continue  # a new viewer starts at a keyframe
                else:
                    data = encoder.encode(scene.draw(time.monotonic()), keyframe=fresh)
                fresh = False
                self.server.push(self.index, data)
                next_at += period
                delay = next_at - time.monotonic()
                if delay > 0:
                    self.stopping.wait(delay)
                elif delay < -1:
                    next_at = time.monotonic()  # fell behind (busy machine): do not burst
            if self.loop_file is None:
                # A new encoder per viewing: its first frame carries SPS/PPS. A server that came
                # back must see them to preroll (its DESCRIBE waits for that), and a reused
                # encoder's forced keyframe did not always repeat them: the client then timed
                # out once before the picture returned (tests/gui/test_video_streams.py).
                encoder = None


# ---------------------------------------------------------------- MJPEG over HTTP

class _MjpegChannel:
    """Frames of one MJPEG stream, made only while at least one client is connected."""

    def __init__(self, title: str, width: int, height: int, fps: int, seed: int) -> None:
        self.title, self.size, self.fps, self.seed = title, (width, height), fps, seed
        self.cond = threading.Condition()
        self.jpeg, self.seq, self.clients = b"", 0, 0
        self.thread: threading.Thread | None = None
        self.closed = False

    def join(self) -> None:
        with self.cond:
            self.clients += 1
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._produce, daemon=True, name=f"mjpeg-{self.title}")
                self.thread.start()

    def leave(self) -> None:
        with self.cond:
            self.clients -= 1

    def _produce(self) -> None:
        scene = Scene(self.title, *self.size, seed=self.seed)
        next_at, idle_since = time.monotonic(), None
        while not self.closed:
            with self.cond:
                if self.clients <= 0:
                    idle_since = idle_since or time.monotonic()
                    if time.monotonic() - idle_since > 2:
                        self.thread = None
                        return
                else:
                    idle_since = None
            ok, buf = cv2.imencode(".jpg", scene.draw(time.monotonic()), [cv2.IMWRITE_JPEG_QUALITY, 80])
            with self.cond:
                self.jpeg, self.seq = buf.tobytes(), self.seq + 1
                self.cond.notify_all()
            next_at += 1.0 / self.fps
            time.sleep(max(0.0, next_at - time.monotonic()))
            if time.monotonic() - next_at > 1:
                next_at = time.monotonic()

    def frames(self):
        seq = -1
        while not self.closed:
            with self.cond:
                self.cond.wait_for(lambda: self.seq != seq or self.closed, timeout=2)
                if self.seq == seq:
                    continue
                seq, jpeg = self.seq, self.jpeg
            yield jpeg


class MjpegServer:
    """multipart/x-mixed-replace over HTTP: ``/PATH`` for each channel, like cheap IP cameras."""

    BOUNDARY = "scframe"

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self.channels: dict[str, _MjpegChannel] = {}
        self.httpd: ThreadingHTTPServer | None = None

    def add(self, path: str, title: str, width: int = 640, height: int = 360, fps: int = 10, seed: int = 0) -> None:
        self.channels["/" + path.strip("/")] = _MjpegChannel(title, width, height, fps, seed)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}/{path.strip('/')}"

    def start(self) -> None:
        channels, boundary = self.channels, self.BOUNDARY

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args) -> None:  # quiet: request lines may carry credentials
                pass

            def do_GET(self) -> None:
                channel = channels.get(self.path.split("?", 1)[0])
                if channel is None:
                    self.send_error(404, "No such camera")
                    return
                self.send_response(200)
                self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={boundary}")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                channel.join()
                try:
                    for jpeg in channel.frames():
                        self.wfile.write(f"--{boundary}\r\nContent-Type: image/jpeg\r\n"
                                         f"Content-Length: {len(jpeg)}\r\n\r\n".encode() + jpeg + b"\r\n")
                        if server_closed.is_set():
                            break
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass
                finally:
                    channel.leave()

        server_closed = threading.Event()
        self._closed = server_closed
        for c in channels.values():
            c.closed = False
        ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True, name="mjpeg-http").start()

    def stop(self) -> None:
        if self.httpd is None:
            return
        self._closed.set()
        for c in self.channels.values():
            c.closed = True
            with c.cond:
                c.cond.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.httpd = None


# ---------------------------------------------------------------- the simulator

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class StreamSimulator:
    """All demo cameras: RTSP mounts ``<slug>/main`` and ``<slug>/sub``, MJPEG ``/<slug>/main|sub``."""

    rtsp_port: int = RTSP_PORT
    http_port: int = HTTP_PORT
    cameras: tuple[DemoCamera, ...] = DEMO_CAMERAS
    fps: int = 15
    main_size: tuple[int, int] = (1280, 720)
    sub_size: tuple[int, int] = (640, 360)
    rtsp: RtspServer | None = field(default=None, init=False)
    mjpeg: MjpegServer | None = field(default=None, init=False)
    _feeds: list = field(default_factory=list, init=False)

    def urls(self, cam: DemoCamera) -> tuple[str, str]:
        return stream_urls(cam, rtsp_port=self.rtsp_port, http_port=self.http_port)

    def start(self) -> None:
        rtsp_cams = [c for c in self.cameras if c.kind == "rtsp"]
        if rtsp_cams:
            why = RtspServer.available()
            if why:
                log.warning("RTSP demo cameras are off: %s", why)
            else:
                mounts = [f"{c.slug}/{q}" for c in rtsp_cams for q in ("main", "sub")]
                self.rtsp = RtspServer(self.rtsp_port, mounts)
                self.rtsp.start()
                for i, mount in enumerate(mounts):
                    cam = rtsp_cams[i // 2]
                    size = self.main_size if mount.endswith("main") else self.sub_size
                    feed = _RtspFeed(self.rtsp, i, title=cam.name, width=size[0], height=size[1], fps=self.fps)
                    feed.start()
                    self._feeds.append(feed)
        self.mjpeg = MjpegServer(self.http_port)
        for i, cam in enumerate(c for c in self.cameras if c.kind == "mjpeg"):
            self.mjpeg.add(f"{cam.slug}/main", cam.name, *self.main_size, fps=min(self.fps, 10), seed=100 + i)
            self.mjpeg.add(f"{cam.slug}/sub", cam.name, *self.sub_size, fps=min(self.fps, 10), seed=100 + i)
        self.mjpeg.start()
        self.http_port = self.mjpeg.port

    def stop(self) -> None:
        for f in self._feeds:
            f.stopping.set()
        if self.rtsp:
            self.rtsp.stop()
        if self.mjpeg:
            self.mjpeg.stop()
        for f in self._feeds:
            f.join(3)
        self._feeds.clear()


def main(argv: list[str] | None = None) -> int:
    """Serve the demo cameras (or, with --bench N, N looped 640×360 H.264 streams) until killed."""
    import argparse
    import signal

    p = argparse.ArgumentParser(prog="python -m citysim.cameras")
    p.add_argument("--rtsp-port", type=int, default=RTSP_PORT)
    p.add_argument("--http-port", type=int, default=HTTP_PORT)
    p.add_argument("--bench", type=int, default=0, help="serve N copies of a looped 640x360 25 fps file as /benchN")
    p.add_argument("--bench-file", type=Path, default=None)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.bench:
        path = args.bench_file or Path("/tmp/sc-bench-640x360.h264")
        if not path.exists():
            write_h264_file(path, seconds=10, title="640x360 25 fps")
        server = RtspServer(args.rtsp_port, [f"bench{i}" for i in range(args.bench)])
        server.start()
        feeds = [_RtspFeed(server, i, fps=25, loop_file=path) for i in range(args.bench)]
        for f in feeds:
            f.start()
        print("ready", flush=True)
        stop.wait()
        for f in feeds:
            f.stopping.set()
        server.stop()
        return 0
    sim = StreamSimulator(args.rtsp_port, args.http_port)
    sim.start()
    for cam in sim.cameras:
        print(cam.name, *sim.urls(cam), flush=True)
    print("ready", flush=True)
    stop.wait()
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
