"""The audit trail of archive views, exports and admin changes."""

from backend.domain import Domain

DOMAIN = Domain(
    name="audit",
    routers=("backend.audit.router:router",),
    models=("backend.audit.models",),
)
