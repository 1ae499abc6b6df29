"""The wall on the second of two screens (Xvfb with two X screens), with the map in the middle and figures
that change as incidents come in."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI, TEST_PASSWORD
from tests.room.test_wall import post_incident

CHILD = Path(__file__).with_name("wall_child.py")
TWO_SCREENS = "-screen 0 1920x1080x24 -screen 1 1920x1080x24"


def need_xvfb() -> None:
    if shutil.which("xvfb-run"):
        return
    if IN_CI:
        pytest.fail("xvfb-run is missing (Debian package xvfb), and CI=true requires it")
    pytest.skip("xvfb-run is missing (Debian package xvfb)")


def test_wall_opens_on_the_second_screen_and_follows_new_incidents(live_server, tmp_path):
    need_xvfb()
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", SC_DESK_CONFIG_DIR=str(tmp_path / "cfg"),
               SC_DESK_DATA_DIR=str(tmp_path / "data"))
    shot = tmp_path / "wall.png"
    proc = subprocess.Popen(["xvfb-run", "-a", "-s", TWO_SCREENS, sys.executable, str(CHILD), live_server.url,
                             "dispatcher", TEST_PASSWORD, "--shot", str(shot), "--wait-change"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = json.loads(proc.stdout.readline() or "{}")
        assert first.get("ready"), (first, proc.stderr.read() if proc.poll() is not None else "")
        assert first["screens"] == 2 and first["screen"] == 1 and first["operator_screen"] == 0
        assert first["full_screen"] and first["geometry"][2:] == [1920, 1080]
        assert first["center"] == "wall_map"  # the map feature's panel, built from the registry
        assert first["remembered"][1] == 1
        assert first["open"] == 0
        post_incident(live_server)
        second = json.loads(proc.stdout.readline() or "{}")
        assert second == {"changed": True, "open": 1.0}
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert shot.stat().st_size > 20_000
