"""Turns layer changes into page messages on a worker thread, one message in flight at a time.

The GUI thread only appends to a list; merging, diffing positions and JSON encoding of
thousands of items run on the sender's own thread, and the finished message comes back by
signal. While the page is still applying one message, new changes merge into the next.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal

from widgets.map.layers import LayerState, Outbox, encode_message

FLUSH_MS = 10             # changes within this window go out together
IN_FLIGHT_TIMEOUT = 2.0   # seconds before a lost acknowledgement stops holding messages back


class BatchSender(QObject):
    message = Signal(str)            # a JSON message for the page (emitted on the GUI thread)
    applied = Signal(int, float)     # seq, ms from the first change in it to the page's ack
    _encoded = Signal(int, str, float)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = LayerState()
        self.lock = threading.Lock()    # guards state and outbox (worker writes, GUI reads rarely)
        self._outbox = Outbox()
        self._pending: list[tuple] = []
        self._pending_since: float | None = None
        self._seq = 0
        self._encoding = False
        self._in_flight: tuple[int, float, float] | None = None  # seq, sent at, first change at
        self.ready = False
        self.encode_cpu_ms: list[float] = []  # CPU time of recent encodes, for benches and diagnostics
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sc-map-sender")
        # Start the thread now, with the panel: started by the first flush, it made the GUI
        # thread wait for the new thread to take and give back the GIL (25-35 ms under load).
        self._pool.submit(int)
        self._closed = False
        self._timer = QTimer(self, singleShot=True, interval=FLUSH_MS, timeout=self.flush)
        self._encoded.connect(self._send)

    # ------------------------------------------------------------ GUI thread

    def post(self, *change) -> None:
        """("set"|"update"|"sync", layer, items) · ("remove", layer, ids) · ("op", {...}) · ("replay",)."""
        if not self._pending:
            self._pending_since = time.monotonic()
        self._pending.append(change)
        if self.ready and not self._timer.isActive():
            self._timer.start()

    @property
    def idle(self) -> bool:
        return not self._pending and not self._encoding and self._in_flight is None

    def flush(self) -> None:
        self._timer.stop()
        if not self.ready or not self._pending or self._encoding or self._closed:
            return
        if self._in_flight is not None and time.monotonic() - self._in_flight[1] < IN_FLIGHT_TIMEOUT:
            return  # sent again when the page acknowledges
        changes, self._pending = self._pending, []
        since, self._pending_since = self._pending_since or time.monotonic(), None
        self._seq += 1
        self._encoding = True
        self._pool.submit(self._encode, self._seq, changes, since)

    def acknowledge(self, seq: int) -> None:
        if self._in_flight is not None and self._in_flight[0] == seq:
            _, _, since = self._in_flight
            self._in_flight = None
            self.applied.emit(seq, (time.monotonic() - since) * 1000.0)
        if self._pending:
            self.flush()

    def page_reset(self, prelude: list[dict] = ()) -> None:
        """The page (re)loaded empty: forget what was in flight and send everything again.

        prelude: operations the page needs first (layers it was not built with).
        """
        self._in_flight = None
        self._pending[0:0] = [("op", op) for op in prelude] + [("replay",)]
        if self._pending_since is None:
            self._pending_since = time.monotonic()
        self.ready = True
        self.flush()

    def _send(self, seq: int, text: str, since: float) -> None:
        self._encoding = False
        if self._closed:
            return
        if text:
            self._in_flight = (seq, time.monotonic(), since)
            self.message.emit(text)
        if self._pending:
            self.flush()

    def shutdown(self) -> None:
        self._closed = True
        self._timer.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -------------------------------------------------------- sender thread

    def _encode(self, seq: int, changes: list[tuple], since: float) -> None:
        cpu0 = time.thread_time()
        try:
            with self.lock:
                for change in changes:
                    self._apply(change)
                ops = self._outbox.take()
            text = encode_message(seq, ops) if ops else ""
        except Exception:  # a bad item must not wedge the map: drop this batch, keep going
            import logging

            logging.getLogger(__name__).exception("map: a batch could not be encoded")
            text = ""
            with self.lock:
                self._outbox.forget_moves()
        self.encode_cpu_ms = self.encode_cpu_ms[-99:] + [(time.thread_time() - cpu0) * 1000.0]
        if not self._closed:
            self._encoded.emit(seq, text, since)

    def _apply(self, change: tuple) -> None:
        kind = change[0]
        if kind == "set":
            _, layer, items = change
            self.state.set(layer, items)
            self._outbox.items("set", layer, items)
        elif kind in ("update", "sync"):
            _, layer, items = change
            if kind == "sync":  # the whole layer as it is now: drop what is gone, send only changes
                fresh = {str(it["id"]) for it in items}
                gone = [key for key in self.state.items.get(layer, {}) if key not in fresh]
                if gone:
                    self.state.remove(layer, gone)
                    self._outbox.remove(layer, gone)
            changed, moved = self.state.update(layer, items)
            if changed:
                self._outbox.items("update", layer, changed)
            if moved:
                self._outbox.move(layer, moved)
        elif kind == "remove":
            _, layer, ids = change
            self.state.remove(layer, ids)
            self._outbox.remove(layer, ids)
        elif kind == "replay":
            self._outbox.forget_moves()
            kept = [op for op in self._outbox.ops if op["op"] not in ("set", "update", "remove", "move")]
            layers = [op for op in kept if op["op"] == "layer"]  # a layer exists before its items
            self._outbox.ops = layers + self.state.replay_ops() + [op for op in kept if op["op"] != "layer"]
        else:
            self._outbox.add(change[1])

    # ------------------------------------------------------------- readers

    def snapshot_ops(self) -> list[dict]:
        """Every layer as set operations, for an export (waits for a running encode)."""
        with self.lock:
            return [dict(op, items=list(op["items"])) for op in self.state.replay_ops()]

    def item(self, layer: str, item_id) -> dict | None:
        with self.lock:
            return self.state.get(layer, item_id)

    def layer_size(self, layer: str) -> int:
        with self.lock:
            return len(self.state.items.get(layer, {}))
