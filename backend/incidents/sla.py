"""SLA: how long a city service has for an incident, by category × priority."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend_client.schemas.incidents import CATEGORY_NAMES, OPEN_STATUSES, PRIORITIES

# Hours until due for an incident of "ordinary" urgency per priority.
BASE_HOURS: dict[str, float] = {"critical": 2, "high": 8, "medium": 24, "low": 72}

# How much faster (< 1) or slower (> 1) a category is expected to be handled: a dead
# traffic light or a heating main burst is dangerous now; a flower bed can wait.
CATEGORY_FACTOR: dict[str, float] = {
    "street_lighting": 1.0,
    "roads": 1.0,
    "waste": 1.0,
    "utilities": 0.75,
    "public_transport": 1.0,
    "excavation": 1.5,
    "traffic_lights": 0.5,
    "public_order": 0.5,
    "landscaping": 2.0,
    "other": 1.0,
}
MIN_HOURS = 1.0

assert set(CATEGORY_FACTOR) == set(CATEGORY_NAMES)


def sla_hours(category: str, priority: str) -> float:
    return max(MIN_HOURS, BASE_HOURS[priority] * CATEGORY_FACTOR[category])


def sla_table() -> dict[str, dict[str, float]]:
    """category → priority → hours (what GET /incidents/categories shows)."""
    return {c: {p: sla_hours(c, p) for p in PRIORITIES} for c in CATEGORY_NAMES}


def due_at(created_at: datetime, category: str, priority: str) -> datetime:
    return created_at + timedelta(hours=sla_hours(category, priority))


def is_overdue(status: str, sla_due_at: datetime, now: datetime) -> bool:
    """Only incidents still being worked on can be late; the clock stops at resolved."""
    return status in OPEN_STATUSES and now > sla_due_at
