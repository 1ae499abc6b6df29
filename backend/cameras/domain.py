"""Cameras and the video wall's layouts."""

from backend.domain import Domain

DOMAIN = Domain(
    name="cameras",
    routers=("backend.cameras.router:router",),
    models=("backend.cameras.models",),
    seed_demo="backend.cameras.demo:seed_demo",
)
