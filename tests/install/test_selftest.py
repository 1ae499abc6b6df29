"""`sc-desk --self-test` from the source tree: every check passes against a real server and a real
camera stream, and each failure a technician meets in the field gives a FAIL line and a non-zero exit."""

from __future__ import annotations

import sys

import pytest

from tests.gui.video_servers import rtsp_server  # noqa: F401 - fixture
from tests.install.helpers import ALL_CHECKS, add_incidents, run_selftest

SOURCE = [sys.executable, "-m", "app.main"]


def test_selftest_passes_against_a_live_server_and_camera(live_server, rtsp_server, tmp_path):  # noqa: F811
    add_incidents(live_server, 3)
    result = run_selftest(SOURCE, live_server.url, tmp_path, camera_url=rtsp_server.url("cam1/sub"),
                          cwd=None)
    assert result.code == 0, result.explain()
    assert result.lines == {name: "PASS" for name in ALL_CHECKS | {"camera"}}, result.explain()
    assert "3 incident(s) in the queue" in result.out
    assert "Leaflet 1." in result.out
    assert (tmp_path / "data" / "desk" / "logs" / "sc-desk.log").exists(), "no rotating log file"


def test_selftest_fails_on_a_wrong_password(live_server, tmp_path):
    result = run_selftest(SOURCE, live_server.url, tmp_path, user="nobody")
    assert result.code != 0
    assert result.lines["server"] == "PASS"
    assert result.lines["login"] == "FAIL", result.explain()
    assert "main window" not in result.lines  # nothing that needs a session is pretended to pass


def test_selftest_fails_when_the_server_is_down(tmp_path):
    from tests.conftest import free_port

    result = run_selftest(SOURCE, f"http://127.0.0.1:{free_port()}", tmp_path)
    assert result.code != 0
    assert result.lines["server"] == "FAIL", result.explain()
    assert result.lines["installed files"] == "PASS"


@pytest.mark.parametrize("url", ["rtsp://127.0.0.1:1/none"])
def test_selftest_fails_on_a_dead_camera(live_server, tmp_path, url):
    result = run_selftest(SOURCE, live_server.url, tmp_path, camera_url=url)
    assert result.code == 1, result.explain()
    assert result.lines["camera"] == "FAIL"
    assert result.lines["login"] == "PASS"
