"""The municipal buildings' meters: each completed quarter hour's readings, live.

Over MQTT to city/telemetry/{uid} (`MeterFeed`), or where no broker runs over
POST /api/v1/telemetry (`HttpMeterFeed`); the ThingsBoard payload {"ts": ms, "values": {...}}
either way. The buildings and their consumption model are the demo city's data
(resources/city/meters.py); the backend's demo seeding holds their past.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time

import numpy as np
import requests

from citysim.mqtt import mqtt_client
from resources.city.meters import KEYS, buildings, consumption, faults

log = logging.getLogger(__name__)


class MeterFeed:
    """Publishes every meter's reading for each completed quarter hour over MQTT; start()/stop()."""

    def __init__(self, mqtt_url: str, *, interval_s: float = 900, topic_root: str = "city/telemetry") -> None:
        self.mqtt_url = mqtt_url
        self.interval_ms = int(interval_s * 1000)
        self.topic_root = topic_root
        self.buildings = buildings()
        self.published = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client = None

    def payloads(self, slot_start: int) -> list[tuple[str, str]]:
        """(topic, payload) of every meter for the quarter starting at slot_start."""
        fl = faults(slot_start)
        t = np.array([slot_start], dtype=np.int64)
        out = []
        for b in self.buildings:
            for resource, (key, _) in KEYS.items():
                v = consumption(b, resource, t, fl)[0]
                if not np.isnan(v):
                    out.append((f"{self.topic_root}/{b.meter_uid(resource)}",
                                json.dumps({"ts": int(slot_start), "values": {key: float(v)}})))
        return out

    def publish_slot(self, slot_start: int) -> int:
        n = 0
        for topic, payload in self.payloads(slot_start):
            self._client.publish(topic, payload, qos=1)
            n += 1
        self.published += n
        return n

    def start(self) -> None:
        self._client, addr = mqtt_client(self.mqtt_url, f"sc-energy-sim-{random.randrange(1 << 30):x}")
        self._client.connect_async(*addr)
        self._client.loop_start()
        self._thread = threading.Thread(target=self._run, name="sc-energy-sim", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        step = self.interval_ms
        last_done = None
        while not self._stop.is_set():
            now = int(time.time() * 1000)
            slot = now - now % step - step  # the last completed interval
            if slot != last_done and self._client.is_connected():
                try:
                    self.publish_slot(slot)
                    last_done = slot
                except Exception:
                    log.exception("publishing simulated meter readings failed")
            self._stop.wait(1.0 if last_done != slot else min(30.0, (slot + 2 * step - now) / 1000 + 0.5))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        if self._client is not None:
            self._client.disconnect()
            self._client.loop_stop()


class HttpMeterFeed:
    """The meters' live readings over POST /api/v1/telemetry, where no MQTT broker runs."""

    def __init__(self, server: str, username: str, password: str, *, interval_s: float = 900) -> None:
        self.server = server.rstrip("/")
        self.credentials = (username, password)
        self._source = MeterFeed("", interval_s=interval_s)  # used only for its payloads
        self.interval_ms = int(interval_s * 1000)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sc-energy-http", daemon=True)
        self._http = requests.Session()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _login(self) -> None:
        r = self._http.post(f"{self.server}/api/v1/auth/token",
                            data={"username": self.credentials[0], "password": self.credentials[1]}, timeout=10)
        r.raise_for_status()
        self._http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def _run(self) -> None:
        last = None
        while not self._stop.is_set():
            now = int(time.time() * 1000)
            slot = now - now % self.interval_ms - self.interval_ms
            if slot != last:
                try:
                    if "Authorization" not in self._http.headers:
                        self._login()
                    for topic, payload in self._source.payloads(slot):
                        device = topic.rsplit("/", 1)[1]
                        r = self._http.post(f"{self.server}/api/v1/telemetry", timeout=10,
                                            json={"device": device, "payload": json.loads(payload)})
                        if r.status_code == 401:
                            self._http.headers.pop("Authorization", None)
                        r.raise_for_status()
                    last = slot
                except requests.RequestException as exc:
                    log.warning("posting simulated meter readings failed: %s", exc)
            self._stop.wait(10.0)
