"""Transit: GTFS schedule, live buses over MQTT and GTFS-rt, predictions, GTFS-rt out, the stop boards."""

from backend.domain import Domain

DOMAIN = Domain(
    name="transit",
    routers=("backend.transit.router:router", "backend.transit.public:router"),
    # Once per deployment: a bus's positions must reach one tracker (its matching and predictions
    # keep state), GTFS-rt is pulled once, and each fault opens one incident.
    duties=("backend.transit.ingest:mqtt_service", "backend.transit.rtpull:pull_service",
            "backend.transit.watch:watch_service"),
    models=("backend.transit.models",),
    seed_demo="backend.transit.demo:seed",
    commands=("backend.transit.cli:add_command",),
    stats="backend.transit.stats:router",
    report_sections=("backend.transit.report:section",),
)
