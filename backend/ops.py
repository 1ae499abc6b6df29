"""Running a city server: `sc-server check`, `sc-server backup DEST`, `sc-server restore SRC`.

check    one line per check (database reachable and migrated, media directory writable, secret
         set, MQTT reachable, disk space); exit status = number of failed checks.
backup   DEST is a new directory: the database (SQLite through its online backup API, so the
         server may keep running; PostgreSQL through pg_dump's custom format), then the media
         files, and manifest.json with the row count of every table.
restore  SRC (a backup directory) onto an EMPTY database and an empty media directory; the row
         counts are compared with the manifest afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Engine, make_url

MIN_FREE_BYTES = 2 * 1024 ** 3   # below this the recorder's retention cannot keep up with a day of video
MIN_FREE_SHARE = 0.05
FORMAT = 1                       # of a backup directory's manifest.json


class OpsError(Exception):
    """A refusal or failure with a message for the operator (printed, exit status 1)."""


# ------------------------------------------------------------------ shared

def _report(status: str, name: str, detail: str, out=None) -> None:
    print(f"{status:<5} {name}: {detail}", file=out or sys.stdout, flush=True)


def _engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(domains: list | None = None):
    from alembic.config import Config

    from backend.db import MIGRATIONS
    from backend.domains import registered

    domains = registered() if domains is None else domains
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(
        [str(MIGRATIONS / "versions"), *(str(d.migrations) for d in domains if d.migrations)]))
    return cfg


def expected_heads() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(_alembic_config()).get_heads())


def current_heads(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows of every table in the database (alembic_version included)."""
    names = sorted(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {n: int(conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one()) for n in names}


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string for pg_dump/pg_restore (no driver suffix) and PGPASSWORD apart,
    so the password is never on a command line other users can read in ps."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise OpsError(f"{name} is not installed (Debian: apt-get install postgresql-client, "
                       f"the same major version as the server)")
    return found


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# ------------------------------------------------------------------ check

def check(settings, *, out=None, min_free_bytes: int = MIN_FREE_BYTES) -> int:
    failed = 0

    def run(name: str, fn: Callable[[], str]) -> None:
        nonlocal failed
        try:
            detail = fn()
        except Exception as exc:  # each check reports its own failure and the next one still runs
            failed += 1
            _report("FAIL", name, f"{type(exc).__name__}: {exc}" if not isinstance(exc, OpsError) else str(exc), out)
        else:
            _report("PASS", name, detail, out)

    url = settings.resolved_database_url
    try:
        engine = _engine(url)
    except Exception as exc:  # a malformed URL or a driver that is not installed: said by the database check
        engine, bad_url = None, exc

    def database() -> str:
        if engine is None:
            raise OpsError(f"SC_DATABASE_URL cannot be used: {bad_url}")
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                version = conn.execute(text("SHOW server_version")).scalar_one()
            else:
                version = conn.execute(text("SELECT sqlite_version()")).scalar_one()
        return f"{engine.dialect.name} {version} at {make_url(url).render_as_string(hide_password=True)}"

    def migrated() -> str:
        if engine is None:
            raise OpsError("no database to look at")
        have, want = current_heads(engine), expected_heads()
        if have != want:
            missing = ", ".join(sorted(want - have)) or "-"
            raise OpsError(f"the schema is not at the newest revision (missing {missing}): run `sc-server migrate`")
        return f"{len(want)} migration branches at their newest revision"

    def media() -> str:
        path = Path(settings.media_dir) if settings.media_dir else settings.resolved_media_dir
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".sc-check-", delete=True) as fh:
            fh.write(b"x" * 4096)
            fh.flush()
            os.fsync(fh.fileno())
        return f"{path} is writable"

    def secret() -> str:
        if os.environ.get("SC_SECRET_KEY"):
            return "SC_SECRET_KEY is set"
        if url.startswith("postgresql"):
            raise OpsError("SC_SECRET_KEY is not set")  # Settings refuses this too; said here for `check`
        from backend.config import data_dir

        return f"per-installation key in {data_dir() / 'secret.key'} (embedded server; set SC_SECRET_KEY in production)"

    def mqtt() -> str:
        if not settings.mqtt_url:
            return "not configured (SC_MQTT_URL empty): no telemetry ingest"
        from backend.ingest.mqtt import make_client

        client = make_client(settings.mqtt_url, client_id=f"sc-check-{os.getpid()}")
        host, port = client._sc_addr
        got: list = []
        client.on_connect = lambda _c, _u, _f, reason, _p: got.append(reason)
        client.connect(host, port, keepalive=10)
        client.loop_start()
        try:
            end = time.monotonic() + 5
            while not got and time.monotonic() < end:
                time.sleep(0.05)
        finally:
            client.disconnect()
            client.loop_stop()
        if not got:
            raise OpsError(f"{host}:{port} accepted the connection but sent no CONNACK in 5 s")
        if got[0].is_failure:
            raise OpsError(f"{host}:{port} refused: {got[0]}")
        return f"{host}:{port} accepted a session"

    def disk() -> str:
        places = {"media": Path(settings.media_dir) if settings.media_dir else settings.resolved_media_dir}
        if url.startswith("sqlite") and make_url(url).database:
            places["database"] = Path(make_url(url).database).resolve().parent
        parts, low = [], []
        for what, path in places.items():
            usage = shutil.disk_usage(path)
            free_gb = usage.free / 1024 ** 3
            parts.append(f"{what} {free_gb:.1f} GiB free ({usage.free / usage.total:.0%})")
            if usage.free < min_free_bytes or usage.free / usage.total < MIN_FREE_SHARE:
                low.append(f"{what} on {path}")
        if low:
            raise OpsError(f"low disk space for {', '.join(low)}: {'; '.join(parts)} "
                           f"(needs {min_free_bytes / 1024 ** 3:.1f} GiB and {MIN_FREE_SHARE:.0%})")
        return "; ".join(parts)

    run("database", database)
    run("migrations", migrated)
    run("media directory", media)
    run("secret key", secret)
    run("mqtt", mqtt)
    run("disk space", disk)
    if engine is not None:
        engine.dispose()
    _report("PASS" if not failed else "FAIL", "check", f"{6 - failed} of 6 passed", out)
    return min(failed, 100)


# ------------------------------------------------------------------ backup

def backup(settings, dest: Path, *, out=None) -> dict:
    """Write a backup directory at ``dest`` (new, or empty); returns its manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise OpsError(f"{dest} is not empty: a backup goes into a new directory")
    dest.mkdir(parents=True, exist_ok=True)
    url = make_url(settings.resolved_database_url)
    engine = _engine(url)
    started = time.monotonic()
    try:
        heads = sorted(current_heads(engine))
        if url.get_backend_name() == "sqlite":
            db_file = "database.sqlite3"
            _sqlite_copy(Path(url.database), dest / db_file)
            # The counts come from the copy: the live database may have moved on meanwhile.
            copy = _engine(f"sqlite:///{dest / db_file}")
            counts = table_counts(copy)
            copy.dispose()
        elif url.get_backend_name() == "postgresql":
            db_file = "database.pgdump"
            conn, env = _libpq(url)
            # One snapshot (pg_dump runs in a single repeatable-read transaction); the counts are
            # read right before it and may differ from the dump's by rows written in between, so
            # restore compares against the restored dump's own counts written by pg_dump below.
            subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                            "--file", str(dest / db_file), "--dbname", conn], check=True, env=env)
            counts = _pg_dump_counts(dest / db_file, engine)
        else:
            raise OpsError(f"cannot back up a {url.get_backend_name()} database")
    finally:
        engine.dispose()
    media_root = Path(settings.media_dir) if settings.media_dir else settings.resolved_media_dir
    media_files = 0
    media_bytes = 0
    if media_root.exists():
        shutil.copytree(media_root, dest / "media", symlinks=False, dirs_exist_ok=True)
        for path in _files(dest / "media"):
            media_files += 1
            media_bytes += path.stat().st_size
    manifest = {
        "format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dialect": url.get_backend_name(), "database_file": db_file, "alembic_heads": heads,
        "tables": counts, "media_files": media_files, "media_bytes": media_bytes,
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    size = sum(p.stat().st_size for p in _files(dest))
    _report("PASS", "backup", f"{url.get_backend_name()} database ({sum(counts.values())} rows in {len(counts)} "
                              f"tables) and {media_files} media files → {dest} ({size / 1024 ** 2:.1f} MiB "
                              f"in {time.monotonic() - started:.1f} s)", out)
    return manifest


def _sqlite_copy(src: Path, dest: Path) -> None:
    """SQLite's online backup API: a consistent copy while the server keeps writing (pages that
    change during the copy make it restart, in steps, so writers are never blocked for long)."""
    if not src.exists():
        raise OpsError(f"the database {src} does not exist")
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(dest)
    try:
        with target:
            source.backup(target, pages=1024, sleep=0.005)
    finally:
        target.close()
        source.close()


def _pg_dump_counts(dump: Path, engine: Engine) -> dict[str, int]:
    """The row counts of what the dump holds, restored into a scratch database and counted: the
    dump is the truth, the live database has moved on since."""
    url = engine.url
    scratch = f"sc_backup_check_{os.getpid()}_{int(time.time())}"
    admin = _engine(url.set(database="postgres"))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    except Exception:
        admin.dispose()
        # No right to create databases: count the live database instead (close to the dump).
        return table_counts(engine)
    try:
        target = url.set(database=scratch)
        _pg_restore(dump, target)
        scratch_engine = _engine(target)
        try:
            return table_counts(scratch_engine)
        finally:
            scratch_engine.dispose()
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
        admin.dispose()


def _pg_restore(dump: Path, url: URL) -> None:
    conn, env = _libpq(url)
    subprocess.run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                    "--single-transaction", "--dbname", conn, str(dump)], check=True, env=env)


# ------------------------------------------------------------------ restore

def restore(settings, src: Path, *, out=None) -> dict:
    """Restore the backup directory ``src`` onto the (empty) database and media directory of
    ``settings``; returns the restored database's row counts."""
    src = Path(src)
    try:
        manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OpsError(f"{src} is not a backup directory (manifest.json: {exc})") from None
    if manifest.get("format") != FORMAT:
        raise OpsError(f"{src}: backup format {manifest.get('format')} is not {FORMAT}")
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() != manifest["dialect"]:
        raise OpsError(f"the backup is of a {manifest['dialect']} database and SC_DATABASE_URL is "
                       f"{url.get_backend_name()}: restore onto the same kind of database")
    media_root = Path(settings.media_dir) if settings.media_dir else settings.resolved_media_dir
    if _files(media_root):
        raise OpsError(f"the media directory {media_root} is not empty: restore goes onto an empty one")
    started = time.monotonic()
    db_file = src / manifest["database_file"]
    if url.get_backend_name() == "sqlite":
        target = Path(url.database)
        if target.exists() and target.stat().st_size > 0:
            existing = _engine(f"sqlite:///{target}")
            names = inspect(existing).get_table_names()
            existing.dispose()
            if names:
                raise OpsError(f"the database {target} is not empty ({len(names)} tables): restore goes onto "
                               f"an empty database")
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(db_file, target)
    else:
        engine = _engine(url)
        try:
            names = inspect(engine).get_table_names()
        finally:
            engine.dispose()
        if names:
            raise OpsError(f"the database {url.database} is not empty ({len(names)} tables): restore goes onto "
                           f"an empty database (createdb a new one)")
        _pg_restore(db_file, url)
    if (src / "media").exists():
        shutil.copytree(src / "media", media_root, dirs_exist_ok=True)
    engine = _engine(url)
    try:
        counts = table_counts(engine)
    finally:
        engine.dispose()
    differ = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    media_files = len(_files(media_root))
    if differ or media_files != manifest["media_files"]:
        raise OpsError(f"the restored data differ from the backup: tables {differ}, media files "
                       f"{media_files} of {manifest['media_files']}")
    _report("PASS", "restore", f"{sum(counts.values())} rows in {len(counts)} tables and {media_files} media "
                               f"files from {src} ({time.monotonic() - started:.1f} s); counts match the backup", out)
    return counts


def main(cmd: str, args) -> int:
    """The sc-server subcommands of this module; settings problems are reported, not raised."""
    import logging

    from backend.config import Settings

    logging.getLogger("alembic").setLevel(logging.WARNING)  # the report is the output, not alembic's steps
    kw = {"database_url": args.database_url} if getattr(args, "database_url", None) else {}
    try:
        settings = Settings(**kw)
    except ValueError as exc:
        if cmd != "check":
            print(f"sc-server: {exc}", file=sys.stderr)
            return 2
        errors = exc.errors() if hasattr(exc, "errors") else []  # pydantic: one message per setting
        why = "; ".join(str(e.get("msg", "")).removeprefix("Value error, ") for e in errors) or str(exc)
        _report("FAIL", "settings", why)
        _report("FAIL", "check", "the settings do not load; nothing else was checked")
        return 1
    try:
        if cmd == "check":
            return check(settings, min_free_bytes=int(args.min_free_gb * 1024 ** 3))
        if cmd == "backup":
            backup(settings, Path(args.dest))
            return 0
        if cmd == "restore":
            restore(settings, Path(args.src))
            return 0
    except OpsError as exc:
        print(f"sc-server {cmd}: {exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"sc-server {cmd}: {Path(exc.cmd[0]).name} failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    raise ValueError(cmd)


def add_commands(sub) -> None:
    c = sub.add_parser("check", help="verify this deployment: database, migrations, media, secret, MQTT, disk")
    c.add_argument("--min-free-gb", type=float, default=MIN_FREE_BYTES / 1024 ** 3,
                   help="fail below this much free disk space (default %(default)s)")
    b = sub.add_parser("backup", help="back up the database and media files into a new directory DEST")
    b.add_argument("dest")
    r = sub.add_parser("restore", help="restore a backup directory SRC onto an empty database and media dir")
    r.add_argument("src")
