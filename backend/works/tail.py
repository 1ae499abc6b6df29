"""A duty that reads the live events in order, from where it stopped (a cursor row per duty).

The city-works domains react to other domains' changes (an excavation incident created or moved,
a waste complaint) by reading `events`, the same rows the SSE streams carry, rather than by hooks
inside the incidents domain: incidents stay unaware of who listens, and a restart resumes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from backend.events.service import events_after, last_event_id
from backend.works.models import EventCursor

log = logging.getLogger(__name__)
BACKLOG = 5000  # a first start looks back this many events, not through the whole history


def read_cursor(session: Session, name: str) -> EventCursor:
    row = session.get(EventCursor, name)
    if row is None:
        row = EventCursor(name=name, last_id=max(0, last_event_id(session) - BACKLOG))
        session.add(row)
        session.flush()
    return row


def process_events(maker: sessionmaker[Session], name: str, handlers: dict[str, Callable[[Session, dict], object]],
                   *, batch: int = 500) -> int:
    """Hand the events after the cursor to handlers by type, each event in its own transaction."""
    done = 0
    with maker() as session:
        cursor = read_cursor(session, name)
        session.commit()
        events = [(e.id, e.type, e.data) for e in events_after(session, cursor.last_id, limit=batch)]
    for event_id, type_, data in events:
        with maker() as session:
            try:
                handler = handlers.get(type_)
                if handler is not None:
                    handler(session, data)
                session.get(EventCursor, name).last_id = event_id
                session.commit()
            except Exception:  # one bad event must not stop the duty; it is skipped and logged
                log.exception("%s: handling event %s (%s) failed; skipped", name, event_id, type_)
                session.rollback()
                session.get(EventCursor, name).last_id = event_id
                session.commit()
        done += 1
    return done


class Duty:
    """Runs `tick()` every `period` seconds on a thread; start()/stop()."""

    def __init__(self, name: str, tick: Callable[[], object], period: float = 1.0) -> None:
        self.name, self.tick, self.period = name, tick, period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sc-{name}", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("%s duty failed; retrying", self.name)
            self._stop.wait(self.period)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
