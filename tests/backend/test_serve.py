"""`sc-server --workers N`: connections are dealt evenly, a dead worker is replaced, SIGTERM stops all."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return sorted(out)


def _established_on(pid: int, port: int) -> int:
    """How many established TCP connections to `port` process `pid` holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            local_port = int(parts[1].rsplit(":", 1)[1], 16)
            if local_port == port and parts[3] == "01" and parts[9] in inodes:
                count += 1
    return count


@pytest.fixture
def server(tmp_path):
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc to see which worker holds which connection")
    port = free_port()
    env = {**os.environ, "SC_SECRET_KEY": "s" * 48, "SC_MEDIA_DIR": str(tmp_path / "media"),
           "SC_RUN_INGEST": "false", "SC_RUN_RECORDER": "false"}
    env.pop("SC_DATABASE_URL", None)
    db = f"sqlite:///{tmp_path / 'sc.sqlite3'}"
    subprocess.run([sys.executable, "-m", "backend.cli", "--database-url", db, "create-user", "ops",
                    "--role", "dispatcher", "--password-stdin"], input="ops-password-1\n", text=True, env=env,
                   cwd=ROOT, check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "--host", "127.0.0.1", "--port", str(port),
                             "--database-url", db, "--workers", "2"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc, output=lambda p: p.stdout.read())
    token = requests.post(f"{url}/api/v1/auth/token",
                          data={"username": "ops", "password": "ops-password-1"}).json()["access_token"]
    yield proc, port, token
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _connect(port: int, token: str, n: int) -> list[http.client.HTTPConnection]:
    conns = []
    for _ in range(n):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/api/v1/incidents?limit=5", headers={"Authorization": f"Bearer {token}"})
        r = c.getresponse()
        r.read()
        assert r.status == 200
        conns.append(c)
    return conns


def _wait(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_keep_alive_connections_are_dealt_evenly_over_the_workers(server):
    proc, port, token = server
    _wait(lambda: len(_children(proc.pid)) == 2)
    workers = _children(proc.pid)
    conns = _connect(port, token, 8)
    # The parent hands every accepted connection on at once; it keeps none itself.
    _wait(lambda: [_established_on(w, port) for w in workers] == [4, 4])
    assert _established_on(proc.pid, port) == 0
    for c in conns:
        c.close()


def test_a_dead_worker_is_replaced_and_sigterm_stops_everything(server):
    proc, port, token = server
    _wait(lambda: len(_children(proc.pid)) == 2)
    first, second = _children(proc.pid)
    os.kill(first, signal.SIGKILL)
    _wait(lambda: first not in _children(proc.pid) and len(_children(proc.pid)) == 2)
    for c in _connect(port, token, 4):  # served by the survivor and the new worker alike
        c.close()
    workers = _children(proc.pid)
    assert second in workers
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    _wait(lambda: not any(Path(f"/proc/{w}").exists() and "zombie" not in Path(f"/proc/{w}/status").read_text()
                          for w in workers))


def test_workers_must_be_at_least_one():
    r = subprocess.run([sys.executable, "-m", "backend.cli", "--workers", "0"], cwd=ROOT, capture_output=True,
                       text=True, env={**os.environ, "SC_SECRET_KEY": "s" * 48})
    assert r.returncode == 2 and "--workers" in r.stderr
