"""Dialogs for what the sync could not settle alone: conflicts (per-field choice) and failures."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFrame,
                               QGridLayout, QHBoxLayout, QLabel, QMessageBox, QPushButton, QRadioButton,
                               QScrollArea, QVBoxLayout, QWidget)

from widgets.common.palette import STATE_COLORS
from widgets.common.protocols import PendingOperation as Op
from widgets.common import incident_labels as labels

translate = QCoreApplication.translate  # lupdate finds translate("context", "literal")


def field_label(name: str) -> str:
    text = labels.field_name(name)
    return text[:1].upper() + text[1:]


def show_value(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if name == "status":
        return labels.status_name(value)
    if name == "priority":
        return labels.priority_name(value)
    if name == "category":
        return labels.category_name(value)
    return str(value)


class ConflictDialog(QDialog):
    """Both versions side by side; the operator picks, per field, which one stays."""

    def __init__(self, op: Op, parent=None) -> None:
        super().__init__(parent)
        self.op = op
        self.server = op.server or {}
        self.setObjectName("conflictDialog")
        number = self.server.get("number") or str(op.incident_id)
        self.setWindowTitle(self.tr("Conflict: incident {0}").format(number))
        self.setMinimumWidth(900)
        intro = QLabel(self.tr("While you worked offline, someone else changed incident {0} (it is now version "
                               "{1}). For each field, choose which value to keep. Nothing is sent until you "
                               "decide.").format(number, self.server.get("version", "?")))
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        heads = [self.tr("Field"), self.tr("When you edited"), self.tr("Your version"), self.tr("On the server now")]
        for col, text in enumerate(heads):
            lab = QLabel(f"<b>{text}</b>")
            grid.addWidget(lab, 0, col)
        self.groups: dict[str, QButtonGroup] = {}
        mine = op.changes()
        for row, (name, value) in enumerate(mine.items(), start=1):
            theirs = self.server.get(name)
            grid.addWidget(QLabel(field_label(name)), row, 0)
            was = QLabel(show_value(name, op.base.get(name)))
            was.setStyleSheet(f"color: {STATE_COLORS['offline']};")
            was.setWordWrap(True)
            grid.addWidget(was, row, 1)
            group = QButtonGroup(self)
            a = QRadioButton(show_value(name, value))
            b = QRadioButton(show_value(name, theirs))
            a.setObjectName(f"mine_{name}")
            b.setObjectName(f"theirs_{name}")
            for btn in (a, b):  # the kept value stands out, whatever the theme
                btn.setStyleSheet(f"QRadioButton {{ padding: 4px; }} QRadioButton:checked {{ "
                                  f"color: {STATE_COLORS['ok']}; font-weight: 700; }}")
            group.addButton(a, 0)
            group.addButton(b, 1)
            b.setChecked(True)  # nothing overwritten unless the operator says so
            grid.addWidget(a, row, 2)
            grid.addWidget(b, row, 3)
            self.groups[name] = group
        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setLayout(grid)
        self.buttons = QDialogButtonBox()
        self.apply_button = self.buttons.addButton(self.tr("Apply my choice"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("Decide later"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(box)
        lay.addWidget(self.buttons)

    def choose(self, name: str, mine: bool) -> None:
        self.groups[name].button(0 if mine else 1).setChecked(True)

    def chosen_changes(self) -> dict:
        """The fields to send: those where the operator kept their value and it differs from the server."""
        mine = self.op.changes()
        return {name: mine[name] for name, group in self.groups.items()
                if group.checkedId() == 0 and mine[name] != self.server.get(name)}


def describe_op(op: Op) -> str:
    kinds = {"create": translate("OfflineOutbox", "New incident"), "patch": translate("OfflineOutbox", "Edit"),
             "status": translate("OfflineOutbox", "Status change"),
             "assign": translate("OfflineOutbox", "Assignment"),
             "duplicate": translate("OfflineOutbox", "Duplicate mark"),
             "comment": translate("OfflineOutbox", "Comment"), "attach": translate("OfflineOutbox", "Photo")}
    what = kinds.get(op.kind, op.kind)
    if op.kind == "create":
        detail = op.payload["body"].get("description", "")[:60]
    elif op.kind == "comment":
        detail = op.payload["text"][:60]
    elif op.kind == "attach":
        detail = op.payload["filename"]
    else:
        detail = ", ".join(f"{field_label(k)}: {show_value(k, v)}" for k, v in op.changes().items())
    number = f"Л-{-op.incident_id}" if op.incident_id < 0 else f"И-{op.incident_id:06d}"
    return f"{what} · {number} · {detail}"


class ProblemsDialog(QDialog):
    """The operations the server refused, kept until the operator retries, fixes or discards them."""

    def __init__(self, gateway, parent=None) -> None:
        super().__init__(parent)
        self.gateway = gateway
        self.setObjectName("offlineProblems")
        self.setWindowTitle(self.tr("Changes not accepted by the server"))
        self.setMinimumSize(720, 360)
        intro = QLabel(self.tr("These changes are kept on this workstation. Fix and retry them, or discard "
                               "them; later changes to the same incident wait for them."))
        intro.setWordWrap(True)
        self.rows = QVBoxLayout()
        self.rows.addStretch(1)
        inner = QWidget()
        inner.setLayout(self.rows)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(scroll, 1)
        lay.addWidget(close)
        gateway.problems_changed.connect(self.show_ops)
        self.show_ops(gateway.problems)

    def show_ops(self, ops: list[Op]) -> None:
        while self.rows.count() > 1:
            item = self.rows.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for op in ops:
            self.rows.insertWidget(self.rows.count() - 1, self._row(op))

    def _row(self, op: Op) -> QWidget:
        w = QFrame()
        w.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(f"<b>{describe_op(op)}</b>")
        why = QLabel(op.error or "")
        why.setWordWrap(True)
        why.setStyleSheet(f"color: {STATE_COLORS['alarm']};")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        if op.state == "conflict":
            b = QPushButton(self.tr("Compare and choose…"))
            b.clicked.connect(lambda: self.gateway.conflict_found.emit(op))
            buttons.addWidget(b)
        elif op.kind == "attach":
            b = QPushButton(self.tr("Choose the photo again…"))
            b.clicked.connect(lambda: self._choose_file(op))
            buttons.addWidget(b)
        elif op.kind == "create":
            combo = QComboBox()
            combo.setObjectName("fixCategory")
            for code in _categories():
                combo.addItem(labels.category_name(code), code)
            b = QPushButton(self.tr("Retry with this category"))
            b.clicked.connect(lambda: self.gateway.retry(op, {**op.payload, "body": {
                **op.payload["body"], "category": combo.currentData()}}))
            buttons.addWidget(combo)
            buttons.addWidget(b)
        if op.state != "conflict":
            retry = QPushButton(self.tr("Retry"))
            retry.clicked.connect(lambda: self.gateway.retry(op))
            buttons.addWidget(retry)
        discard = QPushButton(self.tr("Discard…"))
        discard.clicked.connect(lambda: self._discard(op))
        buttons.addWidget(discard)
        lay = QVBoxLayout(w)
        lay.addWidget(title)
        lay.addWidget(why)
        lay.addLayout(buttons)
        return w

    def _choose_file(self, op: Op) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach photo"), "",
                                              self.tr("Photos (*.jpg *.jpeg *.png *.webp)"))
        if path:
            self.gateway.replace_file(op, path)

    def _discard(self, op: Op) -> None:
        extra = self.tr("\nThe incident's other waiting changes are discarded with it.") if op.kind == "create" else ""
        if QMessageBox.question(self, self.tr("Discard the change?"),
                                self.tr("Discard this change for good? It will not reach the server.") + extra
                                ) == QMessageBox.StandardButton.Yes:
            self.gateway.discard(op)


def _categories() -> list[str]:
    from backend_client.schemas.incidents import CATEGORY_NAMES

    return list(CATEGORY_NAMES)

