"""Incidents and the city services they are assigned to."""

from backend.domain import Domain, Prunable

DOMAIN = Domain(
    name="incidents",
    routers=("backend.incidents.router:router", "backend.incidents.router:services_router"),
    models=("backend.incidents.models",),
    prunable=(Prunable("incident_idempotency_keys", "created_at", "retain_idempotency_days"),),
    seed_demo="backend.incidents.demo:seed_demo",
    stats="backend.incidents.stats:router",
    report_sections=("backend.incidents.report:section",),
)
