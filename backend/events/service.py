"""Publishing live changes: rows in `events`, announced to streams after the commit."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from backend.events.models import Event

log = logging.getLogger(__name__)
PG_CHANNEL = "sc_events"


def publish(session: Session, type_: str, data: dict[str, Any]) -> Event:
    """Record a live change in the caller's transaction; streams hear of it on commit."""
    row = Event(type=type_, data=data)
    session.add(row)
    if not session.info.get("sc_events_pending"):
        session.info["sc_events_pending"] = True
        if session.get_bind().dialect.name == "postgresql":
            # Delivered at commit to every server instance listening (EventListener).
            session.execute(text("SELECT pg_notify(:c, '')"), {"c": PG_CHANNEL})
    return row


def last_event_id(session: Session) -> int:
    return session.scalar(select(func.max(Event.id))) or 0


def events_after(session: Session, after: int, limit: int = 500) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.id > after).order_by(Event.id).limit(limit)))


class Notifier:
    """Wakes the event streams of this process when a transaction with events commits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def subscribe(self) -> tuple[asyncio.AbstractEventLoop, asyncio.Event]:
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters.add(waiter)
        return waiter

    def unsubscribe(self, waiter) -> None:
        with self._lock:
            self._waiters.discard(waiter)

    def notify(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for loop, ev in waiters:
            try:
                loop.call_soon_threadsafe(ev.set)
            except RuntimeError:  # loop closed
                self.unsubscribe((loop, ev))


notifier = Notifier()


@sa_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("sc_events_pending", False):
        notifier.notify()


@sa_event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("sc_events_pending", None)


class PgEventListener:
    """LISTENs on PostgreSQL so streams of this instance wake for events other instances wrote."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sc-pg-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {PG_CHANNEL}")
                    while not self._stop.is_set():
                        if any(True for _ in conn.notifies(timeout=1.0)):
                            notifier.notify()
            except Exception as exc:  # the 1 s poll in the stream still delivers; retry the listen
                log.warning("event LISTEN connection failed (%s); retrying", type(exc).__name__)
                self._stop.wait(2.0)


def pg_listener_service(app):
    url = app.state.settings.resolved_database_url
    if not url.startswith("postgresql"):
        return None
    return PgEventListener(url)
