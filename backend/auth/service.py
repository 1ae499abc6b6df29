"""Users and logins."""

from __future__ import annotations

import asyncio
import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from backend.auth.models import LoginFailure, User
from backend.auth.roles import ROLES
from backend.auth.security import burn_time, hash_password, verify_password
from backend.db import utcnow
from backend.errors import AppError, Conflict, Unprocessable

# After this many failures in a row a (source, user name) pair is slowed down, then locked for a while.
FREE_ATTEMPTS = 3
LOCK_AFTER = 10
LOCK_FOR = timedelta(minutes=5)
_sleep = asyncio.sleep  # awaited on the event loop: a slowed-down login holds no worker thread


def create_user(session: Session, *, username: str, role: str, password: str, full_name: str = "") -> User:
    if role not in ROLES:
        raise Unprocessable(f"Unknown role {role!r}; roles are {', '.join(ROLES)}")
    if len(password) < 8:
        raise Unprocessable("The password must be at least 8 characters long")
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"User {username!r} already exists")
    user = User(username=username, role=role, full_name=full_name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def system_user(session: Session, username: str, full_name: str) -> User:
    """An account that machines act under (rules, gateways); inactive, so it can never log in."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        import secrets

        user = User(username=username, full_name=full_name, role="dispatcher",
                    password_hash=hash_password(secrets.token_urlsafe(32)), active=False)
        session.add(user)
        session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    if len(password) < 8:
        raise Unprocessable("The password must be at least 8 characters long")
    user.password_hash = hash_password(password)


MAX_USERNAME = 64
# A source (client address) that fails this often, whatever the accounts, is locked out itself.
SOURCE_LOCK_AFTER = 30


def _key(kind: str, *parts: str) -> str:
    """A login_failures key: a digest, so any user name or address fits the 64-character column."""
    return kind + ":" + hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:56]


def login_delay(session: Session, *, username: str, source: str) -> float:
    """Seconds to wait before checking this login, or AppError 429 when it is locked out.

    Failures count per (source, account) and per source, never per account alone: someone
    guessing from one machine locks out that machine, not the dispatchers at their own desks."""
    now = utcnow()
    pair = session.get(LoginFailure, _key("pair", source, username))
    src = session.get(LoginFailure, _key("source", source))
    for failure, limit, what in ((pair, LOCK_AFTER, f"for {username[:MAX_USERNAME]!r} from this address"),
                                 (src, SOURCE_LOCK_AFTER, "from this address")):
        if failure and failure.failures >= limit and now - failure.last_failure_at < LOCK_FOR:
            wait = int((LOCK_FOR - (now - failure.last_failure_at)).total_seconds()) + 1
            raise AppError(429, "too_many_attempts", f"Too many failed logins {what}; try again in {wait} s",
                           retry_after=wait, _headers={"Retry-After": str(wait)})
    failures = pair.failures if pair else 0
    session.commit()  # ends the read: no pooled connection is held through the wait
    if failures >= FREE_ATTEMPTS:
        return min(0.25 * 2 ** (failures - FREE_ATTEMPTS), 4.0)
    return 0.0


# Password hashing is CPU-bound by design: it gets its own two workers, so a login flood queues
# there and never takes the shared thread pool that every other request's database work needs.
_hashing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="password-hash")


async def authenticate(session: Session, *, username: str, password: str, source: str = "") -> User:
    """The user, or AppError 429 (locked out) / 401. Failures slow the next try from the same
    source down (awaited, holding no worker) and count towards its lock-out (see login_delay)."""
    delay = await run_in_threadpool(login_delay, session, username=username, source=source)
    if delay:
        await _sleep(delay)
    plausible = 0 < len(username) <= MAX_USERNAME and username.isprintable()
    user = await run_in_threadpool(_find_and_release, session, username) if plausible else None
    loop = asyncio.get_running_loop()
    if user is None:
        await loop.run_in_executor(_hashing, burn_time, password)
        ok = False
    else:
        ok = user.active and await loop.run_in_executor(_hashing, verify_password, user.password_hash, password)
    await run_in_threadpool(_record, session, username=username, source=source, ok=ok)
    if not ok:
        raise AppError(401, "bad_credentials", "Wrong user name or password",
                       _headers={"WWW-Authenticate": "Bearer"})
    return user


def _record(session: Session, *, username: str, source: str, ok: bool) -> None:
    pair_key = _key("pair", source, username)
    if ok:
        if (failure := session.get(LoginFailure, pair_key)) is not None:
            session.delete(failure)
            session.commit()
        return
    now = utcnow()
    for key in (pair_key, _key("source", source)):
        failure = session.get(LoginFailure, key)
        if failure is None:
            failure = LoginFailure(username=key, failures=0)
            session.add(failure)
        failure.failures += 1
        failure.last_failure_at = now
    session.commit()


def _find_and_release(session: Session, username: str) -> User | None:
    user = find_user(session, username)
    session.commit()  # the hash check takes a while; no pooled connection waits through it
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))
