"""The workstation's store over a long shift: reads from threads that come and go (worker pools
retire idle threads and make new ones all day) must not leave a connection, and its file
descriptors, behind for each."""

from __future__ import annotations

import os
import threading

from app.offline.store import OfflineStore


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_reads_from_short_lived_threads_reuse_connections(tmp_path):
    store = OfflineStore(tmp_path / "store.sqlite3")
    try:
        def read_once() -> None:
            assert store.get_meta("schema") is not None

        read_once()
        before = _fds()
        for _ in range(300):  # a shift's worth of retired pool threads, one read each
            t = threading.Thread(target=read_once)
            t.start()
            t.join()
        assert _fds() - before < 10, f"file descriptors grew with the threads that read: {before} → {_fds()}"
        assert store.reader_connections <= 2

        # Reads at the same time still get a connection each and never wait for one another.
        barrier = threading.Barrier(4)

        def read_together() -> None:
            with store.read() as cur:
                barrier.wait(10)
                cur.execute("SELECT 1").fetchone()

        threads = [threading.Thread(target=read_together) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)
        assert not any(t.is_alive() for t in threads)
        assert store.reader_connections == 4
    finally:
        store.close()


def test_closing_while_another_thread_reads_waits_for_that_read(tmp_path):
    """The desk closes its store (logout, quit) while a worker still reads: the read finishes on
    its connection, which is closed after it; later reads are refused with a clear error."""
    import sqlite3

    import pytest

    store = OfflineStore(tmp_path / "store.sqlite3")
    inside, release = threading.Event(), threading.Event()
    seen: list = []

    def slow_read() -> None:
        with store.read() as cur:
            inside.set()
            release.wait(10)
            seen.append(cur.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone())

    t = threading.Thread(target=slow_read)
    t.start()
    assert inside.wait(10)
    store.close()
    release.set()
    t.join(10)
    assert seen and seen[0] is not None
    assert store.reader_connections == 0
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        store.get_meta("schema")
