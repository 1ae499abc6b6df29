"""Real stream servers on localhost for the video tests (imported as fixtures by test_video_*.py)."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from tests.conftest import IN_CI, free_port


@pytest.fixture
def rtsp_server():
    """The GStreamer RTSP server with two live-encoded mounts (small pictures: cheap to encode)."""
    from citysim.cameras import RtspServer, _RtspFeed

    why = RtspServer.available()
    if why:
        if IN_CI:
            pytest.fail(f"{why}, and CI=true requires it")
        pytest.skip(why)
    server = RtspServer(free_port(), ["cam1/main", "cam1/sub"])
    server.start()
    feeds = [_RtspFeed(server, i, title=f"test {i}", width=320, height=180, fps=15) for i in range(2)]
    for f in feeds:
        f.start()
    yield server
    for f in feeds:
        f.stopping.set()
    server.stop()


@pytest.fixture
def mjpeg_server():
    from citysim.cameras import MjpegServer

    server = MjpegServer(free_port())
    server.add("cam2/main", "mjpeg main", 320, 180, fps=10)
    server.add("cam2/sub", "mjpeg sub", 320, 180, fps=10)
    server.start()
    yield server
    server.stop()


class GarbageServer:
    """Accepts connections and answers with random bytes, like a wrong port or a broken device."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                for _ in range(400):
                    if self.stopped.is_set():
                        return
                    conn.sendall(os.urandom(2048))
                    time.sleep(0.05)
            except OSError:
                pass

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()


@pytest.fixture
def garbage_server():
    g = GarbageServer()
    yield g
    g.close()
