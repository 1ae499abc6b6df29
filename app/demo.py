"""sc-demo: the real backend on embedded SQLite with the Kurchatov demo city, the city
simulator, and the desktop logged in as the demo dispatcher."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import platformdirs
import requests


def _free_port(preferred: int) -> int:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"sc-demo: the server exited with code {proc.returncode}; see the log above")
        try:
            if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("sc-demo: the server did not become healthy in time")


def read_demo_credentials(path: Path) -> dict[str, str]:
    creds = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, _, password = line.replace(":", " ", 1).partition(" ")
        creds[user.strip()] = password.strip()
    return creds


class _Children:
    """The processes sc-demo started, stopped in reverse order however the demo ends.

    SIGTERM ends the demo like Ctrl+C, by raising KeyboardInterrupt in the main thread. One that
    landed after a child's exec but before the child was recorded here would leave that child
    running after sc-demo exits, so while a child is being started the interrupt is held, and it
    is raised as soon as the child is on the list.
    """

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []
        self._starting = False
        self._held = False
        self._interrupted = False

    def interrupt(self, _signum, _frame) -> None:
        if self._interrupted:  # a second SIGTERM must not cut the stopping of the children short
            return
        if self._starting:
            self._held = True
            return
        self._interrupted = True
        raise KeyboardInterrupt

    def start(self, cmd: list[str], **kw) -> subprocess.Popen:
        self._starting = True
        try:
            proc = subprocess.Popen(cmd, **kw)
            self.procs.append(proc)
        finally:
            self._starting = False
        if self._held:
            self._held = False
            self._interrupted = True
            raise KeyboardInterrupt
        return proc

    def stop(self) -> None:
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sc-demo", description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--user", default="dispatcher", choices=["dispatcher", "supervisor", "admin"])
    parser.add_argument("--complaint-interval", type=float, default=20.0,
                        help="seconds between simulated citizen complaints")
    parser.add_argument("--no-client", action="store_true", help="run the server and simulator only")
    args = parser.parse_args(argv)
    # SIGTERM ends the demo like Ctrl+C: the finally below stops the server and the simulator
    # (the desktop, once running, closes its windows on either, then returns here).
    children = _Children()
    signal.signal(signal.SIGTERM, children.interrupt)

    demo_dir = Path(platformdirs.user_data_dir("situation-center", appauthor=False)) / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    creds_file = demo_dir / "credentials.txt"
    port = _free_port(args.port)
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.setdefault("SC_DATABASE_URL", f"sqlite:///{demo_dir / 'demo.sqlite3'}")
    env.setdefault("SC_MEDIA_DIR", str(demo_dir / "media"))
    env["SC_DEMO_CREDENTIALS_FILE"] = str(creds_file)
    env["SC_DEMO"] = "true"
    if "SC_MQTT_URL" not in env and _port_open(1883):
        env["SC_MQTT_URL"] = "mqtt://127.0.0.1:1883"  # live meter readings through the local broker
    print(f"sc-demo: starting the backend on {url} (database {env['SC_DATABASE_URL']})", flush=True)
    try:
        server = children.start([sys.executable, "-m", "backend.cli", "--host", "127.0.0.1", "--port", str(port)],
                                env=env)
        _wait_healthy(url, server)
        creds = read_demo_credentials(creds_file)
        children.start([sys.executable, "-m", "citysim", "--server", url, "--user", "dispatcher",
                        "--complaint-interval", str(args.complaint_interval)],
                       env={**env, "SC_SIM_PASSWORD": creds["dispatcher"]})
        if args.no_client:
            print("sc-demo: running; Ctrl+C stops", flush=True)
            server.wait()
            return 0
        with tempfile.NamedTemporaryFile("w", delete=False, prefix="sc-demo-", suffix=".pw") as fh:
            os.chmod(fh.name, 0o600)
            fh.write(creds[args.user])
        try:
            from app.main import main as desk_main

            return desk_main(["--server", url, "--user", args.user, "--password-file", fh.name])
        finally:
            os.unlink(fh.name)
    except KeyboardInterrupt:
        return 130
    finally:
        children.stop()


if __name__ == "__main__":
    sys.exit(main())
