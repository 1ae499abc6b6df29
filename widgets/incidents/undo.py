"""Undo of the last status change, for UNDO_S seconds: the offer, and the bar the card shows it in.

A status change made here (card buttons, F6-F8, the command palette) goes through
``change_status`` below, which records an offer on the gateway's ``StatusUndoOffers``; the
card shows it with a countdown and runs it on "Undo" or Ctrl+Z. The gateway takes the change
back: dropped from the outbox while it has not left this desk, or undone on the server, which
keeps its own (longer) window and checks that nothing happened since.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from widgets.common import incident_labels as labels
from widgets.common.palette import STATE_COLORS

UNDO_S = 10


@dataclass(frozen=True)
class StatusUndo:
    incident_id: int
    number: str
    previous: str
    status: str
    version: int | None
    made_at: float  # time.monotonic()

    def left(self) -> float:
        return UNDO_S - (time.monotonic() - self.made_at)


class StatusUndoOffers(QObject):
    """The one live offer per gateway (the last change made here), shared by the card and the palette."""

    changed = Signal(object)  # StatusUndo, or None when it is taken, expired or superseded

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("statusUndoOffers")
        self.current: StatusUndo | None = None
        self._expire = QTimer(self, singleShot=True, timeout=self.withdraw)

    def offer(self, undo: StatusUndo) -> None:
        self.current = undo
        self._expire.start(int(UNDO_S * 1000))
        self.changed.emit(undo)

    def live(self) -> StatusUndo | None:
        if self.current is not None and self.current.left() <= 0:
            self.withdraw()
        return self.current

    def withdraw(self) -> None:
        if self.current is not None:
            self.current = None
            self._expire.stop()
            self.changed.emit(None)


def offers(gateway) -> StatusUndoOffers:
    """The gateway's offers, made on first use (a child of the gateway, so it lives as long)."""
    found = gateway.findChild(StatusUndoOffers, "statusUndoOffers")
    return found if found is not None else StatusUndoOffers(gateway)


def change_status(gateway, incident_id: int, version: int | None, status: str, note: str | None = None,
                  on_done=None, on_error=None, *, previous: str | None = None) -> None:
    """gateway.change_status, and once it is saved, an offer to take it back (to ``previous``, the
    status the operator saw; by default the gateway's copy)."""
    if previous is None:
        before = gateway.cached(incident_id)
        previous = before.status if before is not None else None

    def done(inc) -> None:
        if previous is not None and inc is not None and inc.status == status:
            offers(gateway).offer(StatusUndo(inc.id, inc.number, previous, status, inc.version, time.monotonic()))
        if on_done is not None:
            on_done(inc)

    gateway.change_status(incident_id, version, status, note, on_done=done, on_error=on_error)


def undo(gateway, on_done=None, on_error=None) -> StatusUndo | None:
    """Take back the live offer, if any; the offer it took."""
    shared = offers(gateway)
    taken = shared.live()
    if taken is None:
        return None
    shared.withdraw()
    gateway.undo_status(taken.incident_id, taken.version, taken.previous, on_done=on_done, on_error=on_error)
    return taken


class UndoBar(QFrame):
    """"И-000302: Acknowledged. [Undo (Ctrl+Z) 9 s]" while the offer lives."""

    undo_requested = Signal()

    def __init__(self, shared: StatusUndoOffers, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.setStyleSheet(f"#undoBar {{ background: #17324f; border-left: 4px solid {STATE_COLORS['info']}; }}")
        self.shared = shared
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton()
        self.button.setObjectName("undoButton")
        self.button.clicked.connect(self.undo_requested)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 3, 6, 3)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.button)
        self._tick = QTimer(self, interval=250, timeout=self._update)
        shared.changed.connect(self._offer_changed)
        self.hide()

    def _offer_changed(self, offer: StatusUndo | None) -> None:
        if offer is None:
            self._tick.stop()
            self.hide()
            return
        self.label.setText(self.tr("{0}: {1} → {2}").format(offer.number, labels.status_name(offer.previous),
                                                              labels.status_name(offer.status)))
        self._update()
        self._tick.start()
        self.show()

    def _update(self) -> None:
        offer = self.shared.live()
        if offer is None:
            return
        self.button.setText(self.tr("Undo (Ctrl+Z) · {0} s").format(max(1, round(offer.left()))))
