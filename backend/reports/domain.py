"""Shift reports: PDF and xlsx made in the background from every domain's report sections."""

from backend.domain import Domain

DOMAIN = Domain(
    name="reports",
    routers=("backend.reports.router:router",),
    services=("backend.reports.runner:report_service",),
    models=("backend.reports.models",),
)
