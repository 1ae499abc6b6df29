"""The room's own tiles: incidents and energy of the city now (other features add theirs in their FeatureSpec)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import TileDef

INC = "/api/v1/stats/incidents"
ENERGY = "/api/v1/stats/energy"

CATEGORY_LABELS = (
    ("street_lighting", QT_TRANSLATE_NOOP("Tiles", "Street lighting")),
    ("roads", QT_TRANSLATE_NOOP("Tiles", "Roads")),
    ("waste", QT_TRANSLATE_NOOP("Tiles", "Waste")),
    ("utilities", QT_TRANSLATE_NOOP("Tiles", "Heat and water")),
    ("public_transport", QT_TRANSLATE_NOOP("Tiles", "Transport")),
    ("excavation", QT_TRANSLATE_NOOP("Tiles", "Excavation")),
    ("traffic_lights", QT_TRANSLATE_NOOP("Tiles", "Traffic lights")),
    ("public_order", QT_TRANSLATE_NOOP("Tiles", "Public order")),
    ("landscaping", QT_TRANSLATE_NOOP("Tiles", "Landscaping")),
    ("other", QT_TRANSLATE_NOOP("Tiles", "Other")),
)
PRIORITY_LABELS = (
    ("critical", QT_TRANSLATE_NOOP("Tiles", "Critical")),
    ("high", QT_TRANSLATE_NOOP("Tiles", "High")),
    ("medium", QT_TRANSLATE_NOOP("Tiles", "Medium")),
    ("low", QT_TRANSLATE_NOOP("Tiles", "Low")),
)

INCIDENT_TILES = (
    TileDef("incidents.open", QT_TRANSLATE_NOOP("Tiles", "Open incidents"), INC, "open_total", events="incident.",
            detail=QT_TRANSLATE_NOOP("Tiles", "{opened_today} new today · {resolved_today} resolved")),
    TileDef("incidents.overdue", QT_TRANSLATE_NOOP("Tiles", "Overdue"), INC, "overdue", alarm_above=0,
            events="incident."),
    TileDef("incidents.sla_today", QT_TRANSLATE_NOOP("Tiles", "SLA kept today"), INC, "sla_today.compliance",
            kind="gauge", unit="%", scale=100, compare="sla_last_week.compliance",
            compare_label=QT_TRANSLATE_NOOP("Tiles", "last week"), alarm_below=90, events="incident."),
    TileDef("incidents.sla_week", QT_TRANSLATE_NOOP("Tiles", "SLA kept this week"), INC, "sla_week.compliance",
            kind="gauge", unit="%", scale=100, compare="sla_last_week.compliance",
            compare_label=QT_TRANSLATE_NOOP("Tiles", "last week"), alarm_below=90, events="incident."),
    TileDef("incidents.critical", QT_TRANSLATE_NOOP("Tiles", "Critical, last hours"), INC, "critical_recent",
            kind="list", item="{number}  {address}", age="age_minutes", alarm_above=0, events="incident."),
    TileDef("incidents.by_category", QT_TRANSLATE_NOOP("Tiles", "Open by category"), INC, "open_by_category",
            kind="bars", labels=CATEGORY_LABELS, events="incident."),
    TileDef("incidents.by_priority", QT_TRANSLATE_NOOP("Tiles", "Open by priority"), INC, "open_by_priority",
            kind="bars", labels=PRIORITY_LABELS, events="incident."),
    TileDef("incidents.per_hour", QT_TRANSLATE_NOOP("Tiles", "New per hour, 24 h"), INC, "opened_by_hour",
            kind="sparkline", events="incident."),
    TileDef("incidents.median", QT_TRANSLATE_NOOP("Tiles", "Median time to resolve"), INC,
            "median_resolution_minutes_today", kind="gauge", unit=QT_TRANSLATE_NOOP("Tiles", "h"), scale=1 / 60,
            decimals=1, compare="median_resolution_minutes_week",
            compare_label=QT_TRANSLATE_NOOP("Tiles", "this week"), events="incident."),
)

ENERGY_TILES = (
    TileDef("energy.electricity", QT_TRANSLATE_NOOP("Tiles", "Electricity today"), ENERGY, "resources.0.used",
            kind="gauge", unit=QT_TRANSLATE_NOOP("Tiles", "kWh"), compare="resources.0.expected",
            compare_label=QT_TRANSLATE_NOOP("Tiles", "expected"), events="alarm."),
    TileDef("energy.heat", QT_TRANSLATE_NOOP("Tiles", "Heat today"), ENERGY, "resources.1.used", kind="gauge",
            unit=QT_TRANSLATE_NOOP("Tiles", "Gcal"), decimals=1, compare="resources.1.expected",
            compare_label=QT_TRANSLATE_NOOP("Tiles", "expected"), events="alarm."),
    TileDef("energy.water", QT_TRANSLATE_NOOP("Tiles", "Water today"), ENERGY, "resources.2.used", kind="gauge",
            unit=QT_TRANSLATE_NOOP("Tiles", "m³"), decimals=1, compare="resources.2.expected",
            compare_label=QT_TRANSLATE_NOOP("Tiles", "expected"), events="alarm."),
    TileDef("energy.buildings", QT_TRANSLATE_NOOP("Tiles", "Buildings in alarm"), ENERGY, "buildings_in_alarm",
            kind="list", item="{site}  ({alarms})", alarm_above=0, events="alarm."),
)

TILES = INCIDENT_TILES + ENERGY_TILES
