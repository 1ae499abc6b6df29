"""Every domain's tables, imported once so Alembic and the tests see the whole schema."""

from backend.audit.models import AuditEntry  # noqa: F401
from backend.auth.models import LoginFailure, User  # noqa: F401
from backend.cameras.models import Camera, WallLayout  # noqa: F401
from backend.events.models import Event  # noqa: F401
from backend.incidents.models import CityService, IdempotencyKey, Incident, IncidentAttachment, IncidentComment, IncidentHistory  # noqa: F401
from backend.telemetry.models import DailyRollup, Device, HourlyRollup, Reading, Site, TelemetryCounter  # noqa: F401
from backend.energy.models import Alarm  # noqa: F401
from backend.recordings.models import Bookmark, CameraEvent, EvidenceLock, RecordingExport, RecordingQuota, Segment  # noqa: F401
