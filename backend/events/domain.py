"""Live events: the rows behind /api/v1/events and the PostgreSQL listener that wakes the streams."""

from backend.domain import Domain, Prunable

DOMAIN = Domain(
    name="events",
    routers=("backend.events.router:router",),
    services=("backend.events.service:pg_listener_service",),
    models=("backend.events.models",),
    prunable=(Prunable("events", "created_at", "retain_events_days"),),
)
