"""The workstation's own SQLite store: the connection, its transactions and the meta table.

Qt-free, plain sqlite3. One file per server and user, WAL; every write is one short
transaction (``BEGIN IMMEDIATE``) on the one writer connection, so an operation is durable
before the caller reports it saved. Reads take a connection from a small pool and never wait
for the writer; the pool holds as many as were ever read at once, not one per thread that
ever read (worker pools retire and make threads all shift long: one each leaked file
descriptors until the process ran out). The cache (``cache.Cache``) and the outbox queue
(``queue.Queue``) are mixed in.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.offline.cache import Cache
from app.offline.queue import Queue
from app.offline.schema import DDL, SCHEMA_VERSION


class OfflineStore(Cache, Queue):
    """Cache + outbox in one SQLite file; safe to use from several threads."""

    def __init__(self, path: Path | str, *, synchronous: str = "FULL") -> None:
        if synchronous.upper() not in ("FULL", "EXTRA", "NORMAL"):
            raise ValueError(f"synchronous must be FULL, EXTRA or NORMAL, not {synchronous!r}")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.files_dir = self.path.parent / "files"
        self.files_dir.mkdir(exist_ok=True)
        self._sync_mode = synchronous.upper()
        self._lock = threading.RLock()
        self._pool_lock = threading.Lock()
        self._readers: list[sqlite3.Connection] = []  # every reader connection made
        self._idle: list[sqlite3.Connection] = []  # those not in use now
        self._closed = False
        self._writer_conn = self._connect()
        self._writer_conn.executescript(DDL.replace("CREATE UNIQUE INDEX IF NOT EXISTS ux_incidents_client_uuid "
                                                    "ON incidents (client_uuid);", ""))
        with self._writer() as cur:
            if cur.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() is None:
                cur.execute("INSERT INTO meta (key, value) VALUES ('schema', ?), ('next_local', '1')",
                            (str(SCHEMA_VERSION),))
            # A store of version 1 may hold one incident twice (its local row and the server's copy).
            self._merge_twins(cur)
            cur.execute("CREATE UNIQUE INDEX IF NOT EXISTS ux_incidents_client_uuid ON incidents (client_uuid)")
            cur.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION),))

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: the WAL is fsynced at each commit, so "saved" survives a power cut too.
        conn.execute(f"PRAGMA synchronous={self._sync_mode}")
        conn.execute("PRAGMA busy_timeout=30000")
        # Checkpoints run from checkpoint() (sync thread, idle timer), not inside an operator's save.
        conn.execute("PRAGMA wal_autocheckpoint=0")
        return conn

    def close(self) -> None:
        """Close the writer and the idle readers now; a reader in use by another thread is closed
        by that thread when its read ends (closing it under a running statement crashes sqlite3)."""
        with self._lock, self._pool_lock:
            self._closed = True
            self._writer_conn.close()
            for conn in self._idle:
                conn.close()
                self._readers.remove(conn)
            self._idle.clear()

    @property
    def reader_connections(self) -> int:
        with self._pool_lock:
            return len(self._readers)

    @contextmanager
    def _writer(self) -> Iterator[sqlite3.Cursor]:
        """One write transaction; the lock is taken up front (no upgrade deadlocks)."""
        with self._lock:
            cur = self._writer_conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()

    tx = _writer  # for tests and tools: one write transaction

    @contextmanager
    def read(self) -> Iterator[sqlite3.Cursor]:
        """A read-only snapshot: in WAL it does not block (nor wait for) the writer."""
        with self._pool_lock:
            if self._closed:
                raise sqlite3.ProgrammingError(f"the offline store {self.path} is closed")
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._connect()
            with self._pool_lock:
                self._readers.append(conn)
        try:
            cur = conn.cursor()
            cur.execute("BEGIN")
            try:
                yield cur
            finally:
                cur.execute("COMMIT")
                cur.close()
        finally:
            with self._pool_lock:
                if self._closed:
                    conn.close()
                    self._readers.remove(conn)
                else:
                    self._idle.append(conn)

    def checkpoint(self) -> None:
        """Fold the WAL back into the database file (off the operator's save path)."""
        with self._lock:
            self._writer_conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    # ------------------------------------------------------------ meta
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.read() as cur:
            row = cur.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None or row[0] is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._writer() as cur:
            cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
