"""Texts the server writes, sent as a code with values, translated here for every panel.

The server keeps an English text beside each code (`message`); a code this client does not
know, or values that do not fit its template, show that English text as it came.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

from widgets.common.dateaxis import CITY_UTC_OFFSET_S

CONTEXT = "ServerTexts"
CITY_TZ = timezone(timedelta(seconds=CITY_UTC_OFFSET_S))  # times read in the city's clock, as on the panels

# Alarm and rule texts by code (backend/energy/rules.py writes "energy.<alarm type>").
TEMPLATES = {
    "energy.silent_meter": QT_TRANSLATE_NOOP("ServerTexts", "No readings for {minutes} min"),
    "energy.over_baseline": QT_TRANSLATE_NOOP("ServerTexts", "{ratio}× the expected use for {hours} h"),
    "energy.night_use": QT_TRANSLATE_NOOP("ServerTexts", "{amount} {unit} in the last closed hour"),
    "energy.night_lights": QT_TRANSLATE_NOOP("ServerTexts", "Lights left on in the closed building"),
    "energy.water_leak": QT_TRANSLATE_NOOP("ServerTexts", "Water flowed without a pause for {hours} h"),
    # Signal controller faults (backend/signals/faults.py writes "signals.<fault kind>").
    "signals.flash": QT_TRANSLATE_NOOP("ServerTexts", "The controller reports flashing operation"),
    "signals.comm_lost": QT_TRANSLATE_NOOP("ServerTexts", "No events since {since}"),
    "signals.detector_stuck_on": QT_TRANSLATE_NOOP(
        "ServerTexts", "Detector {channel} has been on for {minutes} min while the others kept counting"),
    "signals.detector_stuck_off": QT_TRANSLATE_NOOP(
        "ServerTexts", "Detector {channel} counted nothing in 15 min; by its usual share it should have counted "
                       "about {expected}"),
    "signals.max_outs": QT_TRANSLATE_NOOP("ServerTexts", "Phase {phase} maxed out in {percent}% of cycles for {minutes} min"),
    "signals.split_failures": QT_TRANSLATE_NOOP(
        "ServerTexts", "Phase {phase} failed to clear its queue in {percent}% of cycles for {minutes} min"),
}
# Optional tails: added when their values are present.
TAILS = {
    "energy.water_leak": ("lowest", QT_TRANSLATE_NOOP("ServerTexts", " (lowest {lowest} {unit})")),
}

# Errors by "code:what" (what the server could not find) or by a code alone.
ERRORS = {
    "not_found:transit schedule": QT_TRANSLATE_NOOP(
        "ServerTexts", "No GTFS feed has been imported yet; import one with: sc-server transit-import FEED.zip"),
    "not_found": QT_TRANSLATE_NOOP("ServerTexts", "{what} {id} does not exist"),
    "rate_limited": QT_TRANSLATE_NOOP("ServerTexts", "Too many requests; try again in {retry_after} s"),
}
# What NotFound names (backend/errors.py), by its lower-case English word; others stay English.
THINGS = {
    "incident": QT_TRANSLATE_NOOP("ServerTexts", "Incident"),
    "alarm": QT_TRANSLATE_NOOP("ServerTexts", "Alarm"),
    "camera": QT_TRANSLATE_NOOP("ServerTexts", "Camera"),
    "site": QT_TRANSLATE_NOOP("ServerTexts", "Building"),
    "device": QT_TRANSLATE_NOOP("ServerTexts", "Meter"),
    "stop": QT_TRANSLATE_NOOP("ServerTexts", "Stop"),
    "route": QT_TRANSLATE_NOOP("ServerTexts", "Route"),
    "alert": QT_TRANSLATE_NOOP("ServerTexts", "Service alert"),
    "permit": QT_TRANSLATE_NOOP("ServerTexts", "Permit"),
    "signal controller": QT_TRANSLATE_NOOP("ServerTexts", "Signal controller"),
    "timing plan": QT_TRANSLATE_NOOP("ServerTexts", "Timing plan"),
    "section": QT_TRANSLATE_NOOP("ServerTexts", "Street section"),
    "bookmark": QT_TRANSLATE_NOOP("ServerTexts", "Bookmark"),
    "export": QT_TRANSLATE_NOOP("ServerTexts", "Export"),
}

UNITS = {
    "kWh": QT_TRANSLATE_NOOP("ServerTexts", "kWh"),
    "Gcal": QT_TRANSLATE_NOOP("ServerTexts", "Gcal"),
    "m³": QT_TRANSLATE_NOOP("ServerTexts", "m³"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def _value(name: str, value: Any) -> str:
    if name == "unit" and isinstance(value, str):
        return _tr(UNITS[value]) if value in UNITS else value
    if name == "what" and isinstance(value, str):
        return _tr(THINGS[value.lower()])  # KeyError: a thing this client cannot name
    if name == "since" and isinstance(value, str):
        return _local_time(value)
    if isinstance(value, float):
        # The server rounds; keep its decimals, in the language's own decimal sign.
        decimals = len(repr(value).partition(".")[2]) if value != int(value) else 0
        return QLocale().toString(value, "f", min(decimals, 3))
    return str(value)


class _Values(dict):
    """Formats a value only when the template names it (an unused odd value does no harm)."""

    def __getitem__(self, name: str) -> str:
        return _value(name, super().__getitem__(name))


def _local_time(iso: str) -> str:
    """A server timestamp (ISO 8601, UTC) in the city's time, the way the panels show times."""
    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return at.astimezone(CITY_TZ).strftime("%d.%m %H:%M:%S")


def _fill(template: str, params: Mapping[str, Any]) -> str:
    return _tr(template).format_map(_Values(params))


def server_text(code: str | None, params: Mapping[str, Any] | None, english: str) -> str:
    """The text of `code` with `params` in the current language; `english` when the code is unknown."""
    template = TEMPLATES.get(code or "")
    if template is None:
        return english
    params = params or {}
    try:
        text = _fill(template, params)
        tail = TAILS.get(code or "")
        if tail is not None and tail[0] in params:
            text += _fill(tail[1], params)
    except (KeyError, IndexError, ValueError):  # values from a newer server than this template
        return english
    return text


def error_text(code: str | None, details: Mapping[str, Any] | None, english: str) -> str:
    """An API error (`{"error": {code, message, details}}`) in the current language."""
    details = details or {}
    template = ERRORS.get(f"{code}:{details.get('what')}") or ERRORS.get(code or "")
    if template is None:
        return english
    try:
        return _fill(template, details)
    except (KeyError, IndexError, ValueError):
        return english
