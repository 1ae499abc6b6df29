"""The city server as a site installs it: the wheel in a fresh venv of its own (locked
requirements, hash-checked), then `sc-server check`, `backup` and `restore` from that venv, on
SQLite and on PostgreSQL. The restored database has the same incidents and telemetry."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.conftest import PG_ADMIN_URL, TEST_PASSWORD, free_port, make_backend

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def server_venv(tmp_path_factory) -> Path:
    """The backend's wheel installed into a new venv from the server's part of requirements.lock."""
    from installer.debian import server_requirements, server_wheel
    from tools.lock import _uv

    tmp = tmp_path_factory.mktemp("server-venv")
    wheel = server_wheel(tmp)
    req = tmp / "requirements.txt"
    req.write_text(server_requirements(), encoding="utf-8")
    venv = tmp / "venv"
    uv = str(_uv())
    subprocess.run([uv, "venv", "--quiet", "--python", _python(), str(venv)], check=True)
    py = str(venv / "bin" / "python")
    subprocess.run([uv, "pip", "install", "--quiet", "--python", py, "--require-hashes", "-r", str(req)],
                   check=True)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", py, "--no-deps", str(wheel)], check=True)
    return venv


def _python() -> str:
    import sys

    return sys.executable


def populate(url: str, tmp: Path) -> dict:
    """Incidents through the API, telemetry through the ingest writer, one media file; returns what
    a restore must give back."""
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from backend.incidents.models import Incident
    from backend.telemetry.ingest import write_readings
    from backend.telemetry.models import Reading
    from tests.backend.test_telemetry import add_meter

    b = make_backend(url, tmp)
    b.add_user("dispatcher", "dispatcher")
    with TestClient(b.app) as c:
        token = c.post("/api/v1/auth/token", data={"username": "dispatcher", "password": TEST_PASSWORD}).json()
        c.headers["Authorization"] = f"Bearer {token['access_token']}"
        for i in range(5):
            r = c.post("/api/v1/incidents", json={"category": "roads", "lat": 51.66, "lon": 35.65 + i / 1000,
                                                  "description": f"yama {i}", "address": f"Lenina {i}"},
                       headers={"Idempotency-Key": str(uuid.uuid4())})
            assert r.status_code == 201, r.text
    dev = add_meter(b, "el-restore")
    t0 = 1_780_000_000_000
    with b.sessionmaker() as s:
        write_readings(s, [(dev, "kwh", t0 + i * 900_000, float(i % 7)) for i in range(300)])
        s.commit()
    media = Path(b.settings.media_dir) / "attachments" / "photo.jpg"
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_bytes(os.urandom(50_000))
    with b.sessionmaker() as s:
        state = {
            "incidents": [tuple(r) for r in s.execute(select(Incident.id, Incident.description).order_by(Incident.id))],
            "readings": s.scalar(select(func.count()).select_from(Reading)),
            "media": media.read_bytes(),
        }
    b.app.state.engine.dispose()
    return state


def read_state(url: str, media_dir: Path) -> dict:
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from backend.incidents.models import Incident
    from backend.telemetry.models import Reading

    engine = create_engine(url)
    try:
        with Session(engine) as s:
            return {
                "incidents": [tuple(r) for r in s.execute(select(Incident.id, Incident.description)
                                                          .order_by(Incident.id))],
                "readings": s.scalar(select(func.count()).select_from(Reading)),
                "media": (media_dir / "attachments" / "photo.jpg").read_bytes(),
            }
    finally:
        engine.dispose()


def sc_server(venv: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "sc-server"), *args], capture_output=True, text=True, env=env,
                          timeout=180)


def server_env(tmp: Path, url: str, media: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SC_")}
    env.update(SC_DATABASE_URL=url, SC_MEDIA_DIR=str(media), SC_SECRET_KEY="s" * 48, HOME=str(tmp),
               XDG_DATA_HOME=str(tmp / "xdg"), PYTHONPATH="")
    env.update(extra)
    return env


def new_database(kind: str, tmp: Path, name: str):
    """A second, empty database of the same kind to restore onto (PostgreSQL: created, dropped later)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / (name + '.sqlite3')}", None
    import psycopg

    db = f"sc_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'")
            conn.execute(f'DROP DATABASE IF EXISTS "{db}"')

    return PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + db, drop


def test_check_backup_restore_round_trip(server_venv, database_url, mqtt_url, tmp_path):
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    if kind == "postgresql" and "+" not in database_url.split("://")[0]:
        database_url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    before = populate(database_url, tmp_path / "live")
    env = server_env(tmp_path, database_url, tmp_path / "live" / "media", SC_MQTT_URL=mqtt_url)

    checked = sc_server(server_venv, env, "check", "--min-free-gb", "0.1")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = [line.split(":")[0].split() for line in checked.stdout.splitlines()]
    assert [l[0] for l in lines] == ["PASS"] * 7, checked.stdout
    assert {" ".join(l[1:]) for l in lines} == {"database", "migrations", "media directory", "secret key",
                                               "mqtt", "disk space", "check"}

    dest = tmp_path / "backups" / "nightly"
    backed = sc_server(server_venv, env, "backup", str(dest))
    assert backed.returncode == 0, backed.stdout + backed.stderr
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["dialect"] == kind
    assert manifest["tables"]["incidents"] == 5 and manifest["tables"]["readings"] == 300
    assert manifest["media_files"] == 1

    target, drop = new_database(kind, tmp_path, "restored")
    try:
        restored_media = tmp_path / "restored-media"
        env2 = server_env(tmp_path, target, restored_media)
        done = sc_server(server_venv, env2, "restore", str(dest))
        assert done.returncode == 0, done.stdout + done.stderr
        assert read_state(target, restored_media) == before
        # The restored server is a deployment that passes its own check (no MQTT configured here).
        rechecked = sc_server(server_venv, env2, "check", "--min-free-gb", "0.1")
        assert rechecked.returncode == 0, rechecked.stdout + rechecked.stderr
        # Restoring again onto the now filled database is refused, and nothing is changed.
        again = sc_server(server_venv, server_env(tmp_path, target, tmp_path / "empty-media"), "restore", str(dest))
        assert again.returncode == 1 and "not empty" in again.stderr, again.stderr
        assert read_state(target, restored_media) == before
    finally:
        if drop:
            drop()


def test_check_reports_each_broken_part(server_venv, tmp_path):
    """An unmigrated database, an unreachable broker and a read-only media directory: each is its
    own FAIL line, the rest still PASS, and the exit status counts the failures."""
    media = tmp_path / "media"
    media.mkdir()
    media.chmod(0o555)
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}", media,
                     SC_MQTT_URL=f"mqtt://127.0.0.1:{free_port()}")
    try:
        out = sc_server(server_venv, env, "check", "--min-free-gb", "0.1")
    finally:
        media.chmod(0o755)
    status = {line.split(":")[0].split(None, 1)[1]: line.split()[0] for line in out.stdout.splitlines()}
    assert status["database"] == "PASS" and status["disk space"] == "PASS"
    assert status["migrations"] == "FAIL" and "sc-server migrate" in out.stdout
    assert status["mqtt"] == "FAIL"
    if os.geteuid() != 0:  # root writes anywhere: the read-only directory cannot fail for it
        assert status["media directory"] == "FAIL"
    assert out.returncode == sum(1 for s in status.values() if s == "FAIL") - 1  # the summary line is not a check


def test_restore_refuses_another_kind_of_database(server_venv, tmp_path):
    src = tmp_path / "bk"
    src.mkdir()
    (src / "manifest.json").write_text(json.dumps({"format": 1, "dialect": "postgresql",
                                                   "database_file": "database.pgdump", "tables": {}, "media_files": 0}))
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "media")
    out = sc_server(server_venv, env, "restore", str(src))
    assert out.returncode == 1 and "same kind of database" in out.stderr


def test_check_on_an_unreachable_or_unsafe_postgresql(server_venv, tmp_path):
    url = f"postgresql+psycopg://sc@127.0.0.1:{free_port()}/situation_center"
    down = sc_server(server_venv, server_env(tmp_path, url, tmp_path / "media"), "check", "--min-free-gb", "0.1")
    status = {line.split(":")[0].split(None, 1)[1]: line.split()[0] for line in down.stdout.splitlines()}
    assert status["database"] == "FAIL" and status["migrations"] == "FAIL", down.stdout
    assert status["media directory"] == "PASS" and down.returncode == 2
    env = server_env(tmp_path, url, tmp_path / "media")
    del env["SC_SECRET_KEY"]
    unsafe = sc_server(server_venv, env, "check")
    assert unsafe.returncode == 1
    assert unsafe.stdout.startswith("FAIL  settings:") and "SC_SECRET_KEY" in unsafe.stdout, unsafe.stdout
