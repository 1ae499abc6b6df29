"""Traffic signals: controller events over MQTT and CSV, live state, ATSPM measures, plans, faults."""

from backend.domain import Domain

DOMAIN = Domain(
    name="signals",
    routers=("backend.signals.router:router",),
    services=("backend.signals.mqtt:signals_mqtt_service", "backend.signals.duties:duties_service"),
    models=("backend.signals.models",),
    seed_demo="backend.signals.demo:seed",
    stats="backend.signals.stats:router",
    report_sections=("backend.signals.report:section",),
)
