"""Users, logins and roles."""

from backend.domain import Domain

DOMAIN = Domain(
    name="auth",
    routers=("backend.auth.router:router", "backend.auth.router:users_router"),
    models=("backend.auth.models",),
    seed_demo="backend.auth.demo:seed_demo",
)
