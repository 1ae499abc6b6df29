"""Citizens' complaints at a steady rate, posted through the real HTTP API like any client would."""

from __future__ import annotations

import logging
import random
import threading
import uuid

import requests

from resources.city import kurchatov

log = logging.getLogger(__name__)


class ComplaintSimulator:
    """A thread that logs in and posts one citizen complaint every `interval` seconds (± jitter)."""

    def __init__(self, server: str, username: str, password: str, *, interval: float = 20.0,
                 jitter: float = 0.3, seed: int | None = None, timeout: float = 10.0) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.server = server.rstrip("/")
        self.username, self._password = username, password
        self.interval, self.jitter, self.timeout = interval, jitter, timeout
        self.posted = 0
        self.failed = 0
        self.last_error: str | None = None
        self._rng = random.Random(seed)
        self._http = requests.Session()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ control

    def start(self) -> "ComplaintSimulator":
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="complaint-simulator", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._http.close()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ------------------------------------------------------------ work

    def _login(self) -> None:
        r = self._http.post(f"{self.server}/api/v1/auth/token", timeout=self.timeout,
                            data={"username": self.username, "password": self._password})
        r.raise_for_status()
        self._http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def post_one(self) -> dict:
        """Post one complaint now (logging in first if needed); returns the created incident."""
        body = kurchatov.complaint(self._rng)
        body.update(source="citizen", client_uuid=str(uuid.uuid4()))
        # The same key on a retry: a timeout after the server saved it must not make a second incident.
        headers = {"Idempotency-Key": f"sim-{body['client_uuid']}"}
        if "Authorization" not in self._http.headers:
            self._login()
        for attempt in range(3):
            try:
                r = self._http.post(f"{self.server}/api/v1/incidents", json=body, headers=headers,
                                    timeout=self.timeout)
            except requests.ConnectionError:
                if attempt == 2:
                    raise
                self._stop.wait(1.0 * (attempt + 1))
                continue
            if r.status_code == 401:  # token expired: log in again and retry
                self._login()
                continue
            r.raise_for_status()
            return r.json()
        raise RuntimeError("could not post a complaint after three attempts")

    def _next_wait(self) -> float:
        return self.interval * (1 + self._rng.uniform(-self.jitter, self.jitter))

    def _run(self) -> None:
        while not self._stop.wait(self._next_wait()):
            try:
                incident = self.post_one()
                self.posted += 1
                self.last_error = None
                log.info("complaint %s: %s, %s", incident["number"], incident["category"], incident["address"])
            except Exception as exc:  # keep simulating through a server restart
                self.failed += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("posting a complaint failed: %s", self.last_error)
