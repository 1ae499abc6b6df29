"""The pinned strip above the queue: every critical incident nobody has acknowledged yet, with
the time since it came in. A red tint in a long table is easy to miss for 19 minutes; this is not."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from widgets.common import incident_labels as labels
from widgets.common.palette import PRIORITY_COLORS

CRITICAL_RANK = 0  # the model's priority rank of "critical"
MAX_CHIPS = 8


class CriticalStrip(QFrame):
    open_requested = Signal(int)

    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("criticalStrip")
        self.setStyleSheet(f"#criticalStrip {{ background: #3a1416; border-bottom: 2px solid "
                           f"{PRIORITY_COLORS['critical']}; }} #criticalStrip QPushButton {{ padding: 2px 8px; }}")
        self.title = QLabel()
        self.title.setStyleSheet(f"color: {PRIORITY_COLORS['critical']}; font-weight: 700;")
        self.more = QLabel()
        self.lay = QHBoxLayout(self)
        self.lay.setContentsMargins(8, 3, 8, 3)
        self.lay.setSpacing(6)
        self.lay.addWidget(self.title)
        self.lay.addStretch(1)
        self.lay.addWidget(self.more)
        self.chips: dict[int, QPushButton] = {}
        self.ids: list[int] = []
        self._refresh = QTimer(self, singleShot=True, interval=200, timeout=self.rebuild)
        for sig in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            sig.connect(lambda *_: self._refresh.start())
        self.hide()

    def unacknowledged(self) -> list[int]:
        """Rows of critical incidents still "new", oldest first."""
        m = self.model
        rows = [r for r, (p, s) in enumerate(zip(m.prio, m.status)) if p == CRITICAL_RANK and s == "new"]
        return sorted(rows, key=lambda r: m.created[r])

    def rebuild(self) -> None:
        rows = self.unacknowledged()
        ids = [self.model.ids[r] for r in rows]
        if ids != self.ids:
            self.ids = ids
            for chip in self.chips.values():
                chip.deleteLater()
            self.chips = {}
            for row in rows[:MAX_CHIPS]:
                inc = self.model.items[row]
                chip = QPushButton()
                chip.setObjectName(f"critical_{inc.id}")
                chip.setProperty("danger", True)
                chip.setToolTip(f"{inc.number} · {labels.category_name(inc.category)}\n{inc.address}")
                chip.clicked.connect(lambda _=False, i=inc.id: self.open_requested.emit(i))
                self.lay.insertWidget(self.lay.count() - 2, chip)
                self.chips[inc.id] = chip
        self.setVisible(bool(ids))
        self.tick()

    def tick(self) -> None:
        if not self.ids:
            return
        now = time.time()
        self.title.setText(self.tr("⚠ Not acknowledged: {0}").format(len(self.ids)))
        for incident_id, chip in self.chips.items():
            row = self.model.row_of.get(incident_id)
            if row is None:
                continue
            inc = self.model.items[row]
            chip.setText(self.tr("{0} · {1} ago").format(inc.number, labels.duration(now - self.model.created[row])))
        hidden = len(self.ids) - len(self.chips)
        self.more.setText(self.tr("+{0} more").format(hidden) if hidden > 0 else "")
        self.more.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
