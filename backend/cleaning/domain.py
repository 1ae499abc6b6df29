"""Street cleaning: sections with recurring schedules, machines' GPS over MQTT map-matched to them,
coverage per window, missed-section incidents, and the residents' iCalendar feeds."""

from backend.domain import Domain

DOMAIN = Domain(
    name="cleaning",
    routers=("backend.cleaning.router:router", "backend.cleaning.public:router"),
    services=("backend.cleaning.ingest:fleet_service", "backend.cleaning.duty:cleaning_service"),
    models=("backend.cleaning.models",),
    seed_demo="backend.cleaning.demo:seed",
    stats="backend.cleaning.stats:router",
    report_sections=("backend.cleaning.report:section",),
)
