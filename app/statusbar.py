"""The status bar: server, user, one truthful connection indicator, last error."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from app.context import AppContext
from app.errors import describe
from widgets.common.palette import STATE_COLORS

# The server sends a line at least every 2 s (backend/events/router.py HEARTBEAT_S).
AMBER_S = 3.0   # one ping missed: the link may be dying
RED_S = 5.0     # two missed: the link is dead, whatever the socket says


class ConnectionStatusBar(QStatusBar):
    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.server_label = QLabel(ctx.api.base_url)
        self.user_label = QLabel()
        self.state_label = QLabel()
        self.state_label.setObjectName("connectionState")
        self.message_label = QLabel()
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.addWidget(self.message_label, 1)
        for w in (self.server_label, self.user_label, self.state_label):
            self.addPermanentWidget(w)
        self._show_user()
        self.state = ""          # what the event stream says
        self.shown = ""          # what the indicator says: the stream's state, or stale/dead/failing
        self.detail = ""
        self.failing = False     # a request failed to reach the server since the last sign of life
        self.waiting = 0
        self.error_shown = False  # the message label shows ctx.errors.last, to be described again
        self.set_state("connecting", "")
        ctx.events.connection_changed.connect(self.set_state)
        ctx.events.heartbeat.connect(self._alive)
        ctx.errors.reported.connect(self.show_error)
        ctx.errors.connection_lost.connect(self._request_failed)
        ctx.bus.status_message.connect(lambda text: self.show_message(text))
        gateway = ctx.incidents
        gateway.waiting_changed.connect(self._waiting)
        gateway.incidents_loaded.connect(lambda _items: self._request_ok())
        self._clear = QTimer(self, singleShot=True, interval=15000, timeout=self._clear_message)
        self._watch = QTimer(self, interval=500, timeout=self._update)
        self._watch.start()

    def _show_user(self) -> None:
        if self.ctx.user:
            user = self.ctx.user
            self.user_label.setText(f"{user.full_name or user.username} · {self._role_name(user.role)}")

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._show_user()
            self._update()
            last = self.ctx.errors.last
            if self.error_shown and last is not None and not isinstance(last[1], str):
                self.message_label.setText(describe(last[1]))

    def _role_name(self, role: str) -> str:
        return {"dispatcher": self.tr("dispatcher"), "supervisor": self.tr("supervisor"),
                "admin": self.tr("administrator")}.get(role, role)

    # ------------------------------------------------------------ inputs
    def set_state(self, state: str, detail: str) -> None:
        if state == "connected" and self.state != "connected":
            self.failing = False  # a fresh stream: the server answers again
        self.state = state
        if state == "connected" and detail:  # the server the desktop is on now (it fails over by itself)
            self.server_label.setText(detail)
        self.detail = detail
        self._update()

    def _alive(self) -> None:
        self._update()

    def _request_failed(self) -> None:
        self.failing = True
        self._update()

    def _request_ok(self) -> None:
        self.failing = False
        self._update()

    def _waiting(self, n: int) -> None:
        self.waiting = n
        self._update()

    # ------------------------------------------------------------ the indicator
    def silence(self) -> float:
        """Seconds since the server's last line (an event or a ping)."""
        last = self.ctx.events.last_beat
        return time.monotonic() - last if last else 0.0

    def _update(self) -> None:
        state = self.state
        silent = self.silence()
        if state == "connected":
            if silent >= RED_S:
                state = "dead"
            elif self.failing:
                state = "failing"
            elif silent >= AMBER_S:
                state = "stale"
        amber, red = STATE_COLORS["warning"], STATE_COLORS["alarm"]
        text, colour = {
            "connected": (self.tr("● Online"), STATE_COLORS["ok"]),
            "stale": (self.tr("● No signal for {0} s").format(int(silent)), amber),
            "failing": (self.tr("● Server not answering"), amber),
            "dead": (self.tr("● Connection lost"), red),
            "connecting": (self.tr("● Connecting…"), amber),
            "disconnected": (self.tr("● Disconnected"), red),
            "offline": (self.tr("● Offline"), red),
            "unauthorized": (self.tr("● Session expired"), red),
        }.get(state, (state, STATE_COLORS["offline"]))
        if self.waiting:
            text += " · " + self.tr("{0} waiting").format(self.waiting)
        at = self.ctx.events.last_event_at
        if at is not None:
            text += " · " + self.tr("last event {0}").format(at.strftime("%H:%M:%S"))
        self.shown = state
        if self.state_label.text() != text:
            self.state_label.setText(text)
            self.state_label.setStyleSheet(f"color: {colour}; font-weight: 700;")
        self.state_label.setToolTip(self.detail)

    def _clear_message(self) -> None:
        self.error_shown = False
        self.message_label.clear()

    def show_message(self, text: str) -> None:
        self.error_shown = False
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)
        self._clear.start()

    def show_error(self, where: str, message: str) -> None:
        self.error_shown = True
        self.message_label.setStyleSheet(f"color: {STATE_COLORS['alarm']};")
        self.message_label.setText(message)
        self.message_label.setToolTip(where)
        self._clear.start()
