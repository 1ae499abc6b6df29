"""`sc-server seed-demo` (and `--demo`): every registered domain's demo step, in registry order.

Each step makes its domain's reference data of the Kurchatov demo through its services and
leaves what exists alone, so seeding again is harmless. The live city is `citysim`'s job.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.orm import Session, sessionmaker

from backend.config import Settings
from backend.domain import DemoSeed, Domain, resolve
from backend.domains import registered

log = logging.getLogger(__name__)


def seed_demo(maker: sessionmaker[Session], settings: Settings, domains: list[Domain] | None = None) -> dict[str, str]:
    """Seed what is missing; returns {username: password} of the demo users created now."""
    demo = DemoSeed(maker=maker, settings=settings)
    for domain in registered(settings.extra_domain_modules) if domains is None else domains:
        if domain.seed_demo is not None:
            t0 = time.monotonic()
            resolve(domain.seed_demo)(demo)
            log.info("demo: %s seeded in %.1f s", domain.name, time.monotonic() - t0)
    return demo.created_users
