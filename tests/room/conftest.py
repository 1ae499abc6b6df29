"""The room's GUI tests fail when they leave a window open, like tests/gui's; the map pages they build
are cached outside the user's cache."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_leaked_windows(request):
    if "qtbot" in request.fixturenames:
        request.getfixturevalue("no_leaked_windows")
    yield


@pytest.fixture(autouse=True)
def map_cache(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("SC_DESK_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "desk-cache"))
