"""The city's buses live: on-board units publishing over MQTT in real time, and the 8 boards' browsers polling.

    BusSimulator(server_url, mqtt_url).start() ... .stop()

Reaches the product only as a carrier and its boards would: MQTT city/transit/vehicles/{id} with the
on-board unit's JSON, and HTTP GETs of /boards/{stop_id}/data. Faster than real time (benches):
CityBuses.run_day + CityBuses.reports give a whole day's reports at once.
"""

from __future__ import annotations

import csv
import json
import logging
import threading
import time
import uuid
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
import requests

from citysim.transit.feed import DEMO_BOARDS, DEMO_FEED, CarrierFeed
from citysim.transit.model import CITY_TZ, CityBuses, Variation

log = logging.getLogger(__name__)
TOPIC = "city/transit/vehicles/{}"


def _mqtt(url: str, username: str | None, password: str | None) -> mqtt.Client:
    u = urlparse(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"citysim-buses-{uuid.uuid4().hex[:6]}")
    if username or u.username:
        client.username_pw_set(username or u.username, password or u.password)
    if u.scheme in ("mqtts", "ssl"):
        client.tls_set()
    client.connect_async(u.hostname or "127.0.0.1", u.port or 1883, keepalive=30)
    client.loop_start()
    return client


class BusSimulator:
    """~20 buses over the demo feed (plus the boards' browsers); threads, start()/stop()."""

    def __init__(self, server_url: str, mqtt_url: str, *, mqtt_username: str | None = None,
                 mqtt_password: str | None = None, feed: Path = DEMO_FEED, boards: Path | None = DEMO_BOARDS,
                 variation: Variation | None = None, flaky_board: str | None = "KUR025",
                 board_every_s: float = 15.0, seed: int = 7) -> None:
        self.server_url = server_url.rstrip("/")
        self.mqtt_url, self.mqtt_username, self.mqtt_password = mqtt_url, mqtt_username, mqtt_password
        self.city = CityBuses(CarrierFeed.read(feed), variation, seed=seed)
        self.boards = [r["stop_id"] for r in csv.DictReader(open(boards, encoding="utf-8"))] if boards else []
        self.flaky_board, self.board_every_s = flaky_board, board_every_s
        self.published = 0
        self.board_fetches = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._client: mqtt.Client | None = None

    def _day_reports(self, day: date) -> list:
        return self.city.reports(self.city.run_day(day), seed=day.toordinal())

    def _buses(self) -> None:
        day = datetime.now(CITY_TZ).date()
        reports = self._day_reports(day)
        i = 0
        now_ms = time.time() * 1000
        while i < len(reports) and reports[i][0] < now_ms - 60_000:  # join the day where it is
            i += 1
        while not self._stop.is_set():
            now = datetime.now(CITY_TZ)
            if now.date() != day:
                day, reports, i = now.date(), self._day_reports(now.date()), 0
            now_ms = time.time() * 1000
            while i < len(reports) and reports[i][0] <= now_ms:
                ts, vid, payload = reports[i]
                self._client.publish(TOPIC.format(vid), json.dumps(payload), qos=0)
                self.published += 1
                i += 1
            self._stop.wait(0.5)

    def _board_browsers(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            minute = datetime.now(CITY_TZ).minute
            for stop in self.boards:
                if stop == self.flaky_board and 20 <= minute < 24:
                    continue  # this board's browser hangs for four minutes an hour: the watch notices
                try:
                    session.get(f"{self.server_url}/boards/{stop}/data", timeout=5)
                    self.board_fetches += 1
                except requests.RequestException:
                    pass  # the server is away; the board keeps its last data and tries again
            self._stop.wait(self.board_every_s)

    def start(self) -> None:
        self._client = _mqtt(self.mqtt_url, self.mqtt_username, self.mqtt_password)
        for target, name in ((self._buses, "citysim-buses"), (self._board_browsers, "citysim-boards")):
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(5)
        if self._client is not None:
            self._client.loop_stop()
            self._client.disconnect()


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="Kurchatov's buses and stop boards (simulated city)")
    ap.add_argument("--server", default="http://127.0.0.1:8765")
    ap.add_argument("--mqtt", default="mqtt://127.0.0.1:1883")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO)
    sim = BusSimulator(args.server, args.mqtt)
    sim.start()
    try:
        while True:
            time.sleep(10)
            log.info("published %d positions, %d board fetches", sim.published, sim.board_fetches)
    except KeyboardInterrupt:
        sim.stop()


if __name__ == "__main__":
    main()

