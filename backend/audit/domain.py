"""The audit trail of archive views, exports and admin changes."""

from backend.domain import Domain, Prunable

DOMAIN = Domain(
    name="audit",
    routers=("backend.audit.router:router",),
    models=("backend.audit.models",),
    prunable=(Prunable("audit_log", "at", "retain_audit_days"),),
)
