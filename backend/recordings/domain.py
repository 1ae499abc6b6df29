"""The video archive: the recorder writes segments, the API serves them, bookmarks and exports."""

from backend.domain import Domain

DOMAIN = Domain(
    name="recordings",
    routers=("backend.recordings.router:router",),
    # The outage duty reads the recorder's lost-signal events, wherever the recorder runs.
    duties=("backend.recorder.service:from_app", "backend.recordings.exports:export_service",
            "backend.recordings.outages:outage_duty"),
    models=("backend.recordings.models",),
    # Views and exports of the archive, who and why: counted from the audit trail.
    stats="backend.audit.stats:router",
    report_sections=("backend.recordings.report:section",),
)
