"""MQTT telemetry subscriber: city/telemetry/{device_id} → batched writes.

paho's network thread only queues messages; one writer thread drains the queue into
batches (up to `batch_size` messages or `batch_wait_s`) and hands them to the
`TelemetryWriter`, so a slow database applies back-pressure to the queue, not to paho.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from sqlalchemy.exc import InterfaceError, OperationalError

from backend.telemetry.ingest import TelemetryWriter, writer_for

log = logging.getLogger(__name__)
TOPIC_ROOT = "city/telemetry"
WRITE_ATTEMPTS = 6  # about 15 s of backing off before a batch is halved to find what fails
DB_UNAVAILABLE = (OperationalError, InterfaceError)


def parse_mqtt_url(url: str) -> tuple[str, int, str | None, str | None, bool]:
    u = urlparse(url)
    if u.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ValueError(f"unsupported MQTT URL {url!r}; use mqtt://host:port")
    tls = u.scheme in ("mqtts", "ssl")
    return u.hostname or "127.0.0.1", u.port or (8883 if tls else 1883), u.username, u.password, tls


def make_client(url: str, client_id: str) -> mqtt.Client:
    host, port, user, password, tls = parse_mqtt_url(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    if user:
        client.username_pw_set(user, password)
    if tls:
        client.tls_set()
    client.reconnect_delay_set(1, 30)
    client._sc_addr = (host, port)  # where connect() goes
    return client


class MqttIngest:
    """Subscribes to `{topic_root}/+` and writes what arrives; start()/stop()."""

    def __init__(self, url: str, writer: TelemetryWriter, *, topic_root: str = TOPIC_ROOT,
                 share_group: str | None = None, batch_size: int = 2000, batch_wait_s: float = 0.2,
                 max_queue: int = 200_000) -> None:
        self.url = url
        self.writer = writer
        self.topic_root = topic_root.rstrip("/")
        topic = f"{self.topic_root}/+"
        self.topic = f"$share/{share_group}/{topic}" if share_group else topic
        self.batch_size = batch_size
        self.batch_wait_s = batch_wait_s
        self.queue: queue.Queue = queue.Queue(maxsize=max_queue)
        self.connected = threading.Event()
        self.dropped = 0
        self._stop = threading.Event()
        self._client = make_client(url, f"sc-ingest-{uuid.uuid4().hex[:8]}")
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._client.on_disconnect = lambda *a: self.connected.clear()
        self._thread: threading.Thread | None = None

    # paho's thread ------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties=None) -> None:
        if reason_code.is_failure:
            log.warning("MQTT connect refused: %s", reason_code)
            return
        client.subscribe(self.topic, qos=1)
        self.connected.set()
        log.info("MQTT ingest subscribed to %s on %s", self.topic, self.url)

    def _on_message(self, client, userdata, msg) -> None:
        uid = msg.topic[len(self.topic_root) + 1:]
        try:
            self.queue.put_nowait((uid, msg.payload))
        except queue.Full:  # the database is far behind; count the loss rather than block paho
            self.dropped += 1

    # writer thread -------------------------------------------------------------
    def _drain(self) -> None:
        while not self._stop.is_set() or not self.queue.empty():
            try:
                first = self.queue.get(timeout=self.batch_wait_s)
            except queue.Empty:
                self._flush_events()
                continue
            batch = [first]
            deadline = time.monotonic() + self.batch_wait_s
            while len(batch) < self.batch_size:
                try:
                    batch.append(self.queue.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    break
            self._write(batch)

    def _write(self, batch: list) -> None:
        """Store a batch; a message the database refuses costs only itself, found by halving."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                self.writer.ingest(batch)
                return
            except DB_UNAVAILABLE:  # the database is away or busy: wait with the messages in hand
                log.warning("telemetry write failed (database unavailable), attempt %d", attempt + 1)
                self.writer.stats["write_retries"] += 1
                if self._stop.wait(min(0.5 * 2 ** attempt, 5.0)):
                    break
            except Exception:
                break
        if len(batch) == 1:
            log.exception("a telemetry message from %r could not be stored", batch[0][0][:64])
            self.writer.count_lost(batch, "write_failed")
            return
        mid = len(batch) // 2
        self._write(batch[:mid])
        self._write(batch[mid:])

    def _flush_events(self) -> None:
        try:
            self.writer.flush_events()
        except Exception:
            log.exception("publishing telemetry events failed")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._drain, name="sc-mqtt-writer", daemon=True)
        self._thread.start()
        host, port = self._client._sc_addr
        self._client.connect_async(host, port, keepalive=30)
        self._client.loop_start()

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
        self._flush_events()


def mqtt_service(app) -> MqttIngest | None:
    """The lifespan factory: None unless SC_MQTT_URL is set and ingestion is on."""
    settings = app.state.settings
    if not settings.mqtt_url or not settings.run_ingest:
        return None
    return MqttIngest(settings.mqtt_url, writer_for(app))
