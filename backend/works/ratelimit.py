"""A per-client sliding-window limit for the public endpoints (no login, so the address is the key)."""

from __future__ import annotations

import threading
import time
from collections import deque

from fastapi import Request

from backend.errors import AppError


class RateLimit:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._hits) > 50_000:  # forget idle clients so memory stays bounded
                self._hits = {k: q for k, q in self._hits.items() if q and q[-1] > now - 60}
            q = self._hits.setdefault(key, deque())
            while q and q[0] <= now - 60:
                q.popleft()
            if len(q) >= self.per_minute:
                retry = max(1, int(q[0] + 60 - now) + 1)
                raise AppError(429, "rate_limited", f"Too many requests; try again in {retry} s",
                               _headers={"Retry-After": str(retry)}, retry_after=retry)
            q.append(now)


def limiter(request: Request, name: str) -> RateLimit:
    """The app's limiter of this name (one per app, so tests with separate apps do not share counts)."""
    state = request.app.state
    limits = getattr(state, "sc_public_limits", None)
    if limits is None:
        limits = state.sc_public_limits = {}
    if name not in limits:
        limits[name] = RateLimit(request.app.state.settings.public_checks_per_minute)
    return limits[name]


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"
