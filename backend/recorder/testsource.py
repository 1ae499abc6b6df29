"""A live H.264 camera for tests and benchmarks: MPEG-TS over HTTP, paced in real time.

A short clip is encoded once (libx264, no B-frames, a key frame every `gop` frames: still
scene for the first half, a moving box in the second) and then looped with shifted
timestamps, so serving costs almost no CPU.  `stop()` drops every viewer like a camera
losing power; `start()` on the same port brings it back.
"""

from __future__ import annotations

import socket
import threading
import time
from fractions import Fraction
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

import av


def encode_clip(path: Path, *, seconds: float = 10.0, fps: int = 25, size: tuple[int, int] = (320, 240),
                gop: int = 25, still_share: float = 0.5, bitrate: int = 0, noise: float = 0.0) -> Path:
    """Write an H.264 MPEG-TS clip: a still street-like scene, then a box crossing it.

    `noise` (grey levels) adds sensor-like grain so the bitrate looks like a real camera's.
    """
    w, h = size
    out = av.open(str(path), "w", format="mpegts")
    st = out.add_stream("libx264", rate=fps)
    st.width, st.height, st.pix_fmt = w, h, "yuv420p"
    opts = {"preset": "ultrafast", "tune": "zerolatency", "bf": "0", "g": str(gop), "keyint_min": str(gop),
            "sc_threshold": "0"}
    if bitrate:
        st.bit_rate = bitrate
    st.options = opts
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.zeros((h, w, 3), np.uint8)
    base[..., 0] = (40 + 60 * yy / h).astype(np.uint8)
    base[..., 1] = (50 + 50 * xx / w).astype(np.uint8)
    base[..., 2] = 70
    base[h * 2 // 3:, :, :] = (70, 70, 74)                      # the road
    base[h // 6:h // 2, w // 8:w // 3] = (150, 140, 120)        # a building
    base[h // 5:h // 2, w // 2:w * 3 // 4] = (120, 130, 150)
    n = int(seconds * fps)
    still = int(n * still_share)
    bw, bh = max(8, w // 6), max(6, h // 8)
    rng = np.random.default_rng(1)
    grain = [rng.normal(0, noise, (h, w, 1)).astype(np.int16) for _ in range(8)] if noise else None
    for i in range(n):
        img = base.copy()
        if grain is not None:
            img = np.clip(img.astype(np.int16) + grain[i % len(grain)], 0, 255).astype(np.uint8)
        if i >= still:
            x = int((i - still) / max(1, n - still) * (w - bw))
            img[h * 3 // 4:h * 3 // 4 + bh, x:x + bw] = (220, 60, 40)
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts = i
        frame.time_base = Fraction(1, fps)
        for pkt in st.encode(frame):
            out.mux(pkt)
    for pkt in st.encode(None):
        out.mux(pkt)
    out.close()
    return path


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, *args) -> None:  # quiet: tests read their own output
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "video/mp2t")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.server.clients.add(self.connection)
        try:
            self.server.source.serve(self.wfile, self.server.stopping)
        except Exception:  # the viewer went away or we were stopped
            pass
        finally:
            self.server.clients.discard(self.connection)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class LiveH264Source:
    """Serves `clip` at http://127.0.0.1:<port>/live.ts as an endless live stream."""

    def __init__(self, clip: Path, port: int = 0) -> None:
        self.clip = clip
        self.port = port
        self._server: _Server | None = None
        with av.open(str(clip)) as inp:
            s = inp.streams.video[0]
            self.time_base = s.time_base
            pkts = [p for p in inp.demux(s) if p.dts is not None]
            self.first = pkts[0].dts
            step = pkts[1].dts - pkts[0].dts
            self.loop_pts = pkts[-1].dts - pkts[0].dts + step

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/live.ts"

    def start(self) -> "LiveH264Source":
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self.port = self._server.server_address[1]
        self._server.source = self
        self._server.clients = set()
        self._server.stopping = threading.Event()
        threading.Thread(target=self._server.serve_forever, daemon=True, name=f"h264-src:{self.port}").start()
        return self

    def stop(self) -> None:
        """Drop every viewer and stop listening (the camera loses power)."""
        srv, self._server = self._server, None
        if srv is None:
            return
        srv.stopping.set()
        srv.shutdown()
        srv.server_close()
        for conn in list(srv.clients):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def serve(self, wfile, stopping: threading.Event) -> None:
        out = av.open(wfile, "w", format="mpegts", options={"flush_packets": "1"})
        t0 = time.monotonic()
        loop = 0
        try:
            with av.open(str(self.clip)) as inp:
                src = inp.streams.video[0]
                ost = out.add_stream_from_template(src)
                while not stopping.is_set():
                    inp.seek(0)
                    for pkt in inp.demux(src):
                        if pkt.dts is None:
                            continue
                        offset = loop * self.loop_pts - self.first
                        due = t0 + float((pkt.dts + offset) * self.time_base)
                        delay = due - time.monotonic()
                        if delay > 0:
                            if stopping.wait(delay):
                                return
                        pkt.pts += offset
                        pkt.dts += offset
                        pkt.stream = ost
                        out.mux(pkt)
                    loop += 1
        finally:
            try:
                out.close()
            except Exception:
                pass
