"""Role ordering: dispatcher < supervisor < admin; a higher role has every right of a lower one."""

from __future__ import annotations

from typing import Protocol

ROLES = ("dispatcher", "supervisor", "admin")


class HasRole(Protocol):
    role: str


def role_at_least(user: HasRole, role: str) -> bool:
    return ROLES.index(user.role) >= ROLES.index(role)
