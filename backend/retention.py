"""Retention: the tables that grow without bound are pruned by one duty, once per deployment.

A domain declares its own with `Domain(prunable=(Prunable(table, column, setting), ...))` and a
`retain_<what>_days` field in Settings; this duty deletes, every `retention_interval_seconds`, the
rows older than that many days (0 keeps everything). Deletes go in batches on PostgreSQL so that
no one statement holds the table's writers for long.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import DateTime, bindparam, text

from backend.domain import Domain, Prunable

log = logging.getLogger(__name__)
BATCH = 10_000


def prunables(domains) -> list[Prunable]:
    return [p for d in domains for p in d.prunable]


def prune_table(engine, p: Prunable, days: float, *, now: datetime | None = None) -> int:
    """Delete `p.table`'s rows older than `days`; returns how many."""
    if days <= 0:
        return 0
    cut_dt = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    cut = int(cut_dt.timestamp() * 1000) if p.epoch_ms else cut_dt
    # The cut-off bound as the column's type, so each dialect compares it as it stores it.
    param = bindparam("cut", cut) if p.epoch_ms else bindparam("cut", cut, type_=DateTime(timezone=True))
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            return conn.execute(text(f'DELETE FROM "{p.table}" WHERE "{p.column}" < :cut').bindparams(param)).rowcount
    total = 0
    while True:
        with engine.begin() as conn:
            n = conn.execute(text(f'DELETE FROM "{p.table}" WHERE ctid IN (SELECT ctid FROM "{p.table}" '
                                  f'WHERE "{p.column}" < :cut LIMIT {BATCH})').bindparams(param)).rowcount
        total += n
        if n < BATCH:
            return total


def prune_all(engine, settings, domains, *, now: datetime | None = None) -> dict[str, int]:
    """One round over every declared table; a table that fails is logged and the others still pruned."""
    done: dict[str, int] = {}
    for p in prunables(domains):
        try:
            done[p.table] = prune_table(engine, p, float(getattr(settings, p.setting)), now=now)
        except Exception:
            log.exception("pruning %s failed", p.table)
    return done


class RetentionDuty:
    def __init__(self, app) -> None:
        self.app = app
        self.interval_s = app.state.settings.retention_interval_seconds
        self.last: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sc-retention", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        # The first round waits a little, so a starting server (or a test's) is not slowed by it.
        if self._stop.wait(min(60.0, self.interval_s)):
            return
        while not self._stop.is_set():
            t0 = time.monotonic()
            self.last = prune_all(self.app.state.engine, self.app.state.settings, self.app.state.domains)
            if any(self.last.values()):
                log.info("retention: pruned %s in %.1f s", self.last, time.monotonic() - t0)
            self._stop.wait(self.interval_s)


def retention_service(app) -> RetentionDuty | None:
    if app.state.settings.retention_interval_seconds <= 0:
        return None
    return RetentionDuty(app)


DOMAIN = Domain(name="retention", duties=(retention_service,))
