"""The status bar: server, user, connection state, last error."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from app.context import AppContext
from widgets.common.palette import STATE_COLORS


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
        if ctx.user:
            self.user_label.setText(f"{ctx.user.full_name or ctx.user.username} · {self._role_name(ctx.user.role)}")
        self.state = ""
        self.set_state("connecting", "")
        ctx.events.connection_changed.connect(self.set_state)
        ctx.errors.reported.connect(self.show_error)
        ctx.bus.status_message.connect(lambda text: self.show_message(text))
        self._clear = QTimer(self, singleShot=True, interval=15000, timeout=self.message_label.clear)

    def _role_name(self, role: str) -> str:
        return {"dispatcher": self.tr("dispatcher"), "supervisor": self.tr("supervisor"),
                "admin": self.tr("administrator")}.get(role, role)

    def set_state(self, state: str, detail: str) -> None:
        self.state = state
        if state == "connected" and detail:  # the server the desktop is on now (it fails over by itself)
            self.server_label.setText(detail)
        text, colour = {
            "connected": (self.tr("● Online"), STATE_COLORS["ok"]),
            "connecting": (self.tr("● Connecting…"), STATE_COLORS["warning"]),
            "disconnected": (self.tr("● Disconnected"), STATE_COLORS["alarm"]),
            "offline": (self.tr("● Offline"), STATE_COLORS["alarm"]),
            "unauthorized": (self.tr("● Session expired"), STATE_COLORS["alarm"]),
        }.get(state, (state, STATE_COLORS["offline"]))
        self.state_label.setText(text)
        self.state_label.setStyleSheet(f"color: {colour}; font-weight: 700;")
        self.state_label.setToolTip(detail)

    def show_message(self, text: str) -> None:
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)
        self._clear.start()

    def show_error(self, where: str, message: str) -> None:
        self.message_label.setStyleSheet(f"color: {STATE_COLORS['alarm']};")
        self.message_label.setText(message)
        self.message_label.setToolTip(where)
        self._clear.start()
