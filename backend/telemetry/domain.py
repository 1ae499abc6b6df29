"""Sites, devices and their readings, over MQTT and HTTP."""

from backend.domain import Domain, Prunable

DOMAIN = Domain(
    name="telemetry",
    routers=("backend.telemetry.router:router", "backend.telemetry.router:telemetry_router"),
    # On PostgreSQL every instance ingests its share (MQTT 5 shared subscription); without a share
    # group (or on SQLite) one instance holds the ingest duty.
    services=("backend.ingest.mqtt:mqtt_service",),
    duties=("backend.ingest.mqtt:mqtt_duty",),
    models=("backend.telemetry.models",),
    prunable=(Prunable("readings", "ts", "retain_readings_days", epoch_ms=True),),  # rollups are kept
    seed_demo="backend.telemetry.demo:seed_demo",
)
