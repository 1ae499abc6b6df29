"""Street cleaning: sections with recurring schedules, machines' GPS over MQTT map-matched to them,
coverage per window, missed-section incidents, and the residents' iCalendar feeds."""

from backend.domain import Domain, Prunable

DOMAIN = Domain(
    name="cleaning",
    routers=("backend.cleaning.router:router", "backend.cleaning.public:router"),
    # The fleet ingest is a duty too: one instance subscribes (a broker without shared subscriptions
    # would otherwise deliver every fix to every instance).
    duties=("backend.cleaning.ingest:fleet_service", "backend.cleaning.duty:cleaning_service"),
    models=("backend.cleaning.models",),
    prunable=(Prunable("cleaning_fixes", "ts", "retain_fleet_days", epoch_ms=True),),
    seed_demo="backend.cleaning.demo:seed",
    stats="backend.cleaning.stats:router",
    report_sections=("backend.cleaning.report:section",),
)
