"""GUI tests: every one fails if it leaves a window open; each gets a private map page cache."""

from __future__ import annotations

import pytest

from tests.gui.video_servers import garbage_server, mjpeg_server, rtsp_server  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _no_leaked_windows(no_leaked_windows):
    yield


@pytest.fixture(autouse=True)
def map_cache(monkeypatch, tmp_path_factory):
    """Built map pages are cached between starts; keep the tests' cache out of the user's."""
    monkeypatch.setenv("SC_DESK_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "desk-cache"))
