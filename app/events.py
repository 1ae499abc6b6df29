"""The live event stream on its own thread, handed to panels by signal."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QThread, Signal

from backend_client.client import ApiClient
from backend_client.errors import AuthExpired
from backend_client.sse import EventStream


class _StreamThread(QThread):
    received = Signal(int, str, object)
    state = Signal(str, str)
    beat = Signal()

    def __init__(self, client: ApiClient, last_event_id: int | None) -> None:
        super().__init__()
        self.setObjectName("sc-events")
        self.stream = EventStream(client, last_event_id=last_event_id,
                                  on_state=lambda s, d: self.state.emit(s, d), on_beat=self.beat.emit)

    def run(self) -> None:
        try:
            for ev in self.stream:
                self.received.emit(ev.id, ev.type, ev.data)
        except AuthExpired:
            self.state.emit("unauthorized", "")


class EventHub(QObject):
    """Fans server events out to subscribers by type prefix; tracks the connection state."""

    received = Signal(str, object)          # type, data
    connection_changed = Signal(str, str)   # connecting | connected | disconnected | unauthorized, detail
    heartbeat = Signal()                    # any line from the server: an event or its 2-second ping

    def __init__(self, client: ApiClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.state = "disconnected"
        self.last_event_id: int | None = None
        self.last_beat = 0.0                    # time.monotonic() of the server's last line
        self.last_event_at: datetime | None = None  # wall time of the last real event
        self._subs: list[tuple[str, Callable[[str, object], None]]] = []
        self._thread: _StreamThread | None = None

    def subscribe(self, prefix: str, callback: Callable[[str, object], None]) -> None:
        self._subs.append((prefix, callback))

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = _StreamThread(self.client, self.last_event_id)
        self._thread.received.connect(self._dispatch)
        self._thread.state.connect(self._on_state)
        self._thread.beat.connect(self._on_beat)
        self._thread.start()

    def stop(self) -> None:
        t, self._thread = self._thread, None
        if t is not None:
            t.stream.stop()
            t.wait(3000)

    def _on_beat(self) -> None:
        self.last_beat = time.monotonic()
        self.heartbeat.emit()

    def _on_state(self, state: str, detail: str) -> None:
        self.state = state
        self.connection_changed.emit(state, detail)

    def _dispatch(self, eid: int, etype: str, data: object) -> None:
        self.last_event_id = eid
        self.last_event_at = datetime.now()
        self.received.emit(etype, data)
        for prefix, cb in list(self._subs):
            if etype.startswith(prefix):
                cb(etype, data)

    def inject(self, etype: str, data: object) -> None:
        """Deliver a locally made event (e.g. from the offline store) like a server one."""
        self.received.emit(etype, data)
        for prefix, cb in list(self._subs):
            if etype.startswith(prefix):
                cb(etype, data)
