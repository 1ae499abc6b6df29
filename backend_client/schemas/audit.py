from __future__ import annotations

from datetime import datetime
from typing import Any

from backend_client.schemas.common import WireModel


class AuditEntryOut(WireModel):
    id: int
    at: datetime
    username: str
    action: str
    target: str
    details: dict[str, Any]
