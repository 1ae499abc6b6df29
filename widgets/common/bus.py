"""Signals that let panels talk without knowing each other."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

# map_focus_requested's layer for a bare place: the id is (lat, lon), e.g. a house chosen by address.
MAP_POINT = "point"


class Bus(QObject):
    incident_selected = Signal(int)                  # select in the queue, centre on the map
    incident_open_requested = Signal(int)            # open the incident card
    create_incident_at = Signal(float, float, str)   # lat, lon, nearest address
    area_filter_changed = Signal(object)             # list of [lat, lon] or None
    camera_open_requested = Signal(int)              # show this camera on the wall
    archive_requested = Signal(int, str)             # camera id, ISO time
    map_items_changed = Signal(str, object)          # layer name, list of items (for the map)
    map_focus_requested = Signal(str, object)        # layer name, item id: centre the map on it
    map_item_clicked = Signal(str, str)              # layer name, item id: the feature that owns the layer opens it
    status_message = Signal(str)
