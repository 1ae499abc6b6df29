"""The video archive: the recorder writes segments, the API serves them, bookmarks and exports."""

from backend.domain import Domain

DOMAIN = Domain(
    name="recordings",
    routers=("backend.recordings.router:router",),
    duties=("backend.recorder.service:from_app", "backend.recordings.exports:export_service"),
    models=("backend.recordings.models",),
)
