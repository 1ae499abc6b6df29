"""The panel tests here fail when they leave a window open (the root conftest's no_leaked_windows)."""

import pytest


@pytest.fixture(autouse=True)
def _no_leaked_windows(request):
    if "qtbot" in request.fixturenames:
        request.getfixturevalue("no_leaked_windows")
