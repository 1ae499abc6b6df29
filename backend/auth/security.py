"""Password hashing (argon2) and signed bearer tokens."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A fixed hash to verify against when the user does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def burn_time(password: str) -> None:
    verify_password(_DUMMY_HASH, password)


def make_token(secret: str, *, user_id: int, role: str, ttl_minutes: int) -> tuple[str, int]:
    now = datetime.now(timezone.utc)
    exp = now + timedelta(minutes=ttl_minutes)
    token = jwt.encode({"sub": str(user_id), "role": role, "iat": now, "exp": exp}, secret, algorithm="HS256")
    return token, ttl_minutes * 60


def read_token(secret: str, token: str) -> dict:
    """Decoded claims; raises jwt.ExpiredSignatureError or jwt.InvalidTokenError."""
    return jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
