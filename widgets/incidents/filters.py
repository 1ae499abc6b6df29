"""The filter bar above the queue: text, status, category, priority, overdue, map area."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QMenu, QToolButton, QWidget

from backend_client.schemas.incidents import CATEGORY_NAMES, OPEN_STATUSES, PRIORITIES, STATUSES
from widgets.common.palette import PRIORITY_COLORS
from widgets.incidents import labels
from widgets.incidents.proxy import IncidentFilter


class _MultiChoice(QToolButton):
    """A drop-down of checkable codes; the button text says what is chosen."""

    changed = Signal()

    def __init__(self, title: str, codes: list[str], name_of, parent=None) -> None:
        super().__init__(parent)
        self.title = title
        self.name_of = name_of
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.all_action = self.menu_.addAction(self.tr("All"))
        self.all_action.triggered.connect(lambda: self.set_selected(set()))
        self.menu_.addSeparator()
        self.actions_: dict[str, QAction] = {}
        for code in codes:
            a = self.menu_.addAction(name_of(code))
            a.setCheckable(True)
            a.toggled.connect(self._changed)
            self.actions_[code] = a
        self.setMenu(self.menu_)
        self._update_text()

    def selected(self) -> set[str]:
        return {c for c, a in self.actions_.items() if a.isChecked()}

    def set_selected(self, codes: set[str]) -> None:
        for c, a in self.actions_.items():
            a.blockSignals(True)
            a.setChecked(c in codes)
            a.blockSignals(False)
        self._changed()

    def _changed(self, *args) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        sel = [c for c in self.actions_ if self.actions_[c].isChecked()]
        if not sel:
            value = self.tr("all")
        elif len(sel) <= 2:
            value = ", ".join(self.name_of(c) for c in sel)
        else:
            value = self.tr("{0} selected").format(len(sel))
        self.setText(f"{self.title}: {value}")


class IncidentFilterBar(QWidget):
    changed = Signal(object)  # IncidentFilter

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentFilterBar")
        self.area: list[tuple[float, float]] | None = None
        self.search = QLineEdit()
        self.search.setObjectName("incidentSearch")
        self.search.setPlaceholderText(self.tr("Search: number, address, description…  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.status = _MultiChoice(self.tr("Status"), list(STATUSES), labels.status_name)
        self.category = _MultiChoice(self.tr("Category"), list(CATEGORY_NAMES), labels.category_name)
        self.priority_buttons: dict[str, QToolButton] = {}
        self.overdue = QCheckBox(self.tr("Overdue only"))
        self.area_label = QLabel()
        self.area_label.setProperty("role", "muted")
        self.area_clear = QToolButton()
        self.area_clear.setText(self.tr("Clear area"))
        self.area_clear.clicked.connect(lambda: self.set_area(None))
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.setSpacing(6)
        lay.addWidget(self.search, 2)
        lay.addWidget(self.status)
        lay.addWidget(self.category)
        for p in PRIORITIES:
            b = QToolButton()
            b.setText(labels.priority_name(p))
            b.setCheckable(True)
            b.setToolTip(self.tr("Show only this priority (several may be chosen)"))
            b.setStyleSheet(f"QToolButton {{ color: {PRIORITY_COLORS[p]}; font-weight: 600; }}"
                            f"QToolButton:checked {{ background: {PRIORITY_COLORS[p]}; color: #111; }}")
            b.toggled.connect(self._emit)
            self.priority_buttons[p] = b
            lay.addWidget(b)
        lay.addWidget(self.overdue)
        lay.addWidget(self.area_label)
        lay.addWidget(self.area_clear)
        lay.addStretch(1)
        lay.addWidget(self.count_label)

        self._debounce = QTimer(self, singleShot=True, interval=150, timeout=self._emit)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.status.changed.connect(self._emit)
        self.category.changed.connect(self._emit)
        self.overdue.toggled.connect(self._emit)
        self.status.set_selected(set(OPEN_STATUSES))  # the working queue: what still needs someone
        self.set_area(None)

    def current(self) -> IncidentFilter:
        return IncidentFilter(statuses=self.status.selected(), categories=self.category.selected(),
                              priorities={p for p, b in self.priority_buttons.items() if b.isChecked()},
                              text=self.search.text(), overdue_only=self.overdue.isChecked(), area=self.area)

    def set_area(self, polygon) -> None:
        self.area = [(float(p[0]), float(p[1])) for p in polygon] if polygon else None
        self.area_label.setText(self.tr("▣ Map area") if self.area else "")
        self.area_label.setVisible(bool(self.area))
        self.area_clear.setVisible(bool(self.area))
        self._emit()

    def set_counts(self, shown: int, total: int) -> None:
        self.count_label.setText(self.tr("{0} of {1}").format(f"{shown:,}".replace(",", "\u2009"),
                                                              f"{total:,}".replace(",", "\u2009")))

    def _emit(self, *args) -> None:
        self.changed.emit(self.current())
