"""Controllers over MQTT: events in on city/signals/{id}/events, commands out on city/signals/{id}/commands.

paho's thread only queues messages; a writer thread drains them in batches into the
`SignalWriter`. Commands are published retained, so a controller that reconnects gets its
current schedule (or flash order) at once.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid

from backend.ingest.mqtt import make_client
from backend.signals.ingest import SignalWriter, writer_for

log = logging.getLogger(__name__)
TOPIC_ROOT = "city/signals"


class SignalsMqtt:
    """Subscribes to city/signals/+/events and publishes commands; start()/stop()."""

    def __init__(self, url: str, writer: SignalWriter, *, batch_size: int = 500, batch_wait_s: float = 0.05,
                 max_queue: int = 100_000) -> None:
        self.url = url
        self.writer = writer
        self.batch_size = batch_size
        self.batch_wait_s = batch_wait_s
        self.queue: queue.Queue = queue.Queue(maxsize=max_queue)
        self.connected = threading.Event()
        self.dropped = 0
        self._stop = threading.Event()
        self._client = make_client(url, f"sc-signals-{uuid.uuid4().hex[:8]}")
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe
        self._sub_mid = -1
        self._client.on_disconnect = lambda *a: self.connected.clear()
        self._thread: threading.Thread | None = None

    def _on_connect(self, client, userdata, flags, reason_code, properties=None) -> None:
        if reason_code.is_failure:
            log.warning("MQTT connect refused: %s", reason_code)
            return
        _, self._sub_mid = client.subscribe(f"{TOPIC_ROOT}/+/events", qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties=None) -> None:
        # Connected once the broker holds the subscription: events published before it are not ours.
        if mid == self._sub_mid and not any(rc.is_failure for rc in reason_codes):
            self.connected.set()

    def _on_message(self, client, userdata, msg) -> None:
        parts = msg.topic.split("/")
        if len(parts) != 4:
            return
        try:
            self.queue.put_nowait((parts[2], msg.payload))
        except queue.Full:
            self.dropped += 1

    def _drain(self) -> None:
        while not self._stop.is_set() or not self.queue.empty():
            try:
                first = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = [first]
            deadline = time.monotonic() + self.batch_wait_s
            while len(batch) < self.batch_size:
                try:
                    batch.append(self.queue.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    break
            try:
                self.writer.ingest(batch)
            except Exception:  # a database hiccup must not end ingestion; this batch is lost
                log.exception("writing a batch of %d signal event messages failed", len(batch))
                self.writer.stats["failed_batches"] += 1
                time.sleep(0.5)

    def command(self, uid: str, message: dict) -> None:
        self._client.publish(f"{TOPIC_ROOT}/{uid}/commands", json.dumps(message), qos=1, retain=True)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._drain, name="sc-signals-writer", daemon=True)
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


def send_command(app, uid: str, message: dict) -> bool:
    """Publish a command if this server talks MQTT; False when there is no broker to send it to."""
    link = getattr(app.state, "signals_mqtt", None)
    if link is None:
        return False
    link.command(uid, message)
    return True


def signals_mqtt_service(app) -> SignalsMqtt | None:
    settings = app.state.settings
    if not settings.mqtt_url or not settings.run_ingest:
        return None
    app.state.signals_mqtt = SignalsMqtt(settings.mqtt_url, writer_for(app))
    return app.state.signals_mqtt
