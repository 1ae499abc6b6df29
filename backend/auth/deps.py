"""Who is calling: bearer token → user, and role checks for routers."""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from backend.auth.models import ROLES, User
from backend.auth.security import read_token
from backend.db import SessionDep
from backend.errors import AppError, Forbidden

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _unauthorized(message: str) -> AppError:
    return AppError(401, "unauthorized", message, _headers={"WWW-Authenticate": "Bearer"})


def current_user(request: Request, session: SessionDep,
                 token: Annotated[str | None, Depends(oauth2)]) -> User:
    if not token:
        token = request.query_params.get("access_token")  # for EventSource-like readers only
    if not token:
        raise _unauthorized("Log in first: this endpoint needs a bearer token")
    try:
        claims = read_token(request.app.state.settings.secret_key, token)
    except jwt.ExpiredSignatureError:
        raise _unauthorized("Your session has expired; log in again") from None
    except jwt.InvalidTokenError:
        raise _unauthorized("The access token is not valid; log in again") from None
    user = session.get(User, int(claims["sub"]))
    if user is None or not user.active:
        raise _unauthorized("This account no longer exists or is disabled")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def role_at_least(user: User, role: str) -> bool:
    return ROLES.index(user.role) >= ROLES.index(role)


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
