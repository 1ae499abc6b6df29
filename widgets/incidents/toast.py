"""After creating: the number, and a way to it even when the queue's filter hides it."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from widgets.common.palette import STATE_COLORS

SHOW_MS = 12_000


class CreatedToast(QFrame):
    open_requested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("createdToast")
        self.setStyleSheet(f"#createdToast {{ background: #17324f; border-left: 4px solid {STATE_COLORS['info']}; }}")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("toastOpen")
        self.close_button = QPushButton("✕")
        self.close_button.setFlat(True)
        self.close_button.setToolTip(self.tr("Close"))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 4, 6, 4)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.open_button)
        lay.addWidget(self.close_button)
        self.incident_id: int | None = None
        self._hide = QTimer(self, singleShot=True, interval=SHOW_MS, timeout=self.hide)
        self.open_button.clicked.connect(self._open)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_for(self, number: str, incident_id: int, hidden: bool) -> None:
        self.incident_id = incident_id
        if hidden:
            self.label.setText(self.tr("<b>{0}</b> created — the queue's filter hides it.").format(number))
            self.open_button.setText(self.tr("Open / clear filter"))
        else:
            self.label.setText(self.tr("<b>{0}</b> created.").format(number))
            self.open_button.setText(self.tr("Open"))
        self.show()
        self._hide.start()

    def _open(self) -> None:
        if self.incident_id is not None:
            self.open_requested.emit(self.incident_id)
        self.hide()
