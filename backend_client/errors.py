"""What can go wrong talking to the backend, in words an operator understands."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """The server answered with an error (4xx/5xx) in the API's error shape."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}

    def __str__(self) -> str:
        return self.message


class ConnectionLost(Exception):
    """The server could not be reached (down, network cut, timed out)."""


class AuthExpired(ApiError):
    """The session token expired or was revoked; the operator must log in again."""
