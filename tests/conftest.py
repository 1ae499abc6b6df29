"""Shared fixtures: real backends on free ports, real PostgreSQL and MQTT where present."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
# The login throttle sleeps between failures; tests of it patch the clock instead.

import pytest

IN_CI = os.environ.get("CI") == "true"
PG_ADMIN_URL = os.environ.get("SC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MQTT_HOST, MQTT_PORT = "127.0.0.1", 1883
TEST_PASSWORD = "test-password-123"


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    """Skip with a clear reason on a machine without the service; under CI, fail instead."""
    if _port_open(host, port):
        return
    msg = f"{name} is not reachable on {host}:{port}"
    if IN_CI:
        pytest.fail(f"{msg}, and CI=true requires it")
    pytest.skip(f"{msg}; start it to run this test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc, timeout: float = 60.0, *, output=lambda proc: "") -> None:
    """Until GET {url}/api/v1/health answers; fails with the process's output if it exits first."""
    import requests

    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, f"the server process exited: {output(proc)}"
        try:
            if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer /api/v1/health in {timeout:.0f} s"
        time.sleep(0.2)


# ---------------------------------------------------------------- databases

@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    need_service("PostgreSQL", "127.0.0.1", 5432)
    import psycopg

    name = f"sc_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def mqtt_url() -> str:
    need_service("The MQTT broker", MQTT_HOST, MQTT_PORT)
    return f"mqtt://{MQTT_HOST}:{MQTT_PORT}"


def _truncate_all(engine) -> None:
    from sqlalchemy import text

    from backend.db import Base

    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in reversed(tables):
                conn.execute(text(f'DELETE FROM "{t}"'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    """Every backend test that takes this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sc.sqlite3'}"
    url = request.getfixturevalue("pg_url")
    return url


@dataclass
class Backend:
    app: object
    settings: object
    tmp: Path

    @property
    def sessionmaker(self):
        return self.app.state.sessionmaker

    def add_user(self, username: str, role: str, password: str = TEST_PASSWORD):
        from backend.auth.service import create_user

        with self.sessionmaker() as s:
            user = create_user(s, username=username, role=role, password=password)
            s.commit()
            return user


def make_backend(database_url: str, tmp: Path, **overrides) -> Backend:
    from backend.app import create_app
    from backend.config import Settings

    settings = Settings(database_url=database_url, media_dir=str(tmp / "media"),
                        secret_key="t" * 48, run_ingest=False, run_recorder=False, **overrides)
    app = create_app(settings)
    if not database_url.startswith("sqlite"):
        _truncate_all(app.state.engine)
    return Backend(app=app, settings=settings, tmp=tmp)


@pytest.fixture
def backend(database_url, tmp_path) -> Backend:
    """A migrated backend app with users dispatcher/supervisor/admin (password TEST_PASSWORD)."""
    b = make_backend(database_url, tmp_path)
    for role in ("dispatcher", "supervisor", "admin"):
        b.add_user(role, role)
    yield b
    b.app.state.engine.dispose()


@pytest.fixture
def api(backend):
    """A TestClient factory: api("dispatcher") is logged in as that role."""
    from fastapi.testclient import TestClient

    clients = []

    def make(role: str | None = None) -> TestClient:
        c = TestClient(backend.app, raise_server_exceptions=False)
        c.__enter__()
        clients.append(c)
        if role:
            r = c.post("/api/v1/auth/token", data={"username": role, "password": TEST_PASSWORD})
            assert r.status_code == 200, r.text
            c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)


# ---------------------------------------------------------------- live server

class LiveServer:
    """uvicorn serving a real backend on a free localhost port, in a thread; stoppable."""

    def __init__(self, backend: Backend, port: int | None = None) -> None:
        self.backend = backend
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._thread = None

    def start(self) -> "LiveServer":
        import uvicorn

        config = uvicorn.Config(self.backend.app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name=f"uvicorn:{self.port}")
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("live server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    """A real backend on SQLite served over HTTP, with the three role users."""
    b = make_backend(f"sqlite:///{tmp_path / 'live.sqlite3'}", tmp_path)
    for role in ("dispatcher", "supervisor", "admin"):
        b.add_user(role, role)
    server = LiveServer(b).start()
    yield server
    server.stop()


# ---------------------------------------------------------------- desktop

@pytest.fixture
def desk_settings(tmp_path, monkeypatch):
    from app.settings import AppSettings

    monkeypatch.setenv("SC_DESK_CONFIG_DIR", str(tmp_path / "desk-config"))
    monkeypatch.setenv("SC_DESK_DATA_DIR", str(tmp_path / "desk-data"))
    return AppSettings.load(tmp_path / "desk-settings.json")


@pytest.fixture
def make_ctx(qtbot, desk_settings):
    """make_ctx(live_server, role) → AppContext logged in to that server as that role."""
    from app.main import build_context
    from backend_client.client import ApiClient

    made = []

    def make(server, role: str = "dispatcher", start_events: bool = True):
        client = ApiClient(server.url)
        user = client.login(role, TEST_PASSWORD)
        ctx = build_context(client, user, desk_settings)
        if start_events:
            ctx.events.start()
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.events.stop()
        ctx.tasks.shutdown(wait=True)


@pytest.fixture
def no_leaked_windows(qapp):
    """Fails a test that leaves a window open (autouse in the packages with GUI tests)."""
    from PySide6.QtWidgets import QApplication

    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    yield
    QApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before]
    for w in leaked:
        w.close()
    assert not leaked, f"test left windows open: {[type(w).__name__ for w in leaked]}"
