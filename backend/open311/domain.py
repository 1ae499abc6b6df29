"""Open311 GeoReport v2: citizens' requests, kept as incidents (no tables of its own)."""

from backend.domain import Domain

DOMAIN = Domain(
    name="open311",
    routers=("backend.open311.router:router",),
)
