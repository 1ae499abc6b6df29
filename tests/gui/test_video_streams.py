"""Tiles against real streams on localhost: live pictures, lost signal, recovery, and failures explained.

Timeouts are generous (the machine is shared); the only tight bound is the one the operator
relies on: a dead stream says "no signal" within 3 s.
"""

from __future__ import annotations

import time

import pytest

from tests.conftest import free_port

LIVE_MS = 20_000


@pytest.fixture
def tile(qtbot):
    from widgets.video.tile import VideoTile

    t = VideoTile()
    qtbot.addWidget(t)
    t.resize(320, 180)
    t.show()
    yield t
    t.stop()


def wait_live(qtbot, tile, frames: int = 3, timeout: int = LIVE_MS) -> None:
    start = tile.shown
    qtbot.waitUntil(lambda: tile.status == "live" and tile.shown >= start + frames, timeout=timeout)


def test_rtsp_h264_tile_shows_live_frames_scaled_by_the_reader(qtbot, tile, rtsp_server):
    tile.set_stream(rtsp_server.url("cam1/sub"), "RTSP camera", 1)
    wait_live(qtbot, tile, frames=10)
    img = tile.picture.image
    assert (img.width(), img.height()) == (320, 180)   # converted to the tile's size off the GUI thread
    assert tile.picture.source.width == 320
    assert tile.status_text() == ""                    # live: nothing written over the picture
    # the newest frame only: whatever the GUI did not take in time was dropped, not queued
    assert tile.reader.decoded >= tile.shown


def _kill_and_restore(qtbot, tile, kill, restore) -> None:
    wait_live(qtbot, tile)
    kill()
    killed_at = time.monotonic()
    qtbot.waitUntil(lambda: tile.status == "no_signal", timeout=3000)
    assert time.monotonic() - killed_at <= 3.5
    text = tile.status_text()
    assert "NO SIGNAL" in text and "last frame" in text
    frozen = tile.shown
    restore()
    qtbot.waitUntil(lambda: tile.status == "live" and tile.shown > frozen, timeout=LIVE_MS)
    assert tile.status_text() == ""


def test_rtsp_stream_killed_says_no_signal_then_recovers(qtbot, tile, rtsp_server):
    tile.set_stream(rtsp_server.url("cam1/sub"), "RTSP camera", 1)
    restored = {}

    def restore():
        rtsp_server.start()
        restored["at"] = time.monotonic()

    _kill_and_restore(qtbot, tile, rtsp_server.kill, restore)
    # the reader's backoff is capped, so the picture returns quickly once the camera is back
    assert time.monotonic() - restored["at"] < 10


def test_mjpeg_stream_killed_says_no_signal_then_recovers(qtbot, tile, mjpeg_server):
    tile.set_stream(mjpeg_server.url("cam2/sub"), "MJPEG camera", 2)
    _kill_and_restore(qtbot, tile, mjpeg_server.stop, mjpeg_server.start)


def test_one_dead_stream_does_not_hold_up_another(qtbot, rtsp_server, mjpeg_server):
    from widgets.video.tile import VideoTile

    live, dead = VideoTile(), VideoTile()
    for t in (live, dead):
        qtbot.addWidget(t)
        t.resize(320, 180)
        t.show()
    dead.set_stream(f"rtsp://127.0.0.1:{free_port()}/x", "dead", 3)
    live.set_stream(mjpeg_server.url("cam2/sub"), "live", 2)
    wait_live(qtbot, live, frames=10)
    qtbot.waitUntil(lambda: dead.status == "error", timeout=LIVE_MS)
    for t in (live, dead):
        t.stop()


@pytest.mark.parametrize("make_url, expect", [
    (lambda s: f"rtsp://127.0.0.1:{free_port()}/cam", "Connection refused"),
    (lambda s: f"http://127.0.0.1:{free_port()}/cam", "Connection refused"),
    (lambda s: "ftp://127.0.0.1/cam", "URL is not valid"),
    (lambda s: "http://camera.invalid/cam", "cannot be reached"),
])
def test_bad_urls_say_what_is_wrong(qtbot, tile, make_url, expect):
    tile.set_stream(make_url(None), "bad", 9)
    qtbot.waitUntil(lambda: tile.status == "error", timeout=LIVE_MS)
    assert expect in tile.status_text()


def test_unknown_paths_say_not_found(qtbot, tile, rtsp_server, mjpeg_server):
    tile.set_stream(rtsp_server.url("no/such/mount"), "bad", 9)
    qtbot.waitUntil(lambda: tile.status == "error", timeout=LIVE_MS)
    assert "404" in tile.status_text()
    tile.set_stream(mjpeg_server.url("nothing-here"), "bad", 9)
    qtbot.waitUntil(lambda: tile.status == "error", timeout=LIVE_MS)
    assert "404" in tile.status_text()


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
def test_garbage_bytes_say_not_a_video_stream(qtbot, tile, garbage_server, scheme):
    tile.set_stream(f"{scheme}://127.0.0.1:{garbage_server.port}/cam", "garbage", 9)
    qtbot.waitUntil(lambda: tile.status == "error", timeout=LIVE_MS)
    assert "Not a video stream" in tile.status_text()


def test_a_status_code_in_the_url_is_not_the_servers_answer():
    """The garbage test once read "refused access (403)": the server's port was 40393."""
    import av

    from widgets.video.stream import classify

    url = "http://127.0.0.1:40393/cam/404"
    assert classify(av.error.InvalidDataError(1094995529, "Invalid data found when processing input", url)) == "invalid_data"
    assert classify(av.error.HTTPForbiddenError(1, "Server returned 403 Forbidden (access denied)", url)) == "forbidden"
    assert classify(av.error.HTTPNotFoundError(1, "Server returned 404 Not Found", url)) == "not_found"
    assert classify(av.error.HTTPUnauthorizedError(1, "Server returned 401 Unauthorized", url)) == "unauthorized"
    assert classify(OSError(5, "Server returned 403 Forbidden (access denied)")) == "forbidden"  # untyped


def test_credentials_never_shown_or_logged(qtbot, tile, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    tile.set_stream(f"rtsp://operator:hunter2@127.0.0.1:{free_port()}/cam", "", 9)
    qtbot.waitUntil(lambda: tile.status == "error", timeout=LIVE_MS)
    assert "hunter2" not in caplog.text and "hunter2" not in tile.reader.name
    assert "hunter2" not in tile.status_text()
