"""Sites, devices and their readings, over MQTT and HTTP."""

from backend.domain import Domain

DOMAIN = Domain(
    name="telemetry",
    routers=("backend.telemetry.router:router", "backend.telemetry.router:telemetry_router"),
    services=("backend.ingest.mqtt:mqtt_service",),
    models=("backend.telemetry.models",),
    seed_demo="backend.telemetry.demo:seed_demo",
)
