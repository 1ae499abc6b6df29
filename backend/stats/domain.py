"""Key figures: every domain brings its own /api/v1/stats/<name> (Domain.stats); this lists them."""

from backend.domain import Domain

DOMAIN = Domain(name="stats", routers=("backend.stats.router:router",))
