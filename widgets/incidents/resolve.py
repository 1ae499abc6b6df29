"""Resolving asks how: a resolution code and a note, never one key press alone."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout)

translate = QCoreApplication.translate

RESOLUTION_CODES = ("fixed", "temporary", "not_confirmed", "referred", "no_access")


def resolution_name(code: str) -> str:
    return {
        "fixed": translate("Resolution", "Fixed"),
        "temporary": translate("Resolution", "Fixed temporarily"),
        "not_confirmed": translate("Resolution", "Not confirmed on site"),
        "referred": translate("Resolution", "Referred to another service"),
        "no_access": translate("Resolution", "No access to the site"),
    }.get(code, code)


def find_code(text: str) -> str | None:
    """The code a typed word means: its name or code, or the one name that starts with it."""
    t = text.strip().casefold()
    if not t:
        return None
    for code in RESOLUTION_CODES:
        if t in (code, resolution_name(code).casefold()):
            return code
    starts = [c for c in RESOLUTION_CODES if resolution_name(c).casefold().startswith(t)]
    return starts[0] if len(starts) == 1 else None


def resolution_note(code: str, note: str) -> str:
    """The status change's note: the server keeps the code's name in the incident's history."""
    note = note.strip()
    return f"{resolution_name(code)}. {note}" if note else resolution_name(code)


class ResolveDialog(QDialog):
    """Type the code (the picker completes it; Enter goes on to the note), type the note, Enter."""

    def __init__(self, number: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("resolveDialog")
        self.setWindowTitle(self.tr("Resolve {0}").format(number))
        self.code = QComboBox()
        self.code.setObjectName("resolutionCode")
        self.code.setEditable(True)
        self.code.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code in RESOLUTION_CODES:
            self.code.addItem(resolution_name(code), code)
        self.code.setCurrentIndex(-1)
        self.code.lineEdit().setPlaceholderText(self.tr("Type: fixed, not confirmed…"))
        completer = QCompleter([resolution_name(c) for c in RESOLUTION_CODES], self.code)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.code.setCompleter(completer)
        self.note = QLineEdit()
        self.note.setObjectName("resolutionNote")
        self.note.setPlaceholderText(self.tr("What was done (for the shift and the report)"))
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Resolve"))
        # Enter belongs to the fields: in the code it goes on to the note, in the note it resolves.
        for b in self.buttons.buttons():
            b.setAutoDefault(False)
            b.setDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Resolution:"), self.code)
        form.addRow(self.tr("Note:"), self.note)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.code.lineEdit().returnPressed.connect(self._code_entered)
        self.note.returnPressed.connect(self.accept)
        self.resize(460, self.sizeHint().height())

    def chosen_code(self) -> str | None:
        return find_code(self.code.currentText())

    def _code_entered(self) -> None:
        if self.chosen_code():
            self.note.setFocus()

    def accept(self) -> None:
        code = self.chosen_code()
        if code is None:
            self.error.setText(self.tr("Choose how the incident was resolved."))
            self.error.show()
            self.code.setFocus()
            return
        if not self.note.text().strip():
            self.error.setText(self.tr("Write what was done."))
            self.error.show()
            self.note.setFocus()
            return
        super().accept()

    def result_note(self) -> str:
        return resolution_note(self.chosen_code() or "", self.note.text())
