"""The incident card: every field, the actions a dispatcher takes, comments, history, photos."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QComboBox, QCompleter, QFileDialog, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea,
                               QStackedWidget, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from backend_client.schemas.incidents import OPEN_STATUSES, PRIORITIES, REOPEN, TRANSITIONS, IncidentOut
from backend_client.cameras import CamerasApi
from widgets.common.nearby import open_near
from widgets.common.incident_texts import error_text
from widgets.common.palette import PRIORITY_COLORS, STATE_COLORS
from widgets.common import incident_labels as labels
from widgets.incidents import undo
from widgets.incidents.undo import UndoBar

THUMB = 96
_NUMBER = re.compile(r"\D*0*(\d{1,9})\s*$")
_STATUS_TONE = {"new": STATE_COLORS["info"], "acknowledged": STATE_COLORS["warning"],
                "in_progress": STATE_COLORS["warning"], "resolved": STATE_COLORS["ok"]}


def _local(dt) -> str:
    return dt.astimezone().strftime("%d.%m.%Y %H:%M")


def _chip(text: str, colour: str, dark_text: bool = False) -> str:
    fg = "#111" if dark_text else "#fff"
    return f"background: {colour}; color: {fg}; border-radius: 3px; padding: 2px 8px; font-weight: 700;"


class IncidentCardPanel(QWidget):
    """Shows the incident selected anywhere (ctx.bus.incident_selected) and acts on it."""

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.gateway = ctx.incidents
        self.incident: IncidentOut | None = None
        self.details = None
        self.services: list = []
        self.thumbs: dict[int, bytes] = {}
        self.status_buttons: dict[str, QPushButton] = {}
        self._window_actions: dict = {}
        self.busy = False
        self.undo_offers = undo.offers(self.gateway)
        self.undo_bar = UndoBar(self.undo_offers)
        self.undo_bar.undo_requested.connect(self.undo_status)
        # Anywhere in the window while an offer lives (F6 is pressed in the queue, too); a text box
        # with focus keeps Ctrl+Z for its own text.
        self.undo_shortcut = QShortcut(QKeySequence("Ctrl+Z"), self, self.undo_status,
                                       context=Qt.ShortcutContext.WindowShortcut)
        self.undo_shortcut.setEnabled(False)
        self.undo_offers.changed.connect(self._undo_offered)  # a method: disconnected when the card goes

        self.stack = QStackedWidget(self)
        self.empty = QLabel(self.tr("Select an incident in the queue or on the map."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setProperty("role", "muted")
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._build_card())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)

        self._reload = QTimer(self, singleShot=True, interval=250, timeout=self._load_details)
        self._clock = QTimer(self, interval=1000, timeout=self._update_sla)
        self._clock.start()
        ctx.bus.incident_selected.connect(self.show_incident)
        ctx.bus.incident_open_requested.connect(self._open_requested)
        self.gateway.incident_changed.connect(self._on_changed)
        self.gateway.incident_renumbered.connect(self._on_renumbered)
        self.gateway.load_services(self._services_loaded)

    # ------------------------------------------------------------ layout
    def _build_card(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)

        head = QFrame()
        head.setProperty("role", "card")
        hl = QGridLayout(head)
        hl.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel()
        self.title.setObjectName("cardTitle")
        self.title.setProperty("role", "title")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.priority_chip = QLabel()
        self.status_chip = QLabel()
        self.status_chip.setObjectName("cardStatus")
        self.sla_label = QLabel()
        self.sla_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        # Two rows: a wider status badge (Russian, say) wraps nothing and pushes nothing out.
        hl.addWidget(self.title, 0, 0)
        hl.addWidget(self.sla_label, 0, 1, 1, 2)
        hl.addWidget(self.priority_chip, 1, 0, Qt.AlignmentFlag.AlignLeft)
        hl.addWidget(self.status_chip, 1, 1, 1, 2, Qt.AlignmentFlag.AlignRight)
        hl.addWidget(self.subtitle, 2, 0, 1, 3)
        hl.setColumnStretch(0, 1)
        outer.addWidget(head)

        # The fixed frame: the details and the tabs scroll vertically in the middle; the head,
        # the action bar and the comment box stay pinned, so a shortcut's target is always in view.
        details = QWidget()
        details_lay = QVBoxLayout(details)
        details_lay.setContentsMargins(0, 0, 4, 0)

        fields = QFormLayout()
        fields.setHorizontalSpacing(12)
        fields.setVerticalSpacing(3)
        self.field_labels: dict[str, QLabel] = {}
        for key, title in (("category", self.tr("Category")), ("address", self.tr("Address")),
                           ("coords", self.tr("Coordinates")), ("source", self.tr("Source")),
                           ("assignee", self.tr("Assignee")), ("created", self.tr("Logged")),
                           ("updated", self.tr("Updated")), ("due", self.tr("SLA due")),
                           ("duplicate_of", self.tr("Duplicate of")), ("description", self.tr("Description"))):
            value = QLabel()
            value.setWordWrap(True)
            value.setMinimumWidth(60)  # wraps instead of widening the card
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName(f"field_{key}")
            name = QLabel(title)
            name.setProperty("role", "muted")
            fields.addRow(name, value)
            self.field_labels[key] = value
        fields.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        fields.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        details_lay.addLayout(fields)

        actions = QFrame()
        actions.setObjectName("cardActions")
        actions_lay = QVBoxLayout(actions)
        actions_lay.setContentsMargins(0, 4, 0, 0)
        actions_lay.setSpacing(4)
        # Status actions: rebuilt for each incident from the lifecycle table, three to a row.
        self.status_row = QGridLayout()
        self.status_row.setSpacing(4)
        actions_lay.addLayout(self.status_row)

        assign_row = QHBoxLayout()
        self.assign_combo = QComboBox()
        self.assign_combo.setObjectName("assignCombo")
        self.assign_combo.setMinimumWidth(120)
        self.assign_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.assign_combo.setMinimumContentsLength(10)
        # A picker you type into: "водо" + Enter assigns МУП «Водоканал».
        self.assign_combo.setEditable(True)
        self.assign_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.assign_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.assign_combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.assign_combo.lineEdit().returnPressed.connect(self._assign_typed)
        self.assign_button = QPushButton(self.tr("Assign"))
        self.assign_button.setToolTip(self.tr("Assign to the chosen city service (Ctrl+Shift+A)"))
        self.assign_button.clicked.connect(lambda: self.request_assign(self.assign_combo.currentData()))
        assign_row.addWidget(QLabel(self.tr("Service:")))
        assign_row.addWidget(self.assign_combo, 1)
        assign_row.addWidget(self.assign_button)
        actions_lay.addLayout(assign_row)

        prio_row = QHBoxLayout()
        self.priority_combo = QComboBox()
        self.priority_combo.setObjectName("priorityCombo")
        for p in PRIORITIES:
            self.priority_combo.addItem(labels.priority_name(p), p)
        self.priority_button = QPushButton(self.tr("Change priority"))
        self.priority_button.setToolTip(self.tr("Saved only if nobody changed the incident meanwhile"))
        self.priority_button.clicked.connect(lambda: self.request_priority(self.priority_combo.currentData()))
        prio_row.addWidget(QLabel(self.tr("Priority:")))
        prio_row.addWidget(self.priority_combo, 1)
        prio_row.addWidget(self.priority_button)
        actions_lay.addLayout(prio_row)

        dup_row = QHBoxLayout()
        self.duplicate_edit = QLineEdit()
        self.duplicate_edit.setPlaceholderText(self.tr("Number of the original, e.g. И-000123"))
        self.duplicate_button = QPushButton(self.tr("Mark duplicate"))
        self.duplicate_button.clicked.connect(lambda: self.request_duplicate(self.duplicate_edit.text()))
        self.duplicate_edit.returnPressed.connect(self.duplicate_button.click)
        dup_row.addWidget(self.duplicate_edit, 1)
        dup_row.addWidget(self.duplicate_button)
        actions_lay.addLayout(dup_row)

        # The archive is the supervisors' (the server refuses others); the client only hides it.
        self.cameras_button = QPushButton(self.tr("Cameras near this place at that time…"))
        self.cameras_button.setObjectName("camerasNear")
        self.cameras_button.setToolTip(self.tr("Opens the video archive of the recording cameras within 400 m, "
                                               "at the time the incident was registered"))
        self.cameras_button.clicked.connect(self.open_nearby_cameras)
        self.cameras_button.setVisible(self.ctx.has_role("supervisor"))
        details_lay.addWidget(self.cameras_button, 0, Qt.AlignmentFlag.AlignLeft)
        details_lay.addStretch(1)

        self.error = QLabel()
        self.error.setObjectName("cardError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.tabs = QTabWidget()
        # Comments
        comments = QWidget()
        cl = QVBoxLayout(comments)
        cl.setContentsMargins(4, 4, 4, 4)
        self.comment_list = QListWidget()
        self.comment_list.setWordWrap(True)
        self.commenting = False
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setObjectName("commentEdit")
        self.comment_edit.setPlaceholderText(self.tr("Comment for the shift and the services… (Ctrl+Enter sends)"))
        self.comment_edit.setMaximumHeight(64)
        self.comment_edit.setTabChangesFocus(True)
        self.comment_button = QPushButton(self.tr("Add comment"))
        self.comment_button.clicked.connect(lambda: self.request_comment(self.comment_edit.toPlainText()))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # sends from the box itself, whatever else has shortcuts
            QShortcut(QKeySequence(keys), self.comment_edit,
                      lambda: self.request_comment(self.comment_edit.toPlainText()),
                      context=Qt.ShortcutContext.WidgetShortcut)
        cl.addWidget(self.comment_list, 1)
        comment_row = QHBoxLayout()
        comment_row.addWidget(self.comment_edit, 1)
        comment_row.addWidget(self.comment_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.tabs.addTab(comments, self.tr("Comments"))
        # History
        self.history_tree = QTreeWidget()
        self.history_tree.setRootIsDecorated(False)
        self.history_tree.setHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("What"), self.tr("Change")])
        self.history_tree.setWordWrap(True)
        hh = self.history_tree.header()
        hh.setStretchLastSection(True)
        for col in (0, 1, 2):  # the times, names and kinds are short: never cut them ("22:…")
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.history_tree, self.tr("History"))
        # Attachments
        photos = QWidget()
        pl = QVBoxLayout(photos)
        pl.setContentsMargins(4, 4, 4, 4)
        self.attachment_list = QListWidget()
        self.attachment_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.attachment_list.setIconSize(QSize(THUMB, THUMB))
        self.attachment_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.attachment_list.setSpacing(6)
        self.attachment_list.itemActivated.connect(self._open_attachment)
        self.attach_button = QPushButton(self.tr("Attach photo…"))
        self.attach_button.clicked.connect(self._choose_photo)
        pl.addWidget(self.attachment_list, 1)
        pl.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs.addTab(photos, self.tr("Photos"))
        details_lay.addWidget(self.tabs, 1)
        self.tabs.setMinimumHeight(160)

        self.details_scroll = QScrollArea()
        self.details_scroll.setObjectName("cardDetails")
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details_scroll.setWidget(details)
        outer.addWidget(self.details_scroll, 1)
        outer.addWidget(self.error)
        outer.addWidget(self.undo_bar)
        outer.addWidget(actions)
        outer.addLayout(comment_row)
        return page

    # ------------------------------------------------------------ window hooks
    def attach_window(self, window) -> None:
        a = window.actions
        self._window_actions = a
        a["acknowledge"].triggered.connect(lambda: self.request_status("acknowledged"))
        a["start_work"].triggered.connect(lambda: self.request_status("in_progress"))
        a["resolve"].triggered.connect(self.request_resolve)
        a["assign"].triggered.connect(self._focus_assign)
        a["comment"].triggered.connect(self._focus_comment)
        self._update_actions()

    def _focus_assign(self) -> None:
        if self.incident is not None:
            self._raise_dock()
            self.assign_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.assign_combo.setEditText("")  # type the service's name; Enter assigns it

    def _assign_typed(self) -> None:
        """Enter in the service picker assigns the one service the typed text names."""
        text = self.assign_combo.currentText().strip().casefold()
        names = [self.assign_combo.itemText(i).casefold() for i in range(self.assign_combo.count())]
        exact = [i for i, n in enumerate(names) if n == text]
        hits = exact or [i for i, n in enumerate(names) if text and text in n]
        if len(hits) != 1:
            self._show_error(self.tr("Type more of the service's name: {0} match.").format(len(hits)))
            return
        self.assign_combo.setCurrentIndex(hits[0])
        self.request_assign(self.assign_combo.itemData(hits[0]))

    def _focus_comment(self) -> None:
        if self.incident is not None:
            self._raise_dock()
            self.tabs.setCurrentIndex(0)
            self.comment_edit.setFocus()

    def _raise_dock(self) -> None:
        dock = self.parentWidget()
        while dock is not None and not hasattr(dock, "toggleViewAction"):
            dock = dock.parentWidget()
        if dock is not None:
            dock.show()
            dock.raise_()

    def _open_requested(self, incident_id: int) -> None:
        self.show_incident(incident_id)
        self._raise_dock()

    # ------------------------------------------------------------ showing
    def show_incident(self, incident_id: int) -> None:
        if self.incident is not None and self.incident.id == incident_id:
            return
        self.error.hide()
        self.duplicate_edit.clear()
        self.comment_list.clear()
        self.history_tree.clear()
        self.attachment_list.clear()
        self.details = None
        inc = self.gateway.cached(incident_id)
        if inc is None:
            self.incident = None
            self.stack.setCurrentIndex(0)
            self.empty.setText(self.tr("Loading…"))
        else:
            self._set_incident(inc)
        self._pending_id = incident_id
        self._load_details()

    def _load_details(self) -> None:
        incident_id = self.incident.id if self.incident is not None else getattr(self, "_pending_id", None)
        if incident_id is None:
            return
        self.gateway.load_details(incident_id, self._details_loaded, on_error=self._show_error)

    def _details_loaded(self, details) -> None:
        current = self.incident.id if self.incident is not None else getattr(self, "_pending_id", None)
        if details.incident.id != current:
            return  # the operator moved on meanwhile
        self.details = details
        if self.incident is None or details.incident.version >= self.incident.version:
            self._set_incident(details.incident)
        self.comment_list.clear()
        for c in details.comments:
            item = QListWidgetItem(f"{_local(c.created_at)} · {c.author}\n{c.text}")
            self.comment_list.addItem(item)
        self.comment_list.scrollToBottom()
        self._show_history()
        self._show_attachments(details.attachments)

    def _show_history(self) -> None:
        self.history_tree.clear()
        for h in reversed(self.details.history):
            change = self._history_change(h)
            self.history_tree.addTopLevelItem(QTreeWidgetItem([_local(h.when), h.who, labels.field_name(h.field),
                                                               change]))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and self.incident is not None:
            # The same incident, its names in the new language; what the operator picked stays.
            picked = (self.priority_combo.currentIndex(), self.assign_combo.currentIndex())
            self._set_incident(self.incident)
            self.priority_combo.setCurrentIndex(picked[0])
            self.assign_combo.setCurrentIndex(picked[1])
            if self.details is not None and self.details.incident.id == self.incident.id:
                self._show_history()

    def _history_change(self, h) -> str:
        def show(v):
            if v is None or v == "":
                return "—"
            if h.field == "status" or h.field == "created":
                return labels.status_name(v)
            if h.field == "priority":
                return labels.priority_name(v)
            if h.field == "category":
                return labels.category_name(v)
            if h.field == "assignee":
                return self._service_name(v)
            return v
        if h.field in ("comment", "attachment"):
            return show(h.new)
        if h.field == "created":
            return show(h.new)
        return f"{show(h.old)} → {show(h.new)}"

    def _set_incident(self, inc: IncidentOut) -> None:
        self.incident = inc
        self.stack.setCurrentIndex(1)
        self.title.setText(inc.number)
        self.priority_chip.setText(labels.priority_name(inc.priority))
        self.priority_chip.setStyleSheet(_chip("", PRIORITY_COLORS[inc.priority], inc.priority in ("high", "medium")))
        self.status_chip.setText(labels.status_name(inc.status))
        self.status_chip.setStyleSheet(_chip("", _STATUS_TONE.get(inc.status, STATE_COLORS["offline"])))
        self.subtitle.setText(f"{labels.category_name(inc.category)} · {inc.address or '—'}")
        f = self.field_labels
        f["category"].setText(labels.category_name(inc.category))
        f["address"].setText(inc.address or "—")
        f["coords"].setText(f"{inc.lat:.6f}, {inc.lon:.6f}")
        f["source"].setText(labels.source_name(inc.source))
        f["assignee"].setText(self._service_name(inc.assignee) if inc.assignee else self.tr("not assigned"))
        f["created"].setText(f"{_local(inc.created_at)} · {inc.created_by or '—'}")
        f["updated"].setText(_local(inc.updated_at))
        f["due"].setText(_local(inc.sla_due_at))
        f["duplicate_of"].setText(self._number_of(inc.duplicate_of) if inc.duplicate_of else "—")
        f["description"].setText(inc.description)
        self._rebuild_status_buttons()
        self._select_assignee()
        self.priority_combo.setCurrentIndex(max(self.priority_combo.findData(inc.priority), 0))
        self._update_sla()
        self._update_actions()

    def _number_of(self, incident_id: int) -> str:
        other = self.gateway.cached(incident_id)
        return other.number if other else f"#{incident_id}"

    def _service_name(self, code: str | None) -> str:
        for s in self.services:
            if s.code == code:
                return s.name
        return code or "—"

    def _update_sla(self) -> None:
        inc = self.incident
        if inc is None:
            return
        if inc.status not in OPEN_STATUSES:
            self.sla_label.setText(self.tr("SLA clock stopped"))
            self.sla_label.setStyleSheet(f"color: {STATE_COLORS['offline']};")
            return
        left = inc.sla_due_at.timestamp() - time.time()
        if left < 0:
            self.sla_label.setText(self.tr("Overdue by {0}").format(labels.duration(left)))
            self.sla_label.setStyleSheet(f"color: {STATE_COLORS['alarm']}; font-weight: 700;")
        else:
            self.sla_label.setText(self.tr("{0} left").format(labels.duration(left)))
            self.sla_label.setStyleSheet("")

    def open_nearby_cameras(self) -> None:
        incident = self.incident
        if incident is None:
            return
        self.ctx.tasks.run(self.ctx.service(CamerasApi).list, what="cameras near an incident",
                           on_done=lambda cameras: self._open_near(incident, cameras))

    def _open_near(self, incident: IncidentOut, cameras) -> None:
        if not open_near(self.ctx.bus, cameras, incident.lat, incident.lon, incident.created_at):
            self.ctx.bus.status_message.emit(
                self.tr("No recording camera within 400 m of {0}").format(incident.number))

    def legal_transitions(self) -> list[str]:
        """Statuses the server will accept from here for this user (from the shared lifecycle table)."""
        if self.incident is None:
            return []
        old = self.incident.status
        supervisor = self.ctx.has_role("supervisor")
        return [s for s in TRANSITIONS.get(old, ()) if (old, s) not in REOPEN or supervisor]

    def _rebuild_status_buttons(self) -> None:
        while self.status_row.count():
            item = self.status_row.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.status_buttons = {}
        for status in self.legal_transitions():
            b = QPushButton(labels.status_action(status))
            b.setObjectName(f"status_{status}")
            if status == "rejected":
                b.setProperty("danger", True)
            elif status in ("acknowledged", "in_progress", "resolved", "closed"):
                b.setProperty("accent", status == self.legal_transitions()[0])
            b.clicked.connect(lambda _=False, s=status: self.request_status(s))
            if status == "resolved":
                b.setText(b.text() + "…")
            b.setEnabled(not self.busy)
            b.setToolTip(b.text())
            n = len(self.status_buttons)
            self.status_row.addWidget(b, n // 3, n % 3)
            self.status_buttons[status] = b
        self._enable_duplicate()

    def _update_actions(self) -> None:
        a = self._window_actions
        if not a:
            return
        legal = set(self.legal_transitions())
        a["acknowledge"].setEnabled("acknowledged" in legal)
        a["start_work"].setEnabled("in_progress" in legal)
        a["resolve"].setEnabled("resolved" in legal)
        a["assign"].setEnabled(self.incident is not None)
        a["comment"].setEnabled(self.incident is not None)

    def _services_loaded(self, services) -> None:
        self.services = list(services)
        self.assign_combo.clear()
        self.assign_combo.addItem(self.tr("— not assigned —"), None)
        for s in self.services:
            self.assign_combo.addItem(s.name, s.code)
            self.assign_combo.setItemData(self.assign_combo.count() - 1, s.phone, Qt.ItemDataRole.ToolTipRole)
        self._select_assignee()

    def _select_assignee(self) -> None:
        if self.incident is None or self.assign_combo.hasFocus():
            return  # a live update must not overwrite what the operator is typing
        i = self.assign_combo.findData(self.incident.assignee)
        self.assign_combo.setCurrentIndex(max(i, 0))
        if self.incident.assignee and i >= 0:
            self.field_labels["assignee"].setText(self.assign_combo.itemText(i))

    def _on_renumbered(self, old_id: int, new_id: int) -> None:
        """A local incident reached the server: follow it to its server id and number."""
        if getattr(self, "_pending_id", None) == old_id:
            self._pending_id = new_id
        if self.incident is None or self.incident.id != old_id:
            return
        server = self.gateway.cached(new_id)
        if server is not None:
            self._set_incident(server)
        else:  # the server's copy follows in incident_changed; any version of it wins
            self.incident = self.incident.model_copy(update={"id": new_id, "version": 0})
        self._reload.start()

    def _on_changed(self, inc: IncidentOut) -> None:
        if self.incident is not None and inc.id == self.incident.id and inc.version >= self.incident.version:
            self._set_incident(inc)
            self._reload.start()  # history and comments changed too

    # ------------------------------------------------------------ actions
    def _busy(self, on: bool) -> None:
        self.busy = on
        # Not the comment button: a comment needs no version, so it goes while an assignment or a status
        # change is still on its way (a dispatcher types the comment right after assigning).
        for w in (*self.status_buttons.values(), self.assign_button, self.priority_button, self.attach_button):
            w.setEnabled(not on)
        self._enable_duplicate()

    def _enable_duplicate(self) -> None:
        can = self.incident is not None and self.incident.status in OPEN_STATUSES and not self.busy
        self.duplicate_edit.setEnabled(can)
        self.duplicate_button.setEnabled(can)

    def _ok(self, _result=None) -> None:
        self._busy(False)
        self.error.hide()
        self._reload.start()

    def _show_error(self, exc) -> None:
        self._busy(False)
        self.error.setText(error_text(exc))
        self.error.show()

    def request_resolve(self) -> None:
        """Resolving asks for a resolution code and a note first."""
        if self.incident is None or "resolved" not in self.legal_transitions():
            return
        from widgets.incidents.resolve import ResolveDialog

        incident = self.incident
        dialog = ResolveDialog(incident.number, self.window())
        self.resolve_dialog = dialog

        def done(result: int) -> None:
            self.resolve_dialog = None
            if result == ResolveDialog.DialogCode.Accepted and self.incident is not None \
                    and self.incident.id == incident.id:
                self.request_status("resolved", dialog.result_note(), ask=False)
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()
        dialog.code.setFocus()

    def request_status(self, status: str, note: str | None = None, ask: bool = True) -> None:
        """Ask the server; an illegal or stale change comes back as a message in the card."""
        if self.incident is None:
            return
        if status == "resolved" and ask:
            self.request_resolve()
            return
        self._busy(True)
        undo.change_status(self.gateway, self.incident.id, self.incident.version, status, note, on_done=self._ok,
                           on_error=self._show_error, previous=self.incident.status)

    def _undo_offered(self, offer) -> None:
        self.undo_shortcut.setEnabled(offer is not None)

    def undo_status(self) -> None:
        """Take back the last status change made here, while its offer lives."""
        if self.undo_offers.live() is None:
            return
        self._busy(True)
        undo.undo(self.gateway, on_done=self._ok, on_error=self._show_error)

    def request_priority(self, priority: str) -> None:
        """A field edit: PATCH with If-Match, so a change made meanwhile by someone else is not overwritten."""
        if self.incident is None or priority == self.incident.priority:
            return
        self._busy(True)
        self.gateway.patch(self.incident.id, self.incident.version, {"priority": priority}, on_done=self._ok,
                           on_error=self._show_error)

    def request_assign(self, service_code: str | None) -> None:
        if self.incident is None:
            return
        self._busy(True)
        self.gateway.assign(self.incident.id, self.incident.version, service_code, on_done=self._ok,
                            on_error=self._show_error)

    def request_duplicate(self, text: str) -> None:
        if self.incident is None:
            return
        m = _NUMBER.match(text.strip())
        if not m:
            self._show_error(self.tr("Enter the number of the original incident, e.g. И-000123 or 123."))
            return
        self._busy(True)
        self.gateway.mark_duplicate(self.incident.id, self.incident.version, int(m.group(1)), on_done=self._ok,
                                    on_error=self._show_error)

    def request_comment(self, text: str) -> None:
        if self.incident is None or self.commenting:  # Ctrl+Enter pressed twice sends one comment
            return
        if not text.strip():
            self.error.setText(self.tr("Write the comment first."))
            self.error.show()
            return

        def finished() -> None:
            self.commenting = False
            self.comment_button.setEnabled(True)

        def done(_comment) -> None:
            finished()
            if self.comment_edit.toPlainText() == text:  # what was typed since stays in the box
                self.comment_edit.clear()
            self.error.hide()
            self._reload.start()

        def failed(exc) -> None:
            finished()
            self.error.setText(error_text(exc))
            self.error.show()

        self.commenting = True
        self.comment_button.setEnabled(False)
        self.gateway.add_comment(self.incident.id, text.strip(), on_done=done, on_error=failed)

    def attach_file(self, path: str) -> None:
        if self.incident is None or not path:
            return
        self._busy(True)
        self.gateway.attach(self.incident.id, path, on_done=self._ok, on_error=self._show_error)

    def _choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach photo"), str(Path.home()),
                                              self.tr("Photos (*.jpg *.jpeg *.png *.webp)"))
        self.attach_file(path)

    # ------------------------------------------------------------ attachments
    def _show_attachments(self, attachments) -> None:
        self.attachment_list.clear()
        for a in attachments:
            item = QListWidgetItem(f"{a.filename}\n{a.size // 1024} KB")
            item.setData(Qt.ItemDataRole.UserRole, a)
            item.setToolTip(f"{a.filename} · {a.uploaded_by} · {_local(a.created_at)}")
            self.attachment_list.addItem(item)
            if a.id in self.thumbs:
                self._set_thumb(item, self.thumbs[a.id])
            elif a.content_type.startswith("image/"):
                self.gateway.download_attachment(a, lambda data, aid=a.id: self._thumb_loaded(aid, data),
                                                 on_error=lambda exc: None)

    def _thumb_loaded(self, attachment_id: int, data: bytes) -> None:
        self.thumbs[attachment_id] = data
        for i in range(self.attachment_list.count()):
            item = self.attachment_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole).id == attachment_id:
                self._set_thumb(item, data)

    @staticmethod
    def _set_thumb(item: QListWidgetItem, data: bytes) -> None:
        pix = QPixmap()
        if pix.loadFromData(data):
            item.setIcon(QIcon(pix.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation)))

    def _open_attachment(self, item: QListWidgetItem) -> None:
        a = item.data(Qt.ItemDataRole.UserRole)

        def write(data: bytes) -> str:
            folder = Path(tempfile.gettempdir()) / "sc-attachments"
            folder.mkdir(exist_ok=True)
            path = folder / f"{a.id}-{Path(a.filename).name}"
            path.write_bytes(data)
            return str(path)

        def opened(data: bytes) -> None:  # disk work off the GUI thread, then the system viewer
            self.ctx.tasks.run(write, data, serial=True, what="attachment.open",
                               on_done=lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(path)))

        if a.id in self.thumbs:
            opened(self.thumbs[a.id])
        else:
            self.gateway.download_attachment(a, opened, on_error=self._show_error)
