"""Once-per-deployment duties, each held by a lease in the database the instances share.

A duty is a service factory (like `Domain.services`) listed in `Domain.duties`: every instance
wraps it in a `Duty`, which runs it only while this instance holds the duty's lease.

The lease on PostgreSQL is a session-level advisory lock, `pg_try_advisory_lock(NS, key)`, taken on
a connection of its own. PostgreSQL releases it when that connection ends, for whatever reason:
a clean stop, a SIGKILL (the kernel closes the socket and the server notices at once), or a
machine that vanished (the server's TCP keepalives, set short on that connection, end it in about
15 s). The other instances try every `lease_poll_seconds`, so one of them takes the duty within
about a second of its release. The holder checks its connection as often and stops the duty the
moment it cannot show it still holds the lock, so two instances never run it together for longer
than one check (see README "Deployment").

Who holds what is visible in PostgreSQL itself: the lease connection's application_name is
"sc-duty:<instance>", and pg_locks lists the lock (see `holders`).

On SQLite there is one server (or one `sc-server --workers N`): worker 0 holds every lease.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from typing import Any

log = logging.getLogger(__name__)

LEASE_NS = 0x5C0D  # advisory locks' first key: ours, apart from the events' lock and anyone else's


def lease_key(name: str) -> int:
    """A duty's lock key: stable across instances and versions (the name is the contract)."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def _pg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


class PgLease:
    """An advisory lock on a dedicated autocommit connection; try_acquire / check / release."""

    def __init__(self, url: str, name: str, instance: str) -> None:
        self.url = _pg_dsn(url)
        self.name = name
        self.instance = instance
        self.key = lease_key(name)
        self._conn = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    def try_acquire(self) -> bool:
        import psycopg

        if self._conn is not None:
            return True
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=3,
                                   application_name=f"sc-duty:{self.instance}"[:63],
                                   keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3)
        except psycopg.Error as exc:
            log.debug("lease %s: database unavailable (%s)", self.name, type(exc).__name__)
            return False
        try:
            # The server's side of the keepalives: a holder whose machine vanished loses the lock in ~15 s.
            for setting, value in (("tcp_keepalives_idle", 5), ("tcp_keepalives_interval", 2),
                                   ("tcp_keepalives_count", 3)):
                conn.execute(f"SET {setting} = {value}")
            got = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (LEASE_NS, self.key)).fetchone()[0]
        except psycopg.Error:
            conn.close()
            return False
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def check(self) -> bool:
        """Whether the lock is still ours: the connection answers and still holds it."""
        if self._conn is None:
            return False
        try:
            held = self._conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                "AND classid = %s AND objid = %s AND granted", (LEASE_NS, self.key)).fetchone()[0]
            if held:
                return True
        except Exception:
            pass
        self._drop()
        return False

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute("SELECT pg_advisory_unlock(%s, %s)", (LEASE_NS, self.key))
        except Exception:  # closing the connection releases it all the same
            pass
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass


class LocalLease:
    """SQLite: one server, so the lease is held by worker 0 of `sc-server --workers N` (or the only process)."""

    def __init__(self, name: str, holder: bool) -> None:
        self.name = name
        self._holder = holder
        self.held = False

    def try_acquire(self) -> bool:
        self.held = self._holder
        return self.held

    def check(self) -> bool:
        return self.held

    def release(self) -> None:
        self.held = False


def make_lease(settings, name: str):
    url = settings.resolved_database_url
    if url.startswith("postgresql"):
        return PgLease(url, name, settings.instance_name)
    return LocalLease(name, holder=settings.serve_worker == 0)


class Duty:
    """Runs `factory(app)`'s service on this instance only while it holds the lease `name`."""

    def __init__(self, app, name: str, factory, lease=None, poll_s: float | None = None) -> None:
        self.app = app
        self.name = name
        self.factory = factory
        settings = app.state.settings
        self.lease = lease or make_lease(settings, name)
        self.poll_s = settings.lease_poll_seconds if poll_s is None else poll_s
        self.service: Any = None
        self.acquired_at: float | None = None  # time.time() when this instance last took it
        self.takeovers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sc-duty:{name}", daemon=True)
        self._off = False  # the factory said None: the settings turn this duty off

    @property
    def held(self) -> bool:
        return self.service is not None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(15)

    def _run(self) -> None:
        try:
            while not self._stop.is_set() and not self._off:
                if self.service is None:
                    if self.lease.try_acquire():
                        self._begin()
                elif not self.lease.check():
                    log.warning("duty %s: lease lost (database connection); stopping it here", self.name)
                    self._end()
                self._stop.wait(self.poll_s)
        finally:
            self._end()

    def _begin(self) -> None:
        try:
            service = self.factory(self.app)
        except Exception:
            log.exception("duty %s could not be made", self.name)
            service = None
            self._off = True
        if service is None:  # turned off by the settings (or broken): let another instance not wait on us
            self._off = True
            self.lease.release()
            return
        try:
            service.start()
        except Exception:
            log.exception("duty %s failed to start; releasing it", self.name)
            self.lease.release()
            return
        self.service = service
        self.acquired_at = time.time()
        self.takeovers += 1
        log.info("duty %s taken by %s", self.name, self.app.state.settings.instance_name)

    def _end(self) -> None:
        service, self.service = self.service, None
        if service is not None:
            try:
                service.stop()
            except Exception:
                log.exception("stopping duty %s failed", self.name)
        # After a lost connection this only forgets it; otherwise another instance may take it now.
        self.lease.release()


def duty_name(domain: str, ref) -> str:
    """A duty's lease name: the domain and the factory's reference, e.g. "energy:backend.energy.rules:rules_service"."""
    if isinstance(ref, str):
        return f"{domain}:{ref}"
    return f"{domain}:{getattr(ref, '__module__', '?')}:{getattr(ref, '__qualname__', repr(ref))}"


def holders(engine) -> dict[int, str]:
    """PostgreSQL: {lease key: instance} of every duty lease held anywhere in the deployment."""
    from sqlalchemy import text

    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT l.objid::bigint, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.classid = :ns AND l.granted "
            # advisory locks belong to one database: other deployments on this server hold their own
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
            {"ns": LEASE_NS}).all()
    return {int(k): name.removeprefix("sc-duty:") for k, name in rows}
