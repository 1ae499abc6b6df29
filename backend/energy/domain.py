"""Energy of the municipal buildings: charts, totals and the alarm rules."""

from backend.domain import Domain

DOMAIN = Domain(
    name="energy",
    routers=("backend.energy.router:router",),
    duties=("backend.energy.rules:rules_service",),
    models=("backend.energy.models",),
    seed_demo="backend.energy.demo:seed_demo",
    stats="backend.energy.stats:router",
    report_sections=("backend.energy.report:section",),
)
