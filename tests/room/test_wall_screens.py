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


def test_sc_desk_wall_opens_on_the_free_screen_and_ends_on_sigterm(live_server, tmp_path):
    """`sc-desk --wall` itself, on an X server with two screens; SIGTERM ends it cleanly."""
    import signal
    import time

    if not shutil.which("Xvfb"):
        if IN_CI:
            pytest.fail("Xvfb is missing (Debian package xvfb), and CI=true requires it")
        pytest.skip("Xvfb is missing")
    r, w = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), *TWO_SCREENS.split(), "-nolisten", "tcp", "-ac"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    try:
        got = b""
        while not got.endswith(b"\n"):  # Xvfb writes the display number and a newline once it is ready
            chunk = os.read(r, 16)
            assert chunk, "Xvfb did not start"
            got += chunk
        os.close(r)
        display = ":" + got.decode().strip()
        pw = tmp_path / "pw"
        pw.write_text(TEST_PASSWORD)
        cfg = tmp_path / "cfg"
        env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=display, SC_DESK_CONFIG_DIR=str(cfg),
                   SC_DESK_DATA_DIR=str(tmp_path / "data"))
        desk = subprocess.Popen([sys.executable, "-m", "app.main", "--wall", "--server", live_server.url,
                                 "--user", "dispatcher", "--password-file", str(pw)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        settings = cfg / "settings.json"
        deadline = time.monotonic() + 90
        room = {}
        while time.monotonic() < deadline and desk.poll() is None:
            if settings.exists():
                room = json.loads(settings.read_text(encoding="utf-8")).get("extra", {}).get("room", {})
                if room.get("wall_screen_index", -1) >= 0:
                    break
            time.sleep(0.3)
        assert room.get("wall_screen_index") == 1, desk.stderr.read() if desk.poll() is not None else room
        # The screen is saved as the wall shows, a moment before the event loop runs; a SIGTERM before
        # the loop would only close the windows (sc-desk's start-up, not the wall's).
        time.sleep(5)
        desk.send_signal(signal.SIGTERM)
        assert desk.wait(30) == 0
    finally:
        for p in (locals().get("desk"), xvfb):
            if p is not None and p.poll() is None:
                p.kill()
