"""Display names of incident codes (category, status, priority, source), translated.

The strings are literal so the translation tool finds them; context "IncidentLabels".
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication


translate = QCoreApplication.translate  # lupdate finds translate("IncidentLabels", "literal")


def category_name(code: str) -> str:
    return {
        "street_lighting": translate("IncidentLabels", "Street lighting"),
        "roads": translate("IncidentLabels", "Roads and sidewalks"),
        "waste": translate("IncidentLabels", "Waste and cleaning"),
        "utilities": translate("IncidentLabels", "Heating, water and sewerage"),
        "public_transport": translate("IncidentLabels", "Public transport"),
        "excavation": translate("IncidentLabels", "Excavation works"),
        "traffic_lights": translate("IncidentLabels", "Traffic lights and intersections"),
        "public_order": translate("IncidentLabels", "Public order"),
        "landscaping": translate("IncidentLabels", "Landscaping"),
        "other": translate("IncidentLabels", "Other"),
    }.get(code, code)


def category_short(code: str) -> str:
    """For table cells: a word or two; the full name goes in the tooltip."""
    return {
        "street_lighting": translate("IncidentLabels", "Lighting", "short"),
        "roads": translate("IncidentLabels", "Roads", "short"),
        "waste": translate("IncidentLabels", "Waste", "short"),
        "utilities": translate("IncidentLabels", "Utilities", "short"),
        "public_transport": translate("IncidentLabels", "Transport", "short"),
        "excavation": translate("IncidentLabels", "Excavation", "short"),
        "traffic_lights": translate("IncidentLabels", "Traffic lights", "short"),
        "public_order": translate("IncidentLabels", "Public order", "short"),
        "landscaping": translate("IncidentLabels", "Landscaping", "short"),
        "other": translate("IncidentLabels", "Other", "short"),
    }.get(code, code)


def status_name(code: str) -> str:
    return {
        "new": translate("IncidentLabels", "New"),
        "acknowledged": translate("IncidentLabels", "Acknowledged"),
        "in_progress": translate("IncidentLabels", "In progress"),
        "resolved": translate("IncidentLabels", "Resolved"),
        "closed": translate("IncidentLabels", "Closed"),
        "rejected": translate("IncidentLabels", "Rejected"),
        "duplicate": translate("IncidentLabels", "Duplicate"),
    }.get(code, code)


def status_action(code: str) -> str:
    """The verb on a button that moves an incident to this status."""
    return {
        "acknowledged": translate("IncidentLabels", "Acknowledge"),
        "in_progress": translate("IncidentLabels", "Start work"),
        "resolved": translate("IncidentLabels", "Resolve"),
        "closed": translate("IncidentLabels", "Close"),
        "rejected": translate("IncidentLabels", "Reject"),
        "new": translate("IncidentLabels", "Reopen"),
    }.get(code, status_name(code))


def priority_name(code: str) -> str:
    return {
        "critical": translate("IncidentLabels", "Critical"),
        "high": translate("IncidentLabels", "High"),
        "medium": translate("IncidentLabels", "Medium"),
        "low": translate("IncidentLabels", "Low"),
    }.get(code, code)


def priority_short(code: str) -> str:
    """For narrow places (the filter bar's priority toggles)."""
    return {
        "critical": translate("IncidentLabels", "Critical", "short"),
        "high": translate("IncidentLabels", "High", "short"),
        "medium": translate("IncidentLabels", "Medium", "short"),
        "low": translate("IncidentLabels", "Low", "short"),
    }.get(code, code)


def source_name(code: str) -> str:
    return {
        "citizen": translate("IncidentLabels", "Citizen"),
        "operator": translate("IncidentLabels", "Operator"),
        "sensor_alarm": translate("IncidentLabels", "Sensor alarm"),
        "camera": translate("IncidentLabels", "Camera"),
        "transit": translate("IncidentLabels", "Transit"),
        "traffic": translate("IncidentLabels", "Traffic"),
    }.get(code, code)


def field_name(code: str) -> str:
    """Names of incident fields as they appear in the history."""
    return {
        "created": translate("IncidentLabels", "created"),
        "status": translate("IncidentLabels", "status"),
        "priority": translate("IncidentLabels", "priority"),
        "category": translate("IncidentLabels", "category"),
        "assignee": translate("IncidentLabels", "assignee"),
        "address": translate("IncidentLabels", "address"),
        "description": translate("IncidentLabels", "description"),
        "lat": translate("IncidentLabels", "latitude"),
        "lon": translate("IncidentLabels", "longitude"),
        "source": translate("IncidentLabels", "source"),
        "duplicate_of": translate("IncidentLabels", "duplicate of"),
        "comment": translate("IncidentLabels", "comment"),
        "attachment": translate("IncidentLabels", "attachment"),
    }.get(code, code)


# Every incident is in the one city: its name in front of each address is noise in a dense table.
CITY_PREFIXES = ("г. Курчатов, ", "Курчатов, ")


def short_address(address: str) -> str:
    for prefix in CITY_PREFIXES:
        if address.startswith(prefix):
            return address[len(prefix):]
    return address


def duration(seconds: float) -> str:
    """Compact h:mm style for countdowns: '2 d 03 h', '5 h 07 m', '12 m'."""
    s = int(abs(seconds))
    days, rem = divmod(s, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    if days:
        return translate("IncidentLabels", "{0} d {1} h").format(days, f"{hours:02d}")
    if hours:
        return translate("IncidentLabels", "{0} h {1} m").format(hours, f"{minutes:02d}")
    return translate("IncidentLabels", "{0} m").format(minutes)


# Legal forms that say nothing to a dispatcher: "МУП «Водоканал»" is "Водоканал" at a glance.
_LEGAL_FORM = re.compile(r"^(?:МУП|МКУ|МБУ|МАУ|МКП|МП|ГУП|ГБУ|ГКУ|ФГУП|МБДОУ|МДОУ|МБОУ|МКОУ|ОБУЗ|ОКУ|ОБУ|ООО|АО|ОАО|ПАО|ЗАО)\s+«([^»]+)»(.*)$")
# Whose it is, where the console's city makes it obvious: "… администрации", "… г. Курчатова", "… России".
_OWNER_TAIL = re.compile(r"\s+(?:администрации(?:\s+города)?|г\.\s*\S+|России)(?=\s*«|$)")
# The abbreviations everyone in a Russian city uses: "Средняя общеобразовательная школа № 9" is "СОШ № 9".
_ABBREVIATIONS = (("Средняя общеобразовательная школа", "СОШ"), ("Основная общеобразовательная школа", "ООШ"))
ORG_SHORT_MAX = 22  # characters; longer than this a name drops its quoted part


def org_short(name: str) -> str:
    """A service's or organisation's name for a table cell; the full one goes in its tooltip.

    "МУП «Горэлектросеть»" → "Горэлектросеть", "Управление ЖКХ администрации" → "Управление ЖКХ",
    "ОГИБДД МО МВД «Курчатовский»" → "ОГИБДД МО МВД", "ЕДДС г. Курчатова" → "ЕДДС".
    """
    name = " ".join(name.split())
    for long, abbr in _ABBREVIATIONS:
        name = name.replace(long, abbr)
    m = _LEGAL_FORM.match(name)
    if m:  # "ОБУЗ «Курчатовская ЦРБ», поликлиника" → "Курчатовская ЦРБ, поликлиника"
        return m.group(1) + m.group(2)
    short = _OWNER_TAIL.sub("", name)
    if len(short) > ORG_SHORT_MAX and "«" in short:
        short = short[:short.index("«")].rstrip()
    return short or name
