"""The whole Kurchatov demo in one call: people and incidents, cameras, energy meters."""

from __future__ import annotations

import json
import logging
import threading
import time

import requests
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


def seed_city(maker: sessionmaker[Session]) -> dict[str, str]:
    """Idempotent; returns {username: password} of the demo users created now."""
    from backend.simulator.energy import seed_energy
    from backend.simulator.seed import seed_demo
    from backend.simulator.streams import seed_demo_cameras

    created = seed_demo(maker)
    with maker() as s:
        added = seed_demo_cameras(s)
        _seed_wall_layout(s)
        s.commit()
    if added:
        log.info("demo: %d cameras registered", added)
    t0 = time.monotonic()
    stats = seed_energy(maker)
    log.info("demo: energy meters ready in %.1f s (%s)", time.monotonic() - t0, stats)
    return created


def _seed_wall_layout(session: Session) -> None:
    """A shared 3×3 layout of the city's cameras, so the demo wall shows video at once."""
    from sqlalchemy import select

    from backend.auth.models import User
    from backend.cameras import service
    from backend.cameras.models import Camera, WallLayout
    from backend_client.schemas.cameras import WallLayoutCreate

    if session.scalar(select(WallLayout.id).where(WallLayout.name == DEMO_LAYOUT)) is not None:
        return
    admin = session.scalar(select(User).where(User.username == "admin"))
    ids = list(session.scalars(select(Camera.id).order_by(Camera.id).limit(9)))
    if admin is not None and ids:
        service.create_layout(session, user=admin, data=WallLayoutCreate(name=DEMO_LAYOUT, grid="3x3", tiles=ids,
                                                                        shared=True))


DEMO_LAYOUT = "Город — 3×3"


class HttpEnergyFeed:
    """The meters' live readings over POST /api/v1/telemetry, where no MQTT broker runs."""

    def __init__(self, server: str, username: str, password: str, *, interval_s: float = 900) -> None:
        from backend.simulator.energy import EnergySimulator

        self.server = server.rstrip("/")
        self.credentials = (username, password)
        self._source = EnergySimulator("", interval_s=interval_s)  # used only for its payloads
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
