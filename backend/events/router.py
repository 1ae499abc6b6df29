"""Server-Sent Events with ids; a client resuming with Last-Event-ID misses nothing."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from backend.auth.deps import StreamUser
from backend.errors import BadRequest
from backend.events.service import events_after, last_event_id, notifier, visible_to

router = APIRouter(prefix="/api/v1", tags=["events"])

HEARTBEAT_S = 2.0  # a comment line this often: the desk shows a silent link within seconds
POLL_S = 1.0
MAX_EVENT_ID = 2**63 - 1  # also picks up events written by other server instances

_streams = {"open": 0, "opened": 0}
_streams_lock = threading.Lock()


def stream_counts() -> tuple[int, int]:
    """(open now, opened since start) event streams of this process: the desktops connected here."""
    with _streams_lock:
        return _streams["open"], _streams["opened"]


def _count(delta: int) -> None:
    with _streams_lock:
        _streams["open"] += delta
        _streams["opened"] += max(delta, 0)


@router.get("/events", operation_id="events_stream",
            responses={200: {"content": {"text/event-stream": {}}}})
async def stream(request: Request, user: StreamUser,
                 last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
                 last_event_id_q: Annotated[int | None, Query(alias="last_event_id", ge=0, le=MAX_EVENT_ID)] = None,
                 types: Annotated[str | None, Query(description="comma-separated type prefixes")] = None):
    sessionmaker = request.app.state.sessionmaker
    prefixes = tuple(t.strip() for t in types.split(",")) if types else ()
    # Who may see what is decided here, on the server, for live events and replayed history alike.
    may_see = visible_to(user.role, user.id)

    def _read(after: int):
        with sessionmaker() as s:
            rows = events_after(s, after)
            return rows[-1].id if rows else after, len(rows), [(e.id, e.type, e.data) for e in rows if may_see(e)]

    def _head() -> int:
        with sessionmaker() as s:
            return last_event_id(s)

    start: int | None = last_event_id_q
    if last_event_id_header and last_event_id_header.strip().isascii() and last_event_id_header.strip().isdigit():
        start = int(last_event_id_header)
        if start > MAX_EVENT_ID:  # no event has such an id; the database could not even compare it
            raise BadRequest("Last-Event-ID is not an event id of this server", last_event_id=last_event_id_header[:40])
    if start is None:
        start = await run_in_threadpool(_head)

    stopping = request.app.state.stopping

    async def gen():
        after = start
        waiter = notifier.subscribe()
        _count(1)
        sent = time.monotonic()  # a ping after HEARTBEAT_S without a line; filtered-out events do not count
        try:
            yield f"retry: 2000\nid: {after}\nevent: hello\ndata: {json.dumps({'user': user.username, 'last_event_id': after})}\n\n"
            while True:
                waiter[1].clear()
                scanned_to, scanned, rows = await run_in_threadpool(_read, after)
                for eid, etype, data in rows:
                    if prefixes and not etype.startswith(prefixes):
                        continue
                    yield f"id: {eid}\nevent: {etype}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
                    sent = time.monotonic()
                after = scanned_to  # past what this user may not see, too
                if scanned >= 500:
                    continue
                if await request.is_disconnected():
                    return
                if stopping.is_set():
                    # The server is stopping: tell the client to resume elsewhere (or here, once back)
                    # from this id, and end the response so the shutdown need not wait for it.
                    yield f"id: {after}\nevent: reconnect\ndata: {{}}\n\n"
                    return
                try:
                    await asyncio.wait_for(waiter[1].wait(), POLL_S)
                except TimeoutError:
                    pass
                if time.monotonic() - sent >= HEARTBEAT_S:
                    sent = time.monotonic()
                    yield ": ping\n\n"
        finally:
            _count(-1)
            notifier.unsubscribe(waiter)

    return StreamingResponse(gen(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
