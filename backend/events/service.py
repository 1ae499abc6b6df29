"""Publishing live changes: rows in `events`, written at commit in id order, announced to streams after it."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from backend.events.models import Event

log = logging.getLogger(__name__)
PG_CHANNEL = "sc_events"


# Every event row gets its id inside this transaction-level advisory lock, taken just before the
# commit. Ids are drawn when a row is inserted but become visible when its transaction commits; with
# concurrent writers a reader could otherwise see id 7 committed while 6 is still in flight, move
# past 6 and never see it. Holding the lock from the insert to the commit makes ids commit in id
# order, so "every id above the last one I sent" is exactly what is still to come, on every server
# instance (the lock is the database's, not the process's). The price is that commits that carry
# events are serialised; the lock is taken only after the caller's own changes are flushed, so it
# covers one small INSERT and the COMMIT, and nothing taken after it can deadlock. (The other sound
# designs, reading below pg_snapshot_xmin or holding gaps for a while, keep writers parallel but
# need either a cursor that is not the event id or a timeout that can still be wrong.)
# SQLite needs nothing: it has one writer at a time, so its ids already commit in order.
EVENTS_LOCK_KEY = 0x5C_E7E7_0001  # any constant; pg_advisory_xact_lock takes a bigint

MIN_ROLES = ("dispatcher", "supervisor", "admin")


def publish(session: Session, type_: str, data: dict[str, Any], *, min_role: str = "dispatcher",
            owner_id: int | None = None) -> Event:
    """Record a live change in the caller's transaction; written at its commit, streamed after it.

    `min_role`: the lowest role that may see it; `owner_id`: only this user sees it (private things)."""
    if min_role not in MIN_ROLES:
        raise ValueError(f"unknown role {min_role!r}")
    row = Event(type=type_, data=data, min_role=min_role, owner_id=owner_id)
    session.info.setdefault("sc_events", []).append(row)
    session.info["sc_events_pending"] = True
    return row


def visible_to(role: str, user_id: int) -> Callable[[Event], bool]:
    """Whether a user of `role` (and id) may see an event: the stream's one filter."""
    rank = MIN_ROLES.index(role) if role in MIN_ROLES else -1

    def check(e: Event) -> bool:
        return MIN_ROLES.index(e.min_role) <= rank and (e.owner_id is None or e.owner_id == user_id)

    return check


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


@sa_event.listens_for(Session, "before_commit")
def _write_events(session: Session) -> None:
    pending = session.info.pop("sc_events", None)
    if not pending:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.flush()  # the caller's own changes first, outside the lock
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": EVENTS_LOCK_KEY})
        # Delivered at commit to every server instance listening (EventListener).
        session.execute(text("SELECT pg_notify(:c, '')"), {"c": PG_CHANNEL})
    session.add_all(pending)
    session.flush()


@sa_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("sc_events_pending", False):
        notifier.notify()


@sa_event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("sc_events_pending", None)


@sa_event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    # Events of a transaction that ended without a commit (rolled back, or the session closed)
    # must not ride along with the session's next transaction.
    if transaction.parent is None:
        session.info.pop("sc_events", None)


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
