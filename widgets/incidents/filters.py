"""The filter bar above the queue: text, status, category, priority, overdue, map area."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QLabel, QLineEdit, QMenu, QSizePolicy, QToolButton,
                               QWidget)

from backend_client.schemas.incidents import CATEGORY_NAMES, OPEN_STATUSES, PRIORITIES, STATUSES
from widgets.common.palette import PRIORITY_COLORS
from widgets.common import incident_labels as labels
from widgets.incidents.flow import FlowLayout
from widgets.incidents.proxy import IncidentFilter


class _MultiChoice(QToolButton):
    """A drop-down of checkable codes; the button text says what is chosen."""

    changed = Signal()

    def __init__(self, title: str, all_text: str, codes: list[str], name_of, parent=None,
                 presets: list[tuple[str, set[str]]] = (), short_of=None) -> None:
        super().__init__(parent)
        self.title = title
        self.all_text = all_text
        self.setToolTip(title)
        self.name_of = name_of
        self.short_of = short_of or name_of  # on the button; the full name is in the tooltip
        self.presets = list(presets)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.all_action = self.menu_.addAction(all_text)
        self.all_action.triggered.connect(lambda: self.set_selected(set()))
        self._preset_actions = []
        for name, codes_ in self.presets:
            action = self.menu_.addAction(name)
            action.triggered.connect(lambda _=False, c=codes_: self.set_selected(set(c)))
            self._preset_actions.append(action)
        self.menu_.addSeparator()
        self.actions_: dict[str, QAction] = {}
        for code in codes:
            a = self.menu_.addAction(name_of(code))
            a.setCheckable(True)
            a.toggled.connect(self._changed)
            self.actions_[code] = a
        self.setMenu(self.menu_)
        self._update_text()

    def retitle(self, title: str, all_text: str, preset_names: list[str]) -> None:
        """The same choice, named in the language now installed."""
        self.title, self.all_text = title, all_text
        self.setToolTip(title)
        self.all_action.setText(all_text)
        self.presets = [(name, codes) for name, (_old, codes) in zip(preset_names, self.presets)]
        for action, (name, _codes) in zip(self._preset_actions, self.presets):
            action.setText(name)
        for code, a in self.actions_.items():
            a.setText(self.name_of(code))
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
        preset = next((name for name, codes in self.presets if set(sel) == set(codes)), None)
        if preset:
            value = preset
        elif not sel:
            value = self.all_text
        elif len(sel) == 1:
            value = self.short_of(sel[0])
        else:
            value = self.tr("{0}: {1} selected").format(self.title, len(sel))
        self.setText(value)
        names = ", ".join(self.name_of(c) for c in sel) if sel and not preset else value
        self.setToolTip(f"{self.title}: {names}")
        self.updateGeometry()  # a longer text needs a wider button (the bar wraps rather than cuts it)


class IncidentFilterBar(QWidget):
    changed = Signal(object)  # IncidentFilter

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentFilterBar")
        self.area: list[tuple[float, float]] | None = None
        self.search = QLineEdit()
        self.search.setObjectName("incidentSearch")
        self.search.setPlaceholderText(self.tr("Number, address, text…"))
        self.search.setToolTip(self.tr("Search by number, address or description (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(110)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.status = _MultiChoice(self.tr("Status"), self.tr("All statuses"), list(STATUSES), labels.status_name,
                                   presets=[(self.tr("Open incidents"), set(OPEN_STATUSES))])
        self.category = _MultiChoice(self.tr("Category"), self.tr("All categories"), list(CATEGORY_NAMES),
                                     labels.category_name, short_of=labels.category_short)
        self.priority_buttons: dict[str, QToolButton] = {}
        self.overdue = QCheckBox(self.tr("Overdue"))
        self.overdue.setToolTip(self.tr("Only incidents past their SLA due time"))
        self.area_label = QLabel()
        self.area_label.setProperty("role", "muted")
        self.area_clear = QToolButton()
        self.area_clear.setText(self.tr("Clear area"))
        self.area_clear.clicked.connect(lambda: self.set_area(None))
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        # Narrowed, the bar wraps onto more rows: every label stays whole ("О…е" was "Открытые").
        lay = FlowLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(self.search)
        lay.addWidget(self.status)
        lay.addWidget(self.category)
        for p in PRIORITIES:
            b = QToolButton()
            b.setText(labels.priority_short(p))
            b.setCheckable(True)
            b.setToolTip(labels.priority_name(p) + " — " + self.tr("show only this priority (several may be chosen)"))
            b.setStyleSheet(f"QToolButton {{ color: {PRIORITY_COLORS[p]}; font-weight: 600; }}"
                            f"QToolButton:checked {{ background: {PRIORITY_COLORS[p]}; color: #111; }}")
            b.toggled.connect(self._emit)
            self.priority_buttons[p] = b
            lay.addWidget(b)
        lay.addWidget(self.overdue)
        lay.addWidget(self.area_label)
        lay.addWidget(self.area_clear)
        lay.addWidget(self.count_label)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

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
        shown_s, total_s = (f"{n:,}".replace(",", "\u2009") for n in (shown, total))
        self.count_label.setText(self.tr("{0} of {1}").format(shown_s, total_s))
        self.count_label.setToolTip(self.tr("{0} incidents match the filter, of {1} on this workstation")
                                    .format(shown_s, total_s))

    def clear(self) -> None:
        """Show every incident: all statuses, categories and priorities, no search, no area."""
        self.blockSignals(True)
        try:
            self.search.clear()
            self.status.set_selected(set(STATUSES))
            self.category.set_selected(set(CATEGORY_NAMES))
            for b in self.priority_buttons.values():
                b.setChecked(False)
            self.overdue.setChecked(False)
            self.area = None
            self.set_area(None)
        finally:
            self.blockSignals(False)
        self._debounce.stop()
        self._emit()

    def flush(self) -> None:
        """Apply a search still waiting for its debounce now (Enter was pressed)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._emit()

    def _emit(self, *args) -> None:
        self.changed.emit(self.current())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            # The choices keep what is selected; only their names change.
            self.status.retitle(self.tr("Status"), self.tr("All statuses"), [self.tr("Open incidents")])
            self.category.retitle(self.tr("Category"), self.tr("All categories"), [])
            self.area_label.setText(self.tr("▣ Map area") if self.area else "")
            for p, b in self.priority_buttons.items():
                b.setText(labels.priority_short(p))
                b.setToolTip(labels.priority_name(p) + " — "
                             + self.tr("show only this priority (several may be chosen)"))
