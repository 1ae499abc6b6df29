"""Traffic signals: controller events over MQTT and CSV, live state, ATSPM measures, plans, faults."""

from backend.domain import Domain

DOMAIN = Domain(
    name="signals",
    routers=("backend.signals.router:router",),
    # Every instance stores controller events (stored once, by their key) and can send commands;
    # faults, measures and retention run once per deployment.
    services=("backend.signals.mqtt:signals_mqtt_service",),
    duties=("backend.signals.duties:duties_service",),
    models=("backend.signals.models",),
    seed_demo="backend.signals.demo:seed",
    stats="backend.signals.stats:router",
    report_sections=("backend.signals.report:section",),
)
