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

A message is acknowledged to the broker only after the server has stored it (or refused it for
good): each batch handed over carries a sequence number, and the server sends that number back
once the batch is settled. Until then the broker keeps the message in our persistent session, so a
server killed mid-batch (SIGKILL, power) loses nothing: on the next connection of the session the
broker delivers it again, and the writers store a reading once however often it arrives. An ack
for a message received on an earlier connection is not sent (its packet id means nothing on the
new one); the broker redelivers it instead.

Run as `python -m backend.ingest.receiver '<json config>'`; frames on stdout: kind (1 byte), length
(4 bytes, big-endian), data; the same frames on stdin carry acks (kind A). Closing stdin asks it to
stop. Imports nothing but paho.
"""

from __future__ import annotations

import json
import logging
import marshal
import os
import select
import struct
import sys
import threading
from collections.abc import Callable
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.client import _ConnectionState as _Cs
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

log = logging.getLogger(__name__)
DROPPED_TOPIC = "$SYS/broker/publish/messages/dropped"
FRAME = struct.Struct(">cI")
CONNECTED, DISCONNECTED, MESSAGES, BROKER_DROPPED, ACK = b"C", b"D", b"M", b"B", b"A"


def parse_mqtt_url(url: str) -> tuple[str, int, str | None, str | None, bool]:
    u = urlparse(url)
    if u.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ValueError(f"unsupported MQTT URL {url!r}; use mqtt://host:port")
    tls = u.scheme in ("mqtts", "ssl")
    return u.hostname or "127.0.0.1", u.port or (8883 if tls else 1883), u.username, u.password, tls


class Client(mqtt.Client):
    """paho's client, waiting on its socket with poll() instead of select(): select() cannot watch a
    file descriptor numbered 1024 or more, and in a server with many open connections a new
    socket gets such a number; paho then drops the connection before CONNECT, again and again."""

    def _loop(self, timeout: float = 1.0) -> mqtt.MQTTErrorCode:
        if timeout < 0.0:
            raise ValueError("Invalid timeout.")
        sock = self._sock
        if sock is None:
            return mqtt.MQTT_ERR_NO_CONN
        pending_bytes = sock.pending() if hasattr(sock, "pending") else 0
        if pending_bytes > 0:
            timeout = 0.0
        poller = select.poll()
        try:
            poller.register(sock, select.POLLIN | (select.POLLOUT if self.want_write() else 0))
            if self._sockpairR is not None:
                poller.register(self._sockpairR, select.POLLIN)
            ready = dict(poller.poll(timeout * 1000))
        except (TypeError, ValueError, OSError):  # the socket was closed under us: connection lost
            if self._state not in (_Cs.MQTT_CS_DISCONNECTING, _Cs.MQTT_CS_DISCONNECTED):
                self._state = _Cs.MQTT_CS_CONNECTION_LOST
            return mqtt.MQTTErrorCode.MQTT_ERR_CONN_LOST
        sock_events = ready.get(sock.fileno(), 0)
        if sock_events & (select.POLLIN | select.POLLERR | select.POLLHUP) or pending_bytes > 0:
            rc = self.loop_read()
            if rc or self._sock is None:
                return rc
        wake = self._sockpairR is not None and ready.get(self._sockpairR.fileno(), 0) & select.POLLIN
        if wake:
            try:  # a publish() etc. from another thread: write now, then empty the wake-up pipe
                self._sockpairR.recv(10000)
            except BlockingIOError:
                pass
        if sock_events & select.POLLOUT or wake:
            rc = self.loop_write()
            if rc or self._sock is None:
                return rc
        return self.loop_misc()


def make_client(url: str, client_id: str, *, mqtt5: bool = False, manual_ack: bool = False) -> mqtt.Client:
    host, port, user, password, tls = parse_mqtt_url(url)
    client = Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5 if mqtt5 else mqtt.MQTTv311, manual_ack=manual_ack)
    if user:
        client.username_pw_set(user, password)
    if tls:
        client.tls_set()
    client.reconnect_delay_set(1, 30)
    client._sc_addr = (host, port)  # where connect() goes
    return client


class Receiver:
    """Subscribes with a persistent session and calls `deliver(batch, seq)` with lists of (topic,
    payload) from its own thread; `ack([seq, ...])` once those batches are stored acknowledges them to
    the broker. `state(kind, data)` hears of connects, disconnects and broker drops."""

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
        self._tokens: list[tuple[int, int, int]] = []  # (connection, packet id, qos) of each pending message
        self._unacked: dict[int, list[tuple[int, int, int]]] = {}  # batch seq → its messages' tokens
        self._seq = 0
        self._connection = 0  # packet ids are per connection: an ack is sent only on the one that received
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._client = make_client(url, client_id, mqtt5=True, manual_ack=True)
        # Back soon after the broker is: Mosquitto (2.0) restores a persistent session's plain
        # subscriptions after its own restart but not its shared ones, so until a member of the
        # group subscribes again the broker drops what devices publish. A down broker costs a
        # connection attempt every 2 s at most.
        self._client.reconnect_delay_set(0.25, 2)
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
        with self._cond:
            self._connection += 1
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
            self._tokens.append((self._connection, msg.mid, msg.qos))
            self._cond.notify_all()

    def _take(self, wait: float) -> tuple[list[tuple[str, bytes]], int]:
        """The messages received since the last call, and the sequence number to ack them by."""
        with self._cond:
            if not self._pending and not self._stop.is_set():
                self._cond.wait(wait)
            batch, self._pending = self._pending, []
            tokens, self._tokens = self._tokens, []
            self._cond.notify_all()
            if not batch:
                return batch, 0
            self._seq += 1
            self._unacked[self._seq] = tokens
            return batch, self._seq

    def ack(self, seqs: list[int]) -> None:
        """Acknowledge the batches the server has settled; those of an earlier connection are left to
        the broker's redelivery."""
        with self._cond:
            tokens = [t for s in seqs for t in self._unacked.pop(s, ())]
            current = self._connection
        for connection, mid, qos in tokens:
            if qos and connection == current:
                self._client.ack(mid, qos)

    @property
    def unacked(self) -> int:
        with self._cond:
            return sum(len(t) for t in self._unacked.values())

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
            batch, seq = self._take(0.5)
            if batch:
                self.deliver(batch, seq)
        self._client.disconnect()
        self._client.loop_stop()
        batch, seq = self._take(0)
        if batch:  # stored by the server, though never acked: the broker sends these again next time
            self.deliver(batch, seq)

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
                        max_pending=cfg["max_pending"],
                        deliver=lambda b, seq: send(MESSAGES, marshal.dumps((seq, b))), state=send)

    def watch_stdin() -> None:
        """Acks from the server; end of file (it closed our stdin, or exited) means stop."""
        inp = sys.stdin.buffer
        while len(head := inp.read(FRAME.size)) == FRAME.size:
            kind, n = FRAME.unpack(head)
            data = inp.read(n)
            if kind == ACK and len(data) == n:
                receiver.ack(marshal.loads(data))
        receiver.stop()

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        receiver.run()
    except BrokenPipeError:  # the server is gone; the broker keeps the session for the next one
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
