"""Incidents and the city services they are assigned to."""

from backend.domain import Domain

DOMAIN = Domain(
    name="incidents",
    routers=("backend.incidents.router:router", "backend.incidents.router:services_router"),
    models=("backend.incidents.models",),
    stats="backend.incidents.stats:router",
    report_sections=("backend.incidents.report:section",),
)
