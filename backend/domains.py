"""The backend's domains, in order (routers are included, services started and demo data seeded
in this order). A new domain adds one line: the module holding its `DOMAIN`."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from backend.domain import Domain

DOMAINS = [
    "backend.auth.domain",
    "backend.events.domain",
    "backend.audit.domain",
    "backend.open311.domain",
    "backend.incidents.domain",
    "backend.cameras.domain",
    "backend.recordings.domain",
    "backend.telemetry.domain",
    "backend.energy.domain",
    "backend.works.domain",
    "backend.cleaning.domain",
    "backend.signals.domain",
    "backend.stats.domain",
    "backend.reports.domain",
    "backend.transit.domain",
    "backend.retention",  # pruning of the tables domains declare prunable (a duty)
]


def load(module: str) -> Domain:
    domain = getattr(importlib.import_module(module), "DOMAIN", None)
    if not isinstance(domain, Domain):
        raise TypeError(f"{module} has no DOMAIN = Domain(...)")
    return domain


def registered(extra: Iterable[str] = ()) -> list[Domain]:
    """The listed domains, then `extra` ones (SC_EXTRA_DOMAINS: plug-ins, tests); each once."""
    modules = list(dict.fromkeys([*DOMAINS, *extra]))
    return [load(m) for m in modules]
