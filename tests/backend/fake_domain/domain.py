"""A small domain that lives outside backend/: registered through SC_EXTRA_DOMAINS by the test."""

from pathlib import Path

from backend.domain import Domain

DOMAIN = Domain(
    name="beacons",
    routers=("tests.backend.fake_domain.router:router",),
    services=("tests.backend.fake_domain.service:beacon_service",),
    models=("tests.backend.fake_domain.models",),
    migrations=Path(__file__).parent / "migrations",
)
