"""The signals' background duties: faults every few seconds, measures every minute, retention hourly."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from backend.signals import faults, measures
from backend.signals.ingest import drop_old_events

log = logging.getLogger(__name__)


class SignalDuties:
    def __init__(self, sm: sessionmaker[Session], *, retention_days: int, fault_interval_s: float = 10.0,
                 measures_interval_s: float = 60.0, on_partitions_dropped=None, writer=None) -> None:
        self.sm = sm
        self.writer = writer
        self.retention_days = retention_days
        self.fault_interval_s = fault_interval_s
        self.measures_interval_s = measures_interval_s
        self.on_partitions_dropped = on_partitions_dropped
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sc-signals-duties", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(15)

    def measures_once(self, now_ms: int | None = None) -> int:
        now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
        with self.sm() as session:
            last = measures.latest_computed(session)
            # The last hour is recomputed each time: late events and the bin in progress settle;
            # a first run covers the last day, and uploaded logs make their older bins stale.
            start = min(last if last is not None else now_ms - 23 * 3_600_000, now_ms) - 60 * 60_000
            oldest = self.writer.take_oldest_new() if self.writer is not None else None
            if oldest is not None:
                start = max(min(start, oldest), now_ms - self.retention_days * 86_400_000)
            n = measures.compute(session, start=start, end=now_ms + measures.BIN_MS)
            session.commit()
        return n

    def _run(self) -> None:
        next_measures = next_retention = 0.0
        while not self._stop.wait(self.fault_interval_s):
            now = time.monotonic()
            try:
                if now >= next_measures:
                    next_measures = now + self.measures_interval_s
                    self.measures_once()
                with self.sm() as session:
                    faults.evaluate(session)
                    session.commit()
                if now >= next_retention:
                    next_retention = now + 3600
                    with self.sm() as session:
                        dropped = drop_old_events(session, retention_days=self.retention_days)
                        session.commit()
                    if dropped and self.on_partitions_dropped:
                        self.on_partitions_dropped()
            except Exception:  # a bad round must not end the duties for good
                log.exception("signals duties failed")


def duties_service(app) -> SignalDuties | None:
    settings = app.state.settings
    from backend.signals import service

    service.COMM_TIMEOUT_S = settings.signals_comm_timeout_s
    if not settings.run_ingest:
        return None
    from backend.signals.ingest import writer_for

    writer = writer_for(app)
    return SignalDuties(app.state.sessionmaker, retention_days=settings.signals_event_retention_days,
                        on_partitions_dropped=writer.partitions.forget, writer=writer)
