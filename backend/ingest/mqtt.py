"""MQTT telemetry subscriber: city/telemetry/{device_id} → batched writes.

The broker is read by `receiver.Receiver` in a process of its own (see receiver.py for why), which
hands batches over a pipe; a reader thread here puts them on a bounded queue (blocking when it is
full, which backs up the pipe and then the receiver: back-pressure, never a drop), and one writer
thread drains the queue into batches (up to `batch_size` messages or `batch_wait_s`) for the
`TelemetryWriter`. Mosquitto's per-client limits bound what a burst can outrun: see the README.

A batch is acknowledged to the broker once it is settled: stored, or refused for good (a message
the database will never take, counted by reason). While the database is away the writer waits with
the batch in hand, however long, and nothing is acked: the queue, the pipe and then the broker hold
the rest. So neither a SIGKILL of the server nor an outage of the database loses a reading.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy.exc import InterfaceError, OperationalError

from backend.ingest.receiver import (ACK, BROKER_DROPPED, CONNECTED, DISCONNECTED, FRAME, MESSAGES, Receiver,
                                     make_client, parse_mqtt_url)
from backend.telemetry.ingest import TelemetryWriter, writer_for

__all__ = ["MqttIngest", "make_client", "mqtt_service", "parse_mqtt_url"]
log = logging.getLogger(__name__)
TOPIC_ROOT = "city/telemetry"
MAX_BACKOFF_S = 5.0  # between attempts while the database is away
DB_UNAVAILABLE: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
try:  # PostgreSQL's COPY path works on the driver's connection: its errors come unwrapped
    import psycopg

    DB_UNAVAILABLE += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # SQLite-only installations
    pass


def stable_client_id(*parts: object) -> str:
    """The same id on every start of the same deployment, so the broker keeps our session between runs."""
    digest = hashlib.sha256("|".join(map(str, (socket.gethostname(), *parts))).encode()).hexdigest()[:16]
    return f"sc-ingest-{digest}"


def _child_env() -> dict[str, str]:
    """This process's environment, with the folder holding `backend` first on the import path."""
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


class MqttIngest:
    """Subscribes to `{topic_root}/+` and writes what arrives; start()/stop()."""

    def __init__(self, url: str, writer: TelemetryWriter, *, topic_root: str = TOPIC_ROOT,
                 share_group: str | None = None, batch_size: int = 2000, batch_wait_s: float = 0.2,
                 max_queue: int = 200_000, client_id: str | None = None, session_expiry_s: int = 3600,
                 in_process: bool | None = None) -> None:
        self.url = url
        self.writer = writer
        self.topic_root = topic_root.rstrip("/")
        topic = f"{self.topic_root}/+"
        self.topic = f"$share/{share_group}/{topic}" if share_group else topic
        self.client_id = client_id or stable_client_id(url, self.topic)
        self.session_expiry_s = session_expiry_s
        # A frozen build has no `python -m`: the receiver then runs as a thread of this process.
        self.in_process = getattr(sys, "frozen", False) if in_process is None else in_process
        self.batch_size = batch_size
        self.batch_wait_s = batch_wait_s
        self.queue: queue.Queue = queue.Queue(maxsize=max_queue)
        self.connected = threading.Event()
        self.dropped = 0  # kept for readers of the old counter: nothing is dropped here any more
        self._stop = threading.Event()
        self._fed = threading.Event()  # the feeder has ended: nothing more will be queued
        self._proc: subprocess.Popen | None = None
        self._generation = 0  # of the receiver: a batch is acked only to the receiver that sent it
        self._ack_lock = threading.Lock()
        self._receiver: Receiver | None = None
        self._feeder: threading.Thread | None = None
        self._thread: threading.Thread | None = None

    # receiver side -------------------------------------------------------------
    def _config(self) -> dict:
        return {"url": self.url, "client_id": self.client_id, "topic": self.topic,
                "session_expiry_s": self.session_expiry_s, "max_pending": 50_000}

    def _enqueue(self, batch: list[tuple[str, bytes]], seq: int, generation: int | None = None) -> None:
        """Queue a receiver's batch; its last message carries what to ack once it is stored."""
        cut = len(self.topic_root) + 1
        last = len(batch) - 1
        token = (self._generation if generation is None else generation, seq)
        for i, (topic, payload) in enumerate(batch):
            # blocks when full: back-pressure, not loss
            self.queue.put((topic[cut:], payload, token if i == last else None))

    def _ack(self, tokens: list[tuple[int, int]]) -> None:
        seqs = [seq for generation, seq in tokens if generation == self._generation]
        if not seqs:
            return
        if self._receiver is not None:
            self._receiver.ack(seqs)
            return
        proc = self._proc
        if proc is None or proc.stdin is None:
            return
        data = marshal.dumps(seqs)
        try:
            with self._ack_lock:
                proc.stdin.write(FRAME.pack(ACK, len(data)) + data)
                proc.stdin.flush()
        except (OSError, ValueError):  # the receiver is gone: the broker sends these again
            pass

    def _state(self, kind: bytes, data: bytes) -> None:
        if kind == CONNECTED:
            self.connected.set()
            # When the broker had this subscription again (health details): after a broker restart,
            # what devices published before the first member of a share group got here is lost.
            self.writer.stats["subscribed_at_ms"] = int(time.time() * 1000)
            log.info("MQTT ingest subscribed to %s on %s as %s (%s)", self.topic, self.url, self.client_id,
                     data.decode(errors="replace"))
        elif kind == DISCONNECTED:
            self.connected.clear()
        elif kind == BROKER_DROPPED:
            try:  # broker-wide: every client's drops past Mosquitto's queue limits, since it started
                self.writer.stats["broker_dropped_total"] = int(data)
            except ValueError:
                pass

    def _feed_from_process(self) -> None:
        """Run the receiver process and pass on what it sends; start it again if it dies."""
        while not self._stop.is_set():
            with self._ack_lock:
                self._generation += 1
                generation = self._generation
                proc = self._proc = subprocess.Popen(
                    [sys.executable, "-m", "backend.ingest.receiver", json.dumps(self._config())],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_child_env())
            out = proc.stdout
            while True:
                head = out.read(FRAME.size)
                if len(head) < FRAME.size:
                    break
                kind, n = FRAME.unpack(head)
                data = out.read(n)
                if kind == MESSAGES:
                    seq, batch = marshal.loads(data)
                    self._enqueue(batch, seq, generation)
                else:
                    self._state(kind, data)
            proc.wait()
            self.connected.clear()
            if not self._stop.is_set():
                log.warning("the MQTT receiver process ended (code %s); starting it again", proc.returncode)
                self.writer.stats["receiver_restarts"] += 1
                self._stop.wait(1.0)

    def _feed_in_process(self) -> None:
        self._receiver.run()

    # writer thread -------------------------------------------------------------
    def _drain(self) -> None:
        # Until the receiver has handed over everything (it flushes on stop) and all of it is stored.
        while not (self._fed.is_set() and self.queue.empty()):
            try:
                first = self.queue.get(timeout=self.batch_wait_s)
            except queue.Empty:
                self._flush_events()
                continue
            items = [first]
            deadline = time.monotonic() + self.batch_wait_s
            while len(items) < self.batch_size:
                try:
                    items.append(self.queue.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    break
            if self._write([(topic, payload) for topic, payload, _ in items]):
                self._ack([token for _, _, token in items if token is not None])

    def _write(self, batch: list) -> bool:
        """Store a batch; a message the database refuses costs only itself, found by halving.
        True once every message is settled; False if stop() came while the database was away (the
        broker has them still, unacked, for the next start)."""
        attempt = 0
        while True:
            try:
                self.writer.ingest(batch)
                return True
            except DB_UNAVAILABLE:  # the database is away or busy: wait with the messages in hand
                attempt += 1
                if attempt == 1 or attempt % 20 == 0:
                    log.warning("telemetry write failed (database unavailable), attempt %d", attempt)
                self.writer.stats["write_retries"] += 1
                if self._stop.wait(min(0.25 * 2 ** attempt, MAX_BACKOFF_S)):
                    return False
            except Exception:
                break
        if len(batch) == 1:
            log.exception("a telemetry message from %r could not be stored", batch[0][0][:64])
            self.writer.count_lost(batch, "write_failed")
            return True
        mid = len(batch) // 2
        return self._write(batch[:mid]) and self._write(batch[mid:])

    def _flush_events(self) -> None:
        try:
            self.writer.flush_events()
        except Exception:
            log.exception("publishing telemetry events failed")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._drain, name="sc-mqtt-writer", daemon=True)
        self._thread.start()
        if self.in_process:
            self._receiver = Receiver(self.url, self.client_id, self.topic, deliver=self._enqueue,
                                      state=self._state, session_expiry_s=self.session_expiry_s)
        feed = self._feed_in_process if self.in_process else self._feed_from_process

        def run_feed() -> None:
            try:
                feed()
            finally:
                self._fed.set()

        self._feeder = threading.Thread(target=run_feed, name="sc-mqtt-feed", daemon=True)
        self._feeder.start()

    def stop(self) -> None:
        """Stop receiving, store what was received, then stop writing."""
        self._stop.set()
        if self._receiver is not None:
            self._receiver.stop()
        if self._proc is not None and self._proc.stdin is not None:
            try:
                self._proc.stdin.close()  # the receiver disconnects and sends what it still holds
            except OSError:
                pass
        if self._feeder is not None:
            self._feeder.join(30)
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(5)
        if self._thread is not None:
            self._thread.join(30)
        self._flush_events()


def running_ingest(app) -> MqttIngest | None:
    """This instance's running telemetry ingest, if any: its shared one, or the duty while held here.
    Other domains (transit) run MqttIngest on topics of their own: those are not this one."""
    for s in getattr(app.state, "services", ()):
        found = getattr(s, "service", s)  # a Duty holds its service while it holds the lease
        if isinstance(found, MqttIngest) and found.topic_root == TOPIC_ROOT:
            return found
    return None


def shared_ingest(settings) -> bool:
    """Whether every instance ingests its share: PostgreSQL (several instances) and a share group."""
    return settings.resolved_database_url.startswith("postgresql") and bool(settings.mqtt_share_group)


def mqtt_service(app) -> MqttIngest | None:
    """Every instance's share of the stream, over `$share/<group>/city/telemetry/+`; None unless
    SC_MQTT_URL is set, ingestion is on and `shared_ingest`."""
    settings = app.state.settings
    if not settings.mqtt_url or not settings.run_ingest or not shared_ingest(settings):
        return None
    # One persistent session per instance (its name is stable across restarts, e.g. host:port), so a
    # restarted instance gets what the broker queued for it while it was away.
    client_id = stable_client_id(settings.mqtt_url, settings.resolved_database_url, settings.instance_name)
    return MqttIngest(settings.mqtt_url, writer_for(app), client_id=client_id,
                      share_group=settings.mqtt_share_group)


def mqtt_duty(app) -> MqttIngest | None:
    """The whole stream on the one instance holding the ingest lease: SQLite, or no share group."""
    settings = app.state.settings
    if not settings.mqtt_url or not settings.run_ingest or shared_ingest(settings):
        return None
    # One persistent session per deployment (whoever holds the lease): the same id after a hand-over.
    client_id = stable_client_id(settings.mqtt_url, settings.resolved_database_url)
    return MqttIngest(settings.mqtt_url, writer_for(app), client_id=client_id)
