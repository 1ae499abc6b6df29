"""Cleaning machines' GPS over MQTT `city/fleet/{vehicle_id}` → fixes, and live positions to the desktops.

paho's thread only queues; one writer thread stores batches and, at most every 2 s, publishes one
`cleaning.vehicles` event with the machines that moved (positions are coalesced, not one event per fix).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid

from sqlalchemy.orm import Session, sessionmaker

from backend.cleaning import service
from backend.events.service import publish
from backend.ingest.mqtt import make_client

log = logging.getLogger(__name__)
TOPIC_ROOT = "city/fleet"
EVENT_PERIOD_S = 2.0


class FleetIngest:
    def __init__(self, url: str, maker: sessionmaker[Session], *, topic_root: str = TOPIC_ROOT,
                 batch_size: int = 2000, batch_wait_s: float = 0.5) -> None:
        self.maker = maker
        self.topic_root = topic_root.rstrip("/")
        self.batch_size, self.batch_wait_s = batch_size, batch_wait_s
        self.queue: queue.Queue = queue.Queue(maxsize=200_000)
        self.connected = threading.Event()
        self.stats = {"fixes": 0, "rejected": 0, "dropped": 0, "failed_batches": 0}
        self._moved: dict[str, dict] = {}
        self._last_event = 0.0
        self._stop = threading.Event()
        self._client = make_client(url, f"sc-fleet-{uuid.uuid4().hex[:8]}")
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._client.on_disconnect = lambda *a: self.connected.clear()
        self._thread = threading.Thread(target=self._drain, name="sc-fleet-writer", daemon=True)

    def _on_connect(self, client, userdata, flags, reason_code, properties=None) -> None:
        if reason_code.is_failure:
            log.warning("MQTT connect refused: %s", reason_code)
            return
        client.subscribe(f"{self.topic_root}/+", qos=0)
        self.connected.set()

    def _on_message(self, client, userdata, msg) -> None:
        try:
            self.queue.put_nowait((msg.topic[len(self.topic_root) + 1:], msg.payload))
        except queue.Full:
            self.stats["dropped"] += 1

    def _drain(self) -> None:
        while not self._stop.is_set() or not self.queue.empty():
            batch = []
            try:
                batch.append(self.queue.get(timeout=self.batch_wait_s))
                deadline = time.monotonic() + self.batch_wait_s
                while len(batch) < self.batch_size:
                    batch.append(self.queue.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                pass
            if batch:
                self.write(batch)
            self._publish_moves()

    def write(self, batch: list[tuple[str, bytes]]) -> int:
        fixes = [f for f in (service.parse_fix(v, p) for v, p in batch) if f is not None]
        self.stats["rejected"] += len(batch) - len(fixes)
        try:
            with self.maker() as session:
                service.ingest_fixes(session, fixes)
                session.commit()
        except Exception:  # a database hiccup must not end ingestion; this batch is lost
            log.exception("writing %d fleet fixes failed", len(fixes))
            self.stats["failed_batches"] += 1
            return 0
        self.stats["fixes"] += len(fixes)
        for f in fixes:
            self._moved[f["vehicle_id"]] = {k: f[k] for k in ("ts", "lat", "lon", "speed", "work")}
        return len(fixes)

    def _publish_moves(self, force: bool = False) -> None:
        if not self._moved or (not force and time.monotonic() - self._last_event < EVENT_PERIOD_S):
            return
        moved, self._moved = self._moved, {}
        self._last_event = time.monotonic()
        try:
            with self.maker() as session:
                publish(session, "cleaning.vehicles", {"vehicles": [{"id": k, **v} for k, v in sorted(moved.items())]})
                session.commit()
        except Exception:
            log.exception("publishing machine positions failed")

    def start(self) -> None:
        self._thread.start()
        host, port = self._client._sc_addr
        self._client.connect_async(host, port, keepalive=30)
        self._client.loop_start()

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()
        self._stop.set()
        self._thread.join(30)
        self._publish_moves(force=True)


def fleet_service(app) -> FleetIngest | None:
    settings = app.state.settings
    if not settings.mqtt_url or not settings.run_ingest or not settings.cleaning_duty:
        return None
    return FleetIngest(settings.mqtt_url, app.state.sessionmaker)
