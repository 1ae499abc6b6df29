"""Reading a tile's figures out of a stats endpoint's JSON (Qt-free, so it is easy to test)."""

from __future__ import annotations

import string
from typing import Any

from widgets.common.feature import TileDef


def pick(data: Any, path: str) -> Any:
    """The value at a dotted path ("sla_today.compliance", "resources.0.used"); None when absent."""
    for part in path.split(".") if path else []:
        if isinstance(data, list):
            try:
                data = data[int(part)]
            except (ValueError, IndexError):
                return None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


class _Lenient(string.Formatter):
    """Formats "{resources[0][used]:.0f}"; a missing or empty field prints as a dash."""

    def get_field(self, field_name, args, kwargs):
        try:
            return super().get_field(field_name, args, kwargs)
        except (KeyError, IndexError, TypeError, AttributeError):
            return None, field_name

    def format_field(self, value, format_spec):
        if value is None:
            return "—"
        try:
            return format(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


_FMT = _Lenient()


def fill(template: str, data: Any) -> str:
    if not template:
        return ""
    return _FMT.vformat(template, (), data if isinstance(data, dict) else {})


def number(tile: TileDef, data: Any) -> float | None:
    """The tile's main number (a list's length for lists and bars' total for bars), scaled."""
    v = pick(data, tile.value)
    if tile.kind == "list":
        return float(len(v)) if isinstance(v, list) else None
    if tile.kind == "bars":
        return float(sum(g.get("count", 0) for g in v)) if isinstance(v, list) else None
    if tile.kind == "sparkline":
        return float(v[-1]) if isinstance(v, list) and v else None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v) * tile.scale


def in_alarm(tile: TileDef, value: float | None) -> bool:
    if value is None:
        return False
    return ((tile.alarm_above is not None and value > tile.alarm_above)
            or (tile.alarm_below is not None and value < tile.alarm_below))


def text(tile: TileDef, value: float | None) -> str:
    if value is None:
        return "—"
    s = f"{value:,.{tile.decimals}f}".replace(",", " ")
    return s
