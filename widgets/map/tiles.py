"""Serves an MBTiles file on 127.0.0.1 so that the map page can show it with no network.

A tiny HTTP server on its own thread keeps SQLite reads off the GUI thread, and a
loopback URL needs no custom URL scheme registered before the QApplication exists.
"""
from __future__ import annotations

import re
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_TILE = re.compile(r"^/(\d+)/(\d+)/(\d+)(?:\.\w+)?$")


def _tile_mime(data: bytes) -> str:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


class MBTilesServer:
    """`start()` returns the tile URL template; `stop()` closes the server."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.conn = conn
        return conn

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        # MBTiles rows are TMS: y counts from the south.
        row = self._db().execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, (1 << z) - 1 - y)).fetchone()
        return bytes(row[0]) if row else None

    def metadata(self) -> dict[str, str]:
        try:
            return dict(self._db().execute("SELECT name, value FROM metadata").fetchall())
        except sqlite3.Error:
            return {}

    def start(self) -> str:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                m = _TILE.match(self.path.split("?")[0])
                data = None
                if m:
                    try:
                        data = server.tile(int(m[1]), int(m[2]), int(m[3]))
                    except sqlite3.Error:
                        data = None
                if data is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", _tile_mime(data))
                    if data[:2] == b"\x1f\x8b":
                        self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Cache-Control", "max-age=3600")
                    self.send_header("Access-Control-Allow-Origin", "*")
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the page moved on (or closed) before the tile arrived

            def log_message(self, *args) -> None:  # tiles are not worth a log line each
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="sc-mbtiles", daemon=True)
        self._thread.start()
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/{{z}}/{{x}}/{{y}}"

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
