"""Excavation permits: the registry, "is this dig legal here and now?", excavation incidents'
verdicts, overdue restorations, and the public check and WZDx feed."""

from backend.domain import Domain

DOMAIN = Domain(
    name="works",
    routers=("backend.works.router:router", "backend.works.public:router"),
    duties=("backend.works.duty:works_service",),
    models=("backend.works.models",),
    seed_demo="backend.works.demo:seed",
    stats="backend.works.stats:router",
    report_sections=("backend.works.report:section",),
)
