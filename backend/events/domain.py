"""Live events: the rows behind /api/v1/events and the PostgreSQL listener that wakes the streams."""

from backend.domain import Domain

DOMAIN = Domain(
    name="events",
    routers=("backend.events.router:router",),
    services=("backend.events.service:pg_listener_service",),
    models=("backend.events.models",),
)
