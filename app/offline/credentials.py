"""Offline start: who logged in on this workstation before, checked without the server.

Qt-free. The password is never stored: an argon2 hash of it is (in a file only the user
can read). The session token goes to the OS keyring when there is one, otherwise to a
file readable only by the user.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend_client.client import ApiClient
from backend_client.schemas.auth import UserOut

log = logging.getLogger(__name__)
KEYRING_SERVICE = "situation-center"
_hasher = PasswordHasher()


def _base() -> Path:
    from app.settings import data_dir

    path = data_dir() / "offline"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _key(server: str, username: str) -> str:
    return f"{server.rstrip('/')}|{username}"


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (0600), atomically."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
    os.replace(tmp, path)


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("offline credentials %s unreadable: %s", path, exc)
        return {}


def _keyring():
    """The OS keyring, or None where there is none (headless Linux, CI)."""
    try:
        import keyring
        from keyring.backends import fail

        kr = keyring.get_keyring()
        if isinstance(kr, fail.Keyring) or type(kr).__name__ in ("NullKeyring", "PlaintextKeyring"):
            return None
        return keyring
    except Exception:  # a broken keyring backend must not stop the login
        return None


def save_token(server: str, username: str, token: str) -> str:
    """Keep the session token; returns where ("keyring" or "file")."""
    kr = _keyring()
    if kr is not None:
        try:
            kr.set_password(KEYRING_SERVICE, _key(server, username), token)
            return "keyring"
        except Exception as exc:
            log.warning("keyring refused the token (%s); keeping it in a private file", exc)
    path = _base() / "tokens.json"
    tokens = _load(path)
    tokens[_key(server, username)] = token
    _write_private(path, json.dumps(tokens))
    return "file"


def load_token(server: str, username: str) -> str | None:
    kr = _keyring()
    if kr is not None:
        try:
            token = kr.get_password(KEYRING_SERVICE, _key(server, username))
            if token:
                return token
        except Exception:
            pass
    return _load(_base() / "tokens.json").get(_key(server, username))


def remember_login(server: str, username: str, password: str, user: UserOut, token: str | None) -> None:
    """After a successful online login: keep what an offline start needs (never the password)."""
    path = _base() / "logins.json"
    logins = _load(path)
    logins[_key(server, username)] = {"hash": _hasher.hash(password), "user": user.model_dump(mode="json")}
    _write_private(path, json.dumps(logins, ensure_ascii=False))
    if token:
        save_token(server, username, token)


def offline_login(server: str, username: str, password: str) -> tuple[ApiClient, UserOut] | None:
    """The LoginDialog's fallback when the server is unreachable: (client, user) or None."""
    entry = _load(_base() / "logins.json").get(_key(server, username))
    if not entry:
        return None
    try:
        _hasher.verify(entry["hash"], password)
    except (VerificationError, InvalidHashError, KeyError):
        return None
    user = UserOut.model_validate(entry["user"])
    client = ApiClient(server)
    client.token = load_token(server, username)
    client.user = user

    # Kept in memory only, so that the session can be renewed when the server comes back and
    # the saved token has expired meanwhile.
    client.keep_login(username, password, on_token=lambda token: save_token(server, username, token))
    return client, user
