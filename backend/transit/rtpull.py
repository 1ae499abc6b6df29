"""GTFS-rt in: pull carriers' VehiclePositions feeds (SC_TRANSIT_FEEDS) into the same path as MQTT reports.

TripUpdates entities (in the same feed or another URL) are read for which trip each vehicle runs:
a position without a trip takes the trip its carrier assigned; the predictions published are ours.
"""

from __future__ import annotations

import logging
import threading

import requests
from google.protobuf.message import DecodeError
from google.transit import gtfs_realtime_pb2 as rt

from backend.transit.ingest import PositionWriter, writer_for

log = logging.getLogger(__name__)


def reports_from_feed(data: bytes, assigned: dict[str, str] | None = None) -> list[tuple[str, dict]]:
    """(vehicle_id, report) of every VehiclePosition with a position; raises DecodeError on garbage.
    `assigned` (vehicle -> trip) is updated from TripUpdates and fills in positions without a trip."""
    msg = rt.FeedMessage()
    msg.ParseFromString(data)
    assigned = assigned if assigned is not None else {}
    for e in msg.entity:
        if e.HasField("trip_update") and e.trip_update.trip.trip_id and e.trip_update.vehicle.id:
            assigned[e.trip_update.vehicle.id] = e.trip_update.trip.trip_id
    out = []
    for e in msg.entity:
        if not e.HasField("vehicle") or not e.vehicle.HasField("position"):
            continue
        vp = e.vehicle
        vid = vp.vehicle.id or vp.vehicle.label or e.id
        ts = (vp.timestamp or msg.header.timestamp) * 1000
        report = {"ts": ts, "lat": vp.position.latitude, "lon": vp.position.longitude}
        if vp.position.HasField("speed"):
            report["speed"] = vp.position.speed
        if vp.position.HasField("bearing"):
            report["bearing"] = vp.position.bearing
        if vp.trip.route_id:
            report["route_id"] = vp.trip.route_id
        if vp.trip.trip_id or vid in assigned:
            report["trip_id"] = vp.trip.trip_id or assigned[vid]
        out.append((vid, report))
    return out


class FeedPuller:
    def __init__(self, urls: list[str], writer: PositionWriter, *, every_s: float = 15.0) -> None:
        self.urls, self.writer, self.every_s = urls, writer, every_s
        self.errors: dict[str, str] = {}
        self.assigned: dict[str, str] = {}  # vehicle -> trip, from the carriers' TripUpdates
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def pull_once(self) -> int:
        n = 0
        for url in self.urls:
            try:
                r = requests.get(url, timeout=10)
                r.raise_for_status()
                batch = reports_from_feed(r.content, self.assigned)
            except (requests.RequestException, DecodeError) as exc:
                self.errors[url] = str(exc)
                self.writer.dropped["feed_unreadable"] += 1
                log.warning("GTFS-rt pull of %s failed: %s", url, exc)
                continue
            self.errors.pop(url, None)
            if batch:
                n += self.writer.ingest(batch)
        self.writer.flush_events(min_interval_s=0)
        return n

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.pull_once()
            except Exception:
                log.exception("GTFS-rt pull failed")
            self._stop.wait(self.every_s)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sc-transit-rt-pull", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(15)


def pull_service(app):
    settings = app.state.settings
    urls = [u.strip() for u in settings.transit_feeds.split(",") if u.strip()]
    if not urls or not settings.run_ingest:
        return None
    return FeedPuller(urls, writer_for(app), every_s=settings.transit_pull_seconds)
