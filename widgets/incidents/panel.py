"""The dispatcher's live incident queue: filter bar, table, critical alert."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QStyledItemDelegate,
                               QTableView, QVBoxLayout, QWidget)

from backend_client.schemas.incidents import CATEGORY_NAMES, PRIORITIES, SOURCES, STATUSES, IncidentOut
from widgets.common import incident_labels as labels
from widgets.incidents.addresses import AddressIndex
from widgets.incidents.alert import CriticalAlert
from widgets.incidents.filters import IncidentFilterBar
from widgets.incidents.model import (ADDRESS, AGE, ASSIGNEE, CATEGORY, NUMBER, PRIORITY, SLA, SOURCE, STATUS,
                                     IncidentTableModel, prepare_snapshot)
from widgets.incidents.proxy import IncidentProxyModel
from widgets.incidents.strip import CriticalStrip
from widgets.incidents.toast import CreatedToast

COLUMN_WIDTHS = {PRIORITY: 96, NUMBER: 78, CATEGORY: 164, STATUS: 88, ADDRESS: 220, AGE: 92, SLA: 96,
                 ASSIGNEE: 150, SOURCE: 80}
ASSIGNEE_MAX = 190
HEADER_PADDING = 34  # the sort arrow and the section's margins
CELL_PADDING = 14
HEADER_KEY = "incidents.queue_header"  # in settings.extra
COLUMNS_KEY = "incidents.queue_columns"  # the operator's own shown/hidden columns, in settings.extra
# Given up first, in this order, when the panel is too narrow for every column at its width:
# the table never scrolls sideways; the header's menu brings a column back.
LOW_VALUE_COLUMNS = (SOURCE, ASSIGNEE, AGE, CATEGORY)
OVERDUE_REFILTER_TICKS = 30  # who is overdue changes with the clock; re-filter every 30 s


class _MiddleElide(QStyledItemDelegate):
    """Identifiers keep both ends when cut: "И-0…354", not "И-000…"."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class IncidentQueuePanel(QWidget):
    ADDRESS_MIN = 200  # below this the address stops stretching and the table scrolls sideways

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.gateway = ctx.incidents
        self.model = IncidentTableModel(self)
        self.proxy = IncidentProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self._loading = False
        self._buffer: list[IncidentOut] = []   # live changes that arrive while a snapshot is prepared
        self._syncing_selection = False
        self._ticks = 0
        self._form = None
        self._addresses = None  # the city's house list, indexed off the GUI thread once
        self._widths: dict[int, int] = {}  # the width a column hidden for want of room comes back at
        self._chosen: dict[int, bool] = {}

        self.alert = CriticalAlert(ctx.settings, self)
        self.alert.acknowledged.connect(self._alert_acknowledged)
        self.toast = CreatedToast(self)
        self.toast.open_requested.connect(self._toast_open)
        self.strip = CriticalStrip(self.model, self)
        self.strip.open_requested.connect(self._open_from_strip)
        self.filter_bar = IncidentFilterBar(self)
        self.filter_bar.changed.connect(self._filter_changed)
        self.filter_bar.search.returnPressed.connect(self._search_entered)
        self.new_button = QPushButton(self.tr("+ New"))
        self.new_button.setProperty("accent", True)
        self.new_button.setToolTip(self.tr("Log a new incident (Ctrl+N)"))
        self.new_button.clicked.connect(lambda: self.open_create_form())

        self.view = QTableView(self)
        self.view.setObjectName("incidentQueue")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSortingEnabled(True)
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        for col, width in COLUMN_WIDTHS.items():
            header.resizeSection(col, width)
        header.setSectionResizeMode(ADDRESS, QHeaderView.ResizeMode.Stretch)
        self.view.viewport().installEventFilter(self)  # keeps the address readable in a narrow dock
        header.setSortIndicator(PRIORITY, Qt.SortOrder.AscendingOrder)
        saved = ctx.settings.extra.get(HEADER_KEY)
        if saved:  # the operator's column order, widths and sort survive a restart
            header.restoreState(QByteArray.fromBase64(saved.encode()))
        self._exact = not saved  # fit the columns to their contents until the operator has widths of their own
        # {column: shown} as the operator chose in the header's menu; other columns follow the width.
        self._chosen: dict[int, bool] = {int(k): bool(v) for k, v in ctx.settings.extra.get(COLUMNS_KEY, {}).items()
                                         if str(k).isdigit() and int(k) < self.model.columnCount()}
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setToolTip(self.tr("Right-click to choose the columns"))
        self.fit_headers()
        self.view.setItemDelegateForColumn(NUMBER, _MiddleElide(self.view))
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.activated.connect(self._open_current)  # double-click or Enter opens the card

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 6, 0)
        top.setSpacing(0)
        top.addWidget(self.filter_bar, 1)
        top.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignTop)  # beside the first row of a wrapped bar
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.alert)
        lay.addWidget(self.strip)
        lay.addWidget(self.toast)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)

        self.gateway.incidents_loaded.connect(self._on_loaded)
        self.gateway.incident_changed.connect(self._on_changed)
        self.gateway.incident_renumbered.connect(self._on_renumbered)
        ctx.bus.incident_selected.connect(self.select_incident)
        ctx.bus.area_filter_changed.connect(self.filter_bar.set_area)
        ctx.bus.create_incident_at.connect(self.open_create_form)
        self.proxy.modelReset.connect(self._update_counts)
        self.proxy.layoutChanged.connect(self._update_counts)
        self.proxy.rowsInserted.connect(self._update_counts)
        self.proxy.rowsRemoved.connect(self._update_counts)

        self.timer = QTimer(self, interval=1000, timeout=self._tick)
        self.timer.start()
        self.proxy.set_filter(self.filter_bar.current())
        self.gateway.load_services(self._services_loaded)
        self._loaded_once = False
        ctx.events.connection_changed.connect(self._connection_changed)
        self.gateway.refresh()
        ctx.tasks.run(AddressIndex.default, on_done=self._addresses_ready, what="address list")

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.model.retranslate()
            self._exact = True
            self.fit_headers()  # the new titles' widths
            self._update_counts()
            self.strip.tick()
            if self.alert.active:
                self.alert._update_text()

    # ------------------------------------------------------------ window hooks
    def attach_window(self, window) -> None:
        a = window.actions
        a["new_incident"].triggered.connect(lambda: self.open_create_form())
        a["refresh"].triggered.connect(self.gateway.refresh)
        a["find"].triggered.connect(self.focus_search)
        a["command_palette"].triggered.connect(self.open_palette)
        a["ack_alert"].triggered.connect(self.alert.acknowledge)

    def shutdown(self) -> None:
        self.ctx.settings.extra[HEADER_KEY] = bytes(self.view.horizontalHeader().saveState().toBase64()).decode()
        self.ctx.settings.extra[COLUMNS_KEY] = {str(c): shown for c, shown in self._chosen.items()}
        self.timer.stop()
        self.alert.acknowledge()

    def open_palette(self):
        from widgets.incidents.palette import CommandPalette

        window = self.window()
        palette = CommandPalette(self.ctx, self, window)

        def closed(_result: int) -> None:
            window.activateWindow()  # the keyboard goes back to the console, not nowhere
            palette.deleteLater()

        palette.finished.connect(closed)
        palette.open()
        palette.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return palette

    def find_number(self, text: str) -> int | None:
        """The incident a typed number means: "302", "И-302", "и-000302", "Л-3"; None if not one."""
        return self.model.find_number(text)

    def _search_entered(self) -> None:
        """Enter in the search: open the single match, or go to the first of several."""
        self.filter_bar.flush()
        if self.proxy.rowCount() == 1:
            self.select_incident(self.proxy.incident_id(0), emit=True)
            self._open_current(self.proxy.index(0, 0))
        elif self.proxy.rowCount() > 1:
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.view.selectRow(0)

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    # ------------------------------------------------------------ data
    def _on_loaded(self, items: list) -> None:
        # The snapshot's columns and sort orders are computed on a worker; the swap is cheap.
        self._loading = True
        self.ctx.tasks.run(prepare_snapshot, items, dict(self.model.service_names), on_done=self._apply_snapshot,
                           on_error=self._snapshot_failed, what="incidents.prepare")

    def _connection_changed(self, state: str, _detail: str) -> None:
        # A desk started while the server was away loads the queue when it comes back;
        # later drops resume the event stream from its last id, so nothing is missed.
        # (An offline gateway may have answered the first load from an empty cache.)
        if state == "connected" and not self._loading and (not self._loaded_once or self.model.rowCount() == 0):
            self.gateway.refresh()

    def _apply_snapshot(self, snap) -> None:
        self._loaded_once = True
        selected = self.current_incident_id()
        self.model.apply(snap)
        self._loading = False
        buffered, self._buffer = self._buffer, []
        for inc in buffered:
            self._on_changed(inc)
        if selected is not None:
            self.select_incident(selected, emit=False)

    def _snapshot_failed(self, exc) -> None:
        self._loading = False
        self.ctx.errors.report("incidents", exc)

    def _on_changed(self, inc: IncidentOut) -> None:
        if self._loading:
            self._buffer.append(inc)
            return
        is_new = self.model.upsert(inc)
        me = self.ctx.user.username if self.ctx.user else None
        if is_new and inc.priority == "critical" and inc.status == "new" and inc.created_by != me:
            self.alert.raise_for(inc)

    def _on_renumbered(self, old_id: int, new_id: int) -> None:
        if self._loading:
            self._buffer = [b.model_copy(update={"id": new_id}) if b.id == old_id else b for b in self._buffer]
        self.model.renumber(old_id, new_id)

    def _services_loaded(self, services) -> None:
        self.model.set_service_names({s.code: s.name for s in services})
        self.fit_headers()  # the widest short name

    def _open_from_strip(self, incident_id: int) -> None:
        self.select_incident(incident_id, emit=True)
        self.ctx.bus.incident_open_requested.emit(incident_id)

    def _tick(self) -> None:
        self.model.tick()
        self.strip.tick()
        self._ticks += 1
        if self.proxy.filter.overdue_only and self._ticks % OVERDUE_REFILTER_TICKS == 0:
            self.proxy.refilter()

    def _filter_changed(self, flt) -> None:
        self.proxy.set_filter(flt)

    def _update_counts(self, *args) -> None:
        self.filter_bar.set_counts(self.proxy.rowCount(), self.model.rowCount())

    # ------------------------------------------------------------ selection
    def current_incident_id(self) -> int | None:
        idx = self.view.selectionModel().currentIndex()
        return self.proxy.incident_id(idx.row()) if idx.isValid() else None

    def _current_changed(self, current, previous) -> None:
        if self._syncing_selection or not current.isValid():
            return
        incident_id = self.proxy.incident_id(current.row())
        if incident_id is not None:
            self._syncing_selection = True
            try:
                self.ctx.bus.incident_selected.emit(incident_id)
            finally:
                self._syncing_selection = False

    def select_incident(self, incident_id: int, emit: bool = False) -> bool:
        """Select and show the incident's row (e.g. chosen on the map); False if it is filtered out."""
        if self._syncing_selection:
            return False
        row = self.proxy.proxy_row_of(incident_id)
        if row < 0:
            return False
        self._syncing_selection = not emit
        try:
            idx = self.proxy.index(row, 0)
            self.view.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.view.scrollTo(idx, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._syncing_selection = False
        return True

    def _open_current(self, index) -> None:
        incident_id = self.proxy.incident_id(index.row())
        if incident_id is not None:
            self.ctx.bus.incident_open_requested.emit(incident_id)

    def _alert_acknowledged(self, ids: list) -> None:
        if ids and not self.select_incident(ids[-1], emit=True):
            self.ctx.bus.incident_selected.emit(ids[-1])

    # ------------------------------------------------------------ create
    def open_create_form(self, lat: float | None = None, lon: float | None = None, address: str = ""):
        from widgets.incidents.form import IncidentForm

        if self._form is not None and self._form.isVisible():
            self._form.prefill(lat, lon, address)
            self._form.raise_()
            self._form.activateWindow()
            return self._form
        self._form = IncidentForm(self.gateway, self.window(), bus=self.ctx.bus, addresses=self._addresses)
        self._form.prefill(lat, lon, address)
        self._form.created.connect(self._created)
        self._form.open()
        return self._form

    def _addresses_ready(self, index) -> None:
        self._addresses = index
        if self._form is not None:
            self._form.set_addresses(index)

    def fit_headers(self) -> None:
        """No column narrower than its title ("Приорите▾", "Источни") or the texts it shows."""
        header = self.view.horizontalHeader()
        self.view.ensurePolished()  # the theme's fonts, not the default ones
        header.ensurePolished()
        fm = header.fontMetrics()
        bold = QFont(self.view.font())
        bold.setBold(True)
        bold_cells = QFontMetrics(bold)  # the priority, a new incident's status and an overdue countdown are bold
        plain_cells = QFontMetrics(self.view.font())
        longest = {CATEGORY: [labels.category_short(c) for c in CATEGORY_NAMES],
                   STATUS: [labels.status_name(s) for s in STATUSES],
                   SOURCE: [labels.source_name(s) for s in SOURCES],
                   PRIORITY: ["● " + labels.priority_short(p) for p in PRIORITIES],
                   NUMBER: ["И-000000"],
                   # The clock columns' widest: a day-long and an hour-long countdown, overdue.
                   AGE: [labels.duration(99 * 86400 + 23 * 3600), labels.duration(23 * 3600 + 59 * 60)],
                   SLA: ["−" + labels.duration(99 * 86400 + 23 * 3600), "−" + labels.duration(23 * 3600 + 59 * 60)],
                   ASSIGNEE: [labels.org_short(n) for n in self.model.service_names.values()] or ["—"]}
        for col in range(self.model.columnCount()):
            if col == ADDRESS:
                continue
            title = self.model.headerData(col, Qt.Orientation.Horizontal)
            need = fm.horizontalAdvance(title) + HEADER_PADDING
            cells = bold_cells if col in (PRIORITY, STATUS, SLA) else plain_cells
            for text in longest.get(col, ()):
                need = max(need, cells.horizontalAdvance(text) + CELL_PADDING)
            if col == ASSIGNEE:
                need = min(need, ASSIGNEE_MAX)  # a longer short name elides, its full name in the tooltip
            if header.isSectionHidden(col):
                self._widths[col] = max(self._widths.get(col, COLUMN_WIDTHS[col]), need)
            elif header.sectionSize(col) < need or (self._exact and header.sectionSize(col) != need):
                header.resizeSection(col, need)
        self._fit_address(self.view.viewport().width())

    def _created(self, inc) -> None:
        """Say it was made, with its number, where the eye is, and offer the way to it."""
        shown = self.select_incident(inc.id, emit=True)
        self.toast.show_for(inc.number, inc.id, hidden=not shown)

    def _toast_open(self, incident_id: int) -> None:
        if not self.select_incident(incident_id, emit=True):
            self.filter_bar.clear()
            self.proxy.set_filter(self.filter_bar.current())
            self.select_incident(incident_id, emit=True)
        self.ctx.bus.incident_open_requested.emit(incident_id)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_address(event.size().width())
        return super().eventFilter(obj, event)

    def _fit_columns(self, width: int) -> None:
        """Hide the low-value columns the width has no room for; show them again when it has."""
        header = self.view.horizontalHeader()
        hidden = {c for c, shown in self._chosen.items() if not shown}
        room = width - self.ADDRESS_MIN

        def size(c: int) -> int:  # a hidden section reports 0; it comes back at its last width
            return header.sectionSize(c) if not header.isSectionHidden(c) else self._widths.get(c, COLUMN_WIDTHS[c])

        for col in LOW_VALUE_COLUMNS:
            if sum(size(c) for c in range(header.count()) if c != ADDRESS and c not in hidden) <= room:
                break
            if self._chosen.get(col) is None:
                hidden.add(col)
        for col in range(header.count()):
            if header.isSectionHidden(col) != (col in hidden):
                if col in hidden:
                    self._widths[col] = header.sectionSize(col)
                header.setSectionHidden(col, col in hidden)
                if col not in hidden and col in self._widths:
                    header.resizeSection(col, self._widths[col])

    def _header_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        menu = self._columns_menu()
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))
        menu.deleteLater()

    def _columns_menu(self):
        """Every column, ticked if shown: the way back to a column the width put away."""
        from PySide6.QtWidgets import QMenu

        header = self.view.horizontalHeader()
        menu = QMenu(self)
        for col in range(header.count()):
            title = self.model.headerData(col, Qt.Orientation.Horizontal)
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(col))
            action.setEnabled(col not in (PRIORITY, NUMBER, ADDRESS))  # what the queue is without
            action.toggled.connect(lambda on, c=col: self.choose_column(c, on))
        menu.addSeparator()
        menu.addAction(self.tr("Fit the columns to the panel"), self.reset_columns)
        return menu

    def choose_column(self, col: int, shown: bool) -> None:
        self._chosen[col] = shown
        self._fit_address(self.view.viewport().width())

    def reset_columns(self) -> None:
        self._chosen.clear()
        self._fit_address(self.view.viewport().width())

    def _fit_address(self, width: int) -> None:
        """Stretch the address column into spare width, but never squeeze it to nothing."""
        self._fit_columns(width)
        header = self.view.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(header.count())
                     if c != ADDRESS and not header.isSectionHidden(c))
        stretch = width - others >= self.ADDRESS_MIN
        mode = QHeaderView.ResizeMode.Stretch if stretch else QHeaderView.ResizeMode.Interactive
        if header.sectionResizeMode(ADDRESS) != mode:
            header.setSectionResizeMode(ADDRESS, mode)
            if not stretch:
                header.resizeSection(ADDRESS, COLUMN_WIDTHS[ADDRESS])
