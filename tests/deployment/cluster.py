"""Real `sc-server` processes on one PostgreSQL, a private PostgreSQL cluster and a private broker:
what the deployment tests and bench/soak.py start, kill and start again."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SECRET = "d" * 48
PASSWORD = "deploy-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(db_url: str, *args: str, stdin: str | None = None, env: dict | None = None) -> str:
    out = subprocess.run([sys.executable, "-m", "backend.cli", "--database-url", db_url, *args], input=stdin,
                         text=True, env={**os.environ, "SC_SECRET_KEY": SECRET, **(env or {})}, cwd=ROOT,
                         capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def add_users(db_url: str, roles=("dispatcher", "supervisor", "admin"), password: str = PASSWORD) -> None:
    for role in roles:
        cli(db_url, "create-user", role, "--role", role, "--password-stdin", stdin=password + "\n")


class Instance:
    """One `sc-server` process on a fixed port (its name, host:port, stays the same across restarts)."""

    def __init__(self, db_url: str, tmp: Path, *, port: int | None = None, mqtt_url: str = "",
                 env: dict | None = None) -> None:
        self.db_url = db_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"server-{self.port}.log"
        self.env = {**os.environ, "SC_SECRET_KEY": SECRET, "SC_MEDIA_DIR": str(tmp / "media"),
                    "SC_RUN_RECORDER": "false", "SC_LEASE_POLL_SECONDS": "0.5", "SC_MQTT_URL": mqtt_url,
                    **(env or {})}
        self.env.pop("SC_DATABASE_URL", None)
        self.proc: subprocess.Popen | None = None

    def start(self, wait: bool = True, timeout: float = 120) -> "Instance":
        fh = open(self.log, "a")
        self.proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "--host", "127.0.0.1", "--port",
                                      str(self.port), "--database-url", self.db_url], env=self.env, cwd=ROOT,
                                     stdout=fh, stderr=subprocess.STDOUT)
        fh.close()
        if wait:
            self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, f"{self.url} exited: {self.tail()}"
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"{self.url} did not answer in {timeout:.0f} s: {self.tail()}"
            time.sleep(0.2)

    def tail(self, n: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        if self.alive:
            self.proc.kill()
            self.proc.wait(10)

    def terminate(self, timeout: float = 20) -> float:
        """SIGTERM; returns the seconds until the process was gone."""
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout)
        return time.monotonic() - t0

    def rss_kb(self) -> int:
        """Resident memory of the server and its children (the MQTT receiver), in KiB."""
        total = 0
        pids = [self.proc.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                        pids.append(int(entry.name))
                except (OSError, ValueError, IndexError):
                    pass
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total


def token(url: str, role: str) -> str:
    r = requests.post(f"{url}/api/v1/auth/token", data={"username": role, "password": PASSWORD}, timeout=10)
    r.raise_for_status()
    return r.json()["access_token"]


def duties(url: str, admin_token: str) -> list[dict]:
    r = requests.get(f"{url}/api/v1/health", params={"details": 1},
                     headers={"Authorization": f"Bearer {admin_token}"}, timeout=10)
    r.raise_for_status()
    return r.json()["details"]["duties"]


# ---------------------------------------------------------------- private services

def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("initdb not found under /usr/lib/postgresql/*/bin (Debian package postgresql)")
    return Path(found[-1]).parent


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temp dir, a free port): restartable at will,
    never the system's."""

    def __init__(self, root: Path | None = None) -> None:
        self.bin = _pg_bin()
        self.root = Path(root or tempfile.mkdtemp(prefix="sc-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/situation"
        # PostgreSQL refuses to run as root: then the cluster runs as the system's postgres user.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            self.root.mkdir(parents=True, exist_ok=True)
            shutil.chown(self.root, "postgres", "postgres")

    def _cmd(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        out = subprocess.run([*self._as, str(self.bin / args[0]), *args[1:]], capture_output=True, text=True,
                             timeout=120)
        if check and out.returncode:
            raise RuntimeError(f"{args[0]} failed: {out.stdout[-1500:]} {out.stderr[-1500:]}")
        return out

    def start(self) -> "PrivatePostgres":
        if not (self.data / "PG_VERSION").exists():
            self._cmd("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--no-sync")
        self._cmd("pg_ctl", "-D", str(self.data), "-l", str(self.root / "pg.log"), "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c max_connections=300 -c shared_buffers=64MB", "start")
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'situation'").fetchone():
                conn.execute("CREATE DATABASE situation")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._cmd("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateBroker:
    """A Mosquitto 2 of our own on a free port (persistence on, so a restart keeps queued sessions)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or tempfile.mkdtemp(prefix="sc-mqtt-"))
        self.port = free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.exe = exe
        if os.geteuid() == 0:  # mosquitto drops root for its own user, which must write the persistence
            self.root.mkdir(parents=True, exist_ok=True)
            try:
                shutil.chown(self.root, "mosquitto")
            except (LookupError, OSError):
                pass
        (self.root / "mosquitto.conf").write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {self.root}/\nmax_queued_messages 200000\nmax_inflight_messages 0\n"
            "autosave_interval 5\n")

    def start(self) -> "PrivateBroker":
        self.proc = subprocess.Popen([self.exe, "-c", str(self.root / "mosquitto.conf")],
                                     stdout=open(self.root / "broker.log", "a"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"mosquitto did not start: {(self.root / 'broker.log').read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def add_meters(db_url: str, uids: list[str]) -> None:
    """Electricity meters of one site, made in the shared database before the instances read it."""
    from backend.db import make_engine, make_sessionmaker
    from backend.telemetry import service
    from backend.telemetry.models import Site
    from backend_client.schemas.telemetry import DeviceIn, SiteIn

    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as s:
            site = s.query(Site).filter_by(code="deploy-site").one_or_none() or service.create_site(
                s, data=SiteIn(code="deploy-site", name="Школа № 2", kind="school", address="ул. Ленина, 2",
                               lat=51.66, lon=35.65))
            for uid in uids:
                service.create_device(s, data=DeviceIn(uid=uid, name="meter", site_id=site.id,
                                                       resource="electricity", key="kwh"))
            s.commit()
    finally:
        engine.dispose()


def ingest_stats(url: str, admin_token: str) -> dict:
    r = requests.get(f"{url}/api/v1/health", params={"details": 1},
                     headers={"Authorization": f"Bearer {admin_token}"}, timeout=10)
    r.raise_for_status()
    return r.json()["details"]["ingest"]
