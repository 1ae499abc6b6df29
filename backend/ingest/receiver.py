"""The MQTT side of telemetry ingestion, kept apart from the web server so it keeps up with the broker.

Why bursts were lost: Mosquitto keeps at most `max_inflight_messages` (20) unacknowledged plus
`max_queued_messages` (1,000) QoS 1 messages per client and drops the rest. paho reads and
acknowledges in Python, a few socket calls per message, each of which has to win back the GIL; in
the server process a busy request thread or the database writer starved it, and 5,000 messages
published at once were stored as ~3,700 while a plain subscriber got all of them. Two things fix it:
- as an MQTT 5 client we announce a Receive Maximum of 65,535, which Mosquitto honours for MQTT 5
  clients instead of its 20: a burst waits in flight to us rather than overflowing the queue;
- the receiver runs in a process of its own (by default), so it drains the broker as fast as that
  plain subscriber does, and hands messages to the server in batches over a pipe.

Nothing is dropped on our side: when the server falls behind, the pipe fills, the batch here grows
to `max_pending`, and then paho's thread waits, which stops reading the socket, which is the
broker's cue to queue (and, past its limit, drop and count in `$SYS/broker/publish/messages/dropped`,
which is forwarded to the server's stats). The session is persistent (fixed client id, MQTT 5
clean_start false with a session expiry), so a restart of the server misses nothing the broker kept.

Messages are acknowledged when they reach this process, not after they are stored: acknowledging
after the write would need each ack carried back across the pipe (not done yet). What was
acknowledged but not yet stored is lost only if the server dies before storing it; a stop() stores
it first.

Run as `python -m backend.ingest.receiver '<json config>'`; frames on stdout: kind (1 byte), length
(4 bytes, big-endian), data. Closing stdin asks it to stop. Imports nothing but paho.
"""

from __future__ import annotations

import json
import logging
import marshal
import os
import struct
import sys
import threading
from collections.abc import Callable
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

log = logging.getLogger(__name__)
DROPPED_TOPIC = "$SYS/broker/publish/messages/dropped"
FRAME = struct.Struct(">cI")
CONNECTED, DISCONNECTED, MESSAGES, BROKER_DROPPED = b"C", b"D", b"M", b"B"


def parse_mqtt_url(url: str) -> tuple[str, int, str | None, str | None, bool]:
    u = urlparse(url)
    if u.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ValueError(f"unsupported MQTT URL {url!r}; use mqtt://host:port")
    tls = u.scheme in ("mqtts", "ssl")
    return u.hostname or "127.0.0.1", u.port or (8883 if tls else 1883), u.username, u.password, tls


def make_client(url: str, client_id: str, *, mqtt5: bool = False) -> mqtt.Client:
    host, port, user, password, tls = parse_mqtt_url(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5 if mqtt5 else mqtt.MQTTv311)
    if user:
        client.username_pw_set(user, password)
    if tls:
        client.tls_set()
    client.reconnect_delay_set(1, 30)
    client._sc_addr = (host, port)  # where connect() goes
    return client


class Receiver:
    """Subscribes with a persistent session and calls `deliver(batch)` with lists of (topic, payload)
    from its own thread; `state(kind, data)` hears of connects, disconnects and broker drops."""

    def __init__(self, url: str, client_id: str, topic: str, *, deliver: Callable[[list], None],
                 state: Callable[[bytes, bytes], None], session_expiry_s: int = 3600,
                 max_pending: int = 50_000, receive_maximum: int = 65_535) -> None:
        self.topic = topic
        self.receive_maximum = receive_maximum
        self.deliver = deliver
        self.state = state
        self.session_expiry_s = session_expiry_s
        self.max_pending = max_pending
        self._pending: list[tuple[str, bytes]] = []
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._client = make_client(url, client_id, mqtt5=True)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe
        self._sub_mid = -1
        self._session_present = False
        self._client.on_disconnect = lambda *a: self.state(DISCONNECTED, b"")

    def _on_connect(self, client, userdata, flags, reason_code, properties=None) -> None:
        if reason_code.is_failure:
            log.warning("MQTT connect refused: %s", reason_code)
            return
        self._session_present = bool(flags.session_present)
        _, self._sub_mid = client.subscribe(self.topic, qos=1)
        client.subscribe(DROPPED_TOPIC, qos=0)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties=None) -> None:
        # "Connected" only once the broker has the subscription: a reading published before that
        # would not be ours to receive.
        if mid != self._sub_mid:
            return
        if any(rc.is_failure for rc in reason_codes):
            log.warning("MQTT subscription to %s refused: %s", self.topic, reason_codes)
            return
        self.state(CONNECTED, json.dumps({"session_present": self._session_present}).encode())

    def _on_message(self, client, userdata, msg) -> None:
        if msg.topic == DROPPED_TOPIC:
            self.state(BROKER_DROPPED, bytes(msg.payload))
            return
        with self._cond:
            while len(self._pending) >= self.max_pending and not self._stop.is_set():
                self._cond.wait(0.5)  # the server is behind: hold paho (back-pressure), never drop
            self._pending.append((msg.topic, bytes(msg.payload)))
            self._cond.notify_all()

    def _take(self, wait: float) -> list[tuple[str, bytes]]:
        with self._cond:
            if not self._pending and not self._stop.is_set():
                self._cond.wait(wait)
            batch, self._pending = self._pending, []
            self._cond.notify_all()
            return batch

    def run(self) -> None:
        """Until stop(): receive and deliver. Whatever arrived before the disconnect is delivered."""
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = self.session_expiry_s
        # MQTT 5 flow control: the broker may have this many QoS 1 messages in flight to us. Mosquitto
        # honours it for MQTT 5 clients in place of its max_inflight_messages (20), so a burst waits
        # in flight (and in our socket) instead of overflowing max_queued_messages (1,000) into drops.
        props.ReceiveMaximum = self.receive_maximum
        host, port = self._client._sc_addr
        self._client.connect_async(host, port, keepalive=30, clean_start=False, properties=props)
        self._client.loop_start()
        while not self._stop.is_set():
            if batch := self._take(0.5):
                self.deliver(batch)
        self._client.disconnect()
        self._client.loop_stop()
        if batch := self._take(0):
            self.deliver(batch)

    def stop(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()


def _die_with_parent() -> None:
    """Linux: end this process when the server that started it dies, even by SIGKILL; an orphan would
    stay in the broker's shared group and take messages no one stores."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> int:
    _die_with_parent()
    if hasattr(os, "getppid") and os.getppid() == 1:  # the server died before we could ask
        return 1
    cfg = json.loads(argv[1])
    logging.basicConfig(level=logging.WARNING, format="sc-mqtt-receiver %(levelname)s %(message)s")
    out = sys.stdout.buffer
    out_lock = threading.Lock()

    def send(kind: bytes, data: bytes) -> None:
        with out_lock:  # blocks when the server is behind: that is the back-pressure
            out.write(FRAME.pack(kind, len(data)))
            out.write(data)
            out.flush()

    receiver = Receiver(cfg["url"], cfg["client_id"], cfg["topic"], session_expiry_s=cfg["session_expiry_s"],
                        max_pending=cfg["max_pending"], deliver=lambda b: send(MESSAGES, marshal.dumps(b)),
                        state=send)

    def watch_stdin() -> None:  # the server closes our stdin to stop us, or by exiting
        sys.stdin.buffer.read()
        receiver.stop()

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        receiver.run()
    except BrokenPipeError:  # the server is gone; the broker keeps the session for the next one
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
