"""Who is calling: bearer token → user, and role checks for routers."""

from __future__ import annotations

import time
from typing import Annotated

import jwt
from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session, make_transient_to_detached
from starlette.concurrency import run_in_threadpool

from backend.auth.models import User
from backend.auth.roles import ROLES, role_at_least
from backend.auth.security import read_token
from backend.db import SessionDep
from backend.errors import AppError, Forbidden

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _unauthorized(message: str) -> AppError:
    return AppError(401, "unauthorized", message, _headers={"WWW-Authenticate": "Bearer"})


class UserCache:
    """Who a token belongs to, remembered for a few seconds (SC_AUTH_CACHE_SECONDS).

    Verifying the token and reading its user row on every request costs the busiest reads as
    much as their query. An entry is made only after the token's signature and expiry were
    checked, and ends no later than the token does; "does this account still exist, is it
    active, what is its role" may be up to SC_AUTH_CACHE_SECONDS old, which bounds how long a
    disabled account keeps working."""

    MAX = 4096

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, User]] = {}

    def get(self, token: str, now: float) -> User | None:
        hit = self._entries.get(token)
        return hit[1] if hit is not None and hit[0] > now else None

    def put(self, token: str, user: User, until: float, now: float) -> None:
        if len(self._entries) >= self.MAX:
            self._entries = {t: e for t, e in self._entries.items() if e[0] > now}
            if len(self._entries) >= self.MAX:
                self._entries.clear()
        self._entries[token] = (until, user)


def _snapshot(user: User) -> User:
    """A detached, clean copy of the row's columns that no session owns (safe to share)."""
    copy = User(**{c.key: getattr(user, c.key) for c in User.__table__.columns})
    make_transient_to_detached(copy)
    return copy


def _load_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


async def current_user(request: Request, session: SessionDep,
                       token: Annotated[str | None, Depends(oauth2)]) -> User:
    return await _user_for(request, session, token)


async def stream_user(request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2)],
                      access_token: Annotated[str | None, Query(
                          description="the bearer token, for EventSource readers that cannot send headers")] = None
                      ) -> User:
    """current_user that also takes ?access_token=: only for streams a browser opens with
    EventSource. Elsewhere a token in the URL would end up in logs and browser history."""
    return await _user_for(request, session, token or access_token)


async def _user_for(request: Request, session: SessionDep, token: str | None) -> User:
    if not token:
        raise _unauthorized("Log in first: this endpoint needs a bearer token")
    cache: UserCache = request.app.state.user_cache
    now = time.monotonic()
    if (known := cache.get(token, now)) is not None:
        # This exact token passed the signature check and is unexpired (entries end by then);
        # merge(load=False) puts the copy into this request's session without a query.
        return session.merge(known, load=False)
    settings = request.app.state.settings
    try:
        claims = read_token(settings.secret_key, token)
    except jwt.ExpiredSignatureError:
        raise _unauthorized("Your session has expired; log in again") from None
    except jwt.InvalidTokenError:
        raise _unauthorized("The access token is not valid; log in again") from None
    sub = claims.get("sub")
    if not (isinstance(sub, str) and sub.isascii() and sub.isdigit() and 0 < len(sub) <= 18):
        raise _unauthorized("The access token is not valid; log in again")  # signed by us, yet not ours
    user = await run_in_threadpool(_load_user, session, int(sub))
    if user is None or not user.active:
        raise _unauthorized("This account no longer exists or is disabled")
    if settings.auth_cache_seconds > 0:
        until = min(now + settings.auth_cache_seconds, now + (claims["exp"] - time.time()))
        cache.put(token, _snapshot(user), until, now)
    return user


CurrentUser = Annotated[User, Depends(current_user)]
StreamUser = Annotated[User, Depends(stream_user)]


def require_role(role: str):
    """A dependency that lets through users with `role` or a higher one."""
    if role not in ROLES:
        raise ValueError(role)

    def check(user: CurrentUser) -> User:
        if not role_at_least(user, role):
            raise Forbidden(f"This needs the {role} role; you are logged in as {user.role}")
        return user

    return Depends(check)


Supervisor = Annotated[User, require_role("supervisor")]
Admin = Annotated[User, require_role("admin")]
