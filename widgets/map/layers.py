"""Qt-free model of the map's live layers: item state, incident items and the batch outbox.

An item is a JSON object with an "id" and either "lat"/"lon" (points) or a GeoJSON
"geometry" (shapes). Optional keys: "title" (tooltip), "color", "radius", "glyph",
"priority"/"overdue" (incidents), "weight"/"dash"/"fillOpacity" (shapes).
"""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from functools import partial

import numpy as np

from backend_client.schemas.incidents import OPEN_STATUSES, IncidentOut
from widgets.common.palette import PRIORITY_COLORS

INCIDENTS = "incidents"


def incident_item(inc: IncidentOut) -> dict | None:
    """The map item of an incident, or None when it has no place on the live map (closed)."""
    if inc.status not in OPEN_STATUSES:
        return None
    priority = inc.priority or "low"
    due = inc.sla_due_at if inc.sla_due_at.tzinfo else inc.sla_due_at.replace(tzinfo=timezone.utc)
    overdue = inc.overdue or due <= datetime.now(timezone.utc)
    title = " · ".join(str(x) for x in (inc.number or f"#{inc.id}", inc.address) if x)
    return {"id": int(inc.id), "lat": float(inc.lat), "lon": float(inc.lon), "priority": priority,
            "overdue": overdue, "color": PRIORITY_COLORS.get(priority, PRIORITY_COLORS["low"]),
            "title": title, "category": inc.category}


class LayerState:
    """What every layer holds now, for exports and for replaying into a reloaded page."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, dict]] = {}

    def set(self, layer: str, items: list[dict]) -> None:
        self.items[layer] = {str(it["id"]): it for it in items}

    def update(self, layer: str, items: list[dict]) -> tuple[list[dict], dict[str, dict]]:
        """Store items; return (changed items, {key: item} moved only) so moves can travel compactly."""
        store = self.items.setdefault(layer, {})
        changed: list[dict] = []
        moved: dict[str, dict] = {}
        for it in items:
            key = str(it["id"])
            old = store.get(key)
            if old is not None and "lat" in it and "lat" in old:
                # Give the stored item the new position and compare whole dicts (fast, in C).
                # Equal: at most the position changed, and the stored item moves in place: thousands
                # of fresh dicts a second would otherwise pile up in the old GC generation.
                same_place = old["lat"] == it["lat"] and old["lon"] == it["lon"]
                old["lat"], old["lon"] = it["lat"], it["lon"]
                if old == it:
                    if not same_place:
                        moved[key] = old
                    continue
            elif old is not None and old == it:
                continue  # nothing new
            store[key] = it
            changed.append(it)
        return changed, moved

    def remove(self, layer: str, ids: list) -> None:
        store = self.items.setdefault(layer, {})
        for i in ids:
            store.pop(str(i), None)

    def get(self, layer: str, item_id) -> dict | None:
        return self.items.get(layer, {}).get(str(item_id))

    def replay_ops(self) -> list[dict]:
        return [{"op": "set", "layer": layer, "items": list(store.values())} for layer, store in self.items.items()]


class Outbox:
    """Pending page operations, merged so that a burst becomes one message.

    Consecutive set/update operations on a layer merge by item id; a later remove drops
    pending items instead of sending them.
    """

    def __init__(self) -> None:
        self.ops: list[dict] = []
        self._move_ids: dict[str, list[str]] = {}  # per layer, the ids of the last move taken

    def __bool__(self) -> bool:
        return bool(self.ops)

    def _last_for(self, layer: str) -> dict | None:
        for op in reversed(self.ops):
            if op.get("layer") == layer:
                return op
            if op["op"] not in ("set", "update", "remove", "move"):
                return None  # never reorder around selection or view changes
        return None

    def items(self, kind: str, layer: str, items: list[dict]) -> None:
        last = self._last_for(layer)
        if kind == "set":
            self.ops = [op for op in self.ops if op.get("layer") != layer or op["op"] == "layer"]
            self.ops.append({"op": "set", "layer": layer, "items": {str(it["id"]): it for it in items}})
        elif last is not None and last["op"] in ("set", "update"):
            for it in items:
                last["items"][str(it["id"])] = it
        else:
            self.ops.append({"op": "update", "layer": layer, "items": {str(it["id"]): it for it in items}})

    def move(self, layer: str, moved: dict[str, dict]) -> None:
        """Items whose only change is their position: sent as ids plus a flat [lat, lon, ...] list."""
        last = self._last_for(layer)
        if last is not None and last["op"] in ("set", "update"):
            rest = {}
            for key, it in moved.items():
                if last["op"] == "set" or key in last["items"]:
                    last["items"][key] = it
                else:
                    rest[key] = it
            moved = rest
            if not moved:
                return
        elif last is not None and last["op"] == "move":
            last["pos"].update(moved)
            return
        self.ops.append({"op": "move", "layer": layer, "pos": moved})

    def remove(self, layer: str, ids: list) -> None:
        last = self._last_for(layer)
        keys = [str(i) for i in ids]
        if last is not None and last["op"] == "set":
            for k in keys:
                last["items"].pop(k, None)
            return
        if last is not None and last["op"] == "update":
            for k in keys:
                last["items"].pop(k, None)
        if last is not None and last["op"] == "move":
            for k in keys:
                last["pos"].pop(k, None)
        if last is not None and last["op"] == "remove":
            last["ids"].extend(keys)
        else:
            self.ops.append({"op": "remove", "layer": layer, "ids": keys})

    def add(self, op: dict) -> None:
        self.ops.append(op)

    def take(self) -> list[dict]:
        """The merged operations, ready for JSON; empties the outbox."""
        ops, self.ops = self.ops, []
        for op in ops:
            if isinstance(op.get("items"), dict):
                op["items"] = list(op["items"].values())
            elif op["op"] == "move":
                pos = op.pop("pos")
                ids = list(pos)
                if ids != self._move_ids.get(op["layer"]):
                    op["ids"] = self._move_ids[op["layer"]] = ids
                # else: the same objects in the same order as the last move (a fleet's feed): the
                # page reuses that list, a third of the message.
                op["e6"] = encode_positions(pos.values())
        return ops

    def forget_moves(self) -> None:
        """The page may not hold the last move's ids (it reloaded, or a message was lost)."""
        self._move_ids.clear()


def encode_positions(items) -> str:
    """[lat, lon, ...] of the items as little-endian int32 microdegrees, base64: the "e6" of a move.

    A microdegree is 0.1 m, enough for a bus. For 5,000 items this is 1.4 ms and 53 kB, where
    rounding and printing 10,000 floats as JSON took 12 ms and 99 kB (and the page parsed them).
    """
    items = list(items)
    flat = np.fromiter((v for it in items for v in (it["lat"], it["lon"])), np.float64, 2 * len(items))
    return base64.b64encode(np.rint(flat * 1e6).astype("<i4").tobytes()).decode("ascii")


def decode_positions(e6: str) -> list[float]:
    """The [lat, lon, ...] degrees of a move's "e6" (what the page does with it; for tests and tools)."""
    return (np.frombuffer(base64.b64decode(e6), "<i4") / 1e6).tolist()


SLICE = 500  # list elements per json.dumps call when a message is encoded
_dumps = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def encode_message(seq: int, ops: list[dict], slice_len: int = SLICE) -> str:
    """The page message {"seq": n, "ops": [...]} as JSON, long lists a slice at a time.

    One json.dumps call holds the GIL from start to end (24 ms for the 5,000-object
    snapshot), and the GUI thread can run no Python meanwhile; between slices of about a
    millisecond the interpreter can hand the GIL over.
    """
    return f'{{"seq":{int(seq)},"ops":[' + ",".join(_encode_op(op, slice_len) for op in ops) + "]}"


def _encode_op(op: dict, slice_len: int) -> str:
    long = [key for key, value in op.items() if isinstance(value, list) and len(value) > slice_len]
    if not long:
        return _dumps(op)
    parts = [f"{_dumps(key)}:{_dumps(value)}" for key, value in op.items() if key not in long]
    for key in long:
        value = op[key]
        body = ",".join(_dumps(value[i:i + slice_len])[1:-1] for i in range(0, len(value), slice_len))
        parts.append(f"{_dumps(key)}:[{body}]")
    return "{" + ",".join(parts) + "}"
