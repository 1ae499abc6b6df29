"""Database engine, sessions and migrations (Alembic is the only thing that makes tables)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator
from starlette.concurrency import run_in_threadpool

if TYPE_CHECKING:
    from backend.domain import Domain

MIGRATIONS = Path(__file__).parent / "migrations"
T = TypeVar("T")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def result_processor(self, dialect, coltype):
        # Values read back are UTC-aware. One function per value rather than TypeDecorator's
        # process_result_value layered over the dialect's parser: lists read three per row, and
        # it showed in the profile (bench/incidents.py).
        parse = self.impl_instance.result_processor(dialect, coltype)
        utc = timezone.utc

        def process(value):
            if value is None:
                return None
            if parse is not None:
                value = parse(value)
            return value.replace(tzinfo=utc) if value.tzinfo is None else value

        return process


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            # Reads come straight from the OS page cache (shared by every connection and worker)
            # instead of each connection's small private cache: the list queries touch index and
            # row pages all over a 100 MB table (bench/incidents.py).
            cur.execute("PRAGMA mmap_size=1073741824")
            cur.execute("PRAGMA cache_size=-32768")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_when_idle(engine)
    return engine


IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle for IDLE_PING_SECONDS.

    SQLAlchemy's pool_pre_ping pings at every checkout: 1.5 ms wall and 0.75 ms of CPU a request
    here, a fifth of the incident list's whole cost. A connection that answered a moment ago is
    almost surely alive; one that was idle may have been cut by a database restart or a
    firewall, and is pinged. A connection that dies mid-burst still fails that one request, and
    SQLAlchemy then drops the pool's other connections to the same server."""

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, proxy):
        if time.monotonic() - record.info.get("idle_since", 0.0) < IDLE_PING_SECONDS:
            return
        try:
            cur = dbapi_conn.cursor()
            cur.execute("SELECT 1")
            cur.fetchall()
            cur.close()
            dbapi_conn.rollback()
        except Exception as exc:  # the pool discards it and checks out (or makes) another
            raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine, domains: list[Domain] | None = None) -> None:
    """Bring the schema to the newest revision of every domain branch.

    `domains` (default: backend/domains.py's list) decide which models Alembic sees and which
    out-of-tree revision folders it reads besides migrations/versions."""
    import os

    from alembic import command
    from alembic.config import Config

    from backend.domains import registered

    domains = registered() if domains is None else domains
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    folders = [str(MIGRATIONS / "versions"), *(str(d.migrations) for d in domains if d.migrations)]
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(folders))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["domains"] = domains
        command.upgrade(cfg, "heads")


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request. Made on the event loop (a Session connects lazily, so that does no
    I/O) and closed in the thread pool when closing talks to a server: as an async dependency it
    costs no thread hop of its own, which the busiest reads measurably pay for (bench/incidents.py)."""
    session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        if session.in_transaction() and not _in_process(session):
            await run_in_threadpool(session.close)  # a ROLLBACK round trip to the server
        else:
            session.close()  # nothing to send, or an in-process SQLite rollback


SessionDep = Annotated[Session, Depends(get_session)]


def _in_process(session: Session) -> bool:
    """SQLite: the database runs inside this process, so talking to it never waits on a network."""
    return session.get_bind().dialect.name == "sqlite"


async def run_db(session: Session, work: Callable[[], T]) -> T:
    """Run `work` (a read that uses `session`) for an async endpoint, then end the session's
    transaction. On SQLite inline: it runs inside this process and a read never waits for a lock
    in WAL mode, so a thread hop buys nothing but a GIL handoff (it cost the busiest read about a
    tenth of its CPU, bench/incidents.py). On a database server in the thread pool, with the
    ROLLBACK in the same hop rather than a second one when the request ends."""

    def work_then_close() -> T:
        try:
            return work()
        finally:
            session.close()

    if _in_process(session):
        return work_then_close()
    return await run_in_threadpool(work_then_close)


def contains(column, text: str):
    """`column` contains `text` literally, case-insensitively: % and _ typed by a person are
    characters, not wildcards (q=% must not match everything)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
