"""sc-demo, the quick start's launcher: stopping it stops everything it started."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[1]


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(int(pid))
    return found


def _describe(pids: list[int]) -> str:
    """Which processes, in what state (a zombie or one stuck in the kernel reads differently)."""
    out = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/status").read_text().split("\n")[2]
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        out.append(f"{pid} ({state}): {cmdline[:160]}")
    return "; ".join(out)


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc to find the launched processes")
def test_sigterm_to_sc_demo_stops_the_server_and_the_simulator(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "share"),
           "PYTHONPATH": str(ROOT)}
    for key in ("SC_DATABASE_URL", "SC_MEDIA_DIR"):
        env.pop(key, None)
    demo = subprocess.Popen([sys.executable, "-m", "app.demo", "--no-client", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_healthy(url, demo, 120, output=lambda p: p.stderr.read().decode(errors="replace")[-3000:])
        deadline = time.monotonic() + 30
        while not _processes_mentioning(f"--server {url}"):  # the simulator logs in once the backend is up
            assert time.monotonic() < deadline, "the simulator did not start"
            time.sleep(0.2)

        demo.send_signal(signal.SIGTERM)
        assert demo.wait(30) != 0  # interrupted, not a normal end
        deadline = time.monotonic() + 15
        while left := _processes_mentioning(f"--port {port}") + _processes_mentioning(f"--server {url}"):
            assert time.monotonic() < deadline, f"outlived sc-demo: {_describe(left)}"
            time.sleep(0.2)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{url}/api/v1/health", timeout=2)
    finally:
        if demo.poll() is None:
            demo.kill()
        for pid in _processes_mentioning(f"--port {port}") + _processes_mentioning(f"--server {url}"):
            os.kill(pid, signal.SIGKILL)


def test_a_sigterm_while_a_child_is_being_started_still_stops_that_child(monkeypatch):
    """The signal lands after the child's exec, before sc-demo has recorded it: the race that
    once left a simulator running after sc-demo exited."""
    from app import demo

    real_popen = subprocess.Popen

    def popen_then_sigterm(cmd, **kw):
        proc = real_popen(cmd, **kw)
        os.kill(os.getpid(), signal.SIGTERM)  # Python runs the handler here, before Popen returns
        return proc

    children = demo._Children()
    previous = signal.signal(signal.SIGTERM, children.interrupt)
    monkeypatch.setattr(demo.subprocess, "Popen", popen_then_sigterm)
    try:
        with pytest.raises(KeyboardInterrupt):
            children.start([sys.executable, "-c", "import time; time.sleep(60)"])
        assert len(children.procs) == 1
        child = children.procs[0]
        children.stop()
        assert child.poll() is not None
        children.interrupt(signal.SIGTERM, None)  # a second SIGTERM while stopping is ignored
    finally:
        signal.signal(signal.SIGTERM, previous)
        for p in children.procs:
            if p.poll() is None:
                p.kill()
