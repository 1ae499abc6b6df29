"""This folder's panel tests fail if they leave a window open (the desktop fixtures are in the root conftest)."""

import pytest


@pytest.fixture(autouse=True)
def _no_leaked_windows(request):
    if "qtbot" in request.fixturenames:
        request.getfixturevalue("no_leaked_windows")
    yield
