"""Every registered domain's tables on Base.metadata, for Alembic and the tests."""

from __future__ import annotations

import importlib

from backend.domain import Domain
from backend.domains import registered


def import_models(domains: list[Domain] | None = None) -> None:
    """Import each domain's models modules (default: the domains of backend/domains.py)."""
    for domain in registered() if domains is None else domains:
        for module in domain.models:
            importlib.import_module(module)


import_models()
