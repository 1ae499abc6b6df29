"""Users and logins."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.models import LoginFailure, User
from backend.auth.roles import ROLES
from backend.auth.security import burn_time, hash_password, verify_password
from backend.db import utcnow
from backend.errors import AppError, Conflict, Unprocessable

# After this many failures in a row a user name is slowed down, then locked for a while.
FREE_ATTEMPTS = 3
LOCK_AFTER = 10
LOCK_FOR = timedelta(minutes=5)
_sleep = time.sleep


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


def authenticate(session: Session, *, username: str, password: str) -> User:
    """The user, or AppError 401 / 429. Failures are counted and slow the next try down."""
    failure = session.get(LoginFailure, username)
    now = utcnow()
    if failure and failure.failures >= LOCK_AFTER and now - failure.last_failure_at < LOCK_FOR:
        wait = int((LOCK_FOR - (now - failure.last_failure_at)).total_seconds()) + 1
        raise AppError(429, "too_many_attempts",
                       f"Too many failed logins for {username!r}; try again in {wait} s",
                       retry_after=wait, _headers={"Retry-After": str(wait)})
    if failure and failure.failures >= FREE_ATTEMPTS:
        _sleep(min(0.25 * 2 ** (failure.failures - FREE_ATTEMPTS), 4.0))

    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        burn_time(password)
        ok = False
    else:
        ok = user.active and verify_password(user.password_hash, password)
    if not ok:
        if failure is None:
            failure = LoginFailure(username=username[:64], failures=0)
            session.add(failure)
        failure.failures += 1
        failure.last_failure_at = now
        session.commit()
        raise AppError(401, "bad_credentials", "Wrong user name or password",
                       _headers={"WWW-Authenticate": "Bearer"})
    if failure is not None:
        session.delete(failure)
        session.commit()
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))
