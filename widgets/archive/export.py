"""The export dialog: range, reason, background export with progress, then the manifest."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QDateTime, QTimer, Signal
from PySide6.QtWidgets import (QDateTimeEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QVBoxLayout)

from backend_client.recordings import RecordingsApi
from backend_client.schemas.recordings import ExportOut


def _qdt(t: float) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(t * 1000))


def _dt(q: QDateTime) -> datetime:
    return datetime.fromtimestamp(q.toMSecsSinceEpoch() / 1000, timezone.utc)


class ExportDialog(QDialog):
    finished_export = Signal(object)   # ExportOut when done

    def __init__(self, ctx, api: RecordingsApi, camera_id: int, camera_name: str, start: float, end: float,
                 reason: str = "", parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.api, self.camera_id = ctx, api, camera_id
        self.export: ExportOut | None = None
        self.setWindowTitle(self.tr("Export video — {0}").format(camera_name))
        self.setMinimumWidth(520)
        form = QFormLayout()
        self.start_edit = QDateTimeEdit(_qdt(start))
        self.end_edit = QDateTimeEdit(_qdt(end))
        for e in (self.start_edit, self.end_edit):
            e.setDisplayFormat("dd.MM.yyyy HH:mm:ss")
            e.setCalendarPopup(True)
        self.reason_edit = QLineEdit(reason)
        self.reason_edit.setPlaceholderText(self.tr("Why is this clip exported (case, request number)?"))
        form.addRow(self.tr("From"), self.start_edit)
        form.addRow(self.tr("To"), self.end_edit)
        form.addRow(self.tr("Reason"), self.reason_edit)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = QLabel(self.tr("The clip is copied from the recording as it is (no re-encoding)."))
        self.status.setWordWrap(True)
        self.manifest = QPlainTextEdit()
        self.manifest.setReadOnly(True)
        self.manifest.setPlaceholderText(self.tr("The manifest (camera, range, user, time, SHA-256) appears here"))
        self.manifest.setMinimumHeight(160)
        self.buttons = QDialogButtonBox()
        self.start_button = QPushButton(self.tr("Export"))
        self.save_button = QPushButton(self.tr("Save as…"))
        self.save_button.setEnabled(False)
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.start_button.clicked.connect(self.start_export)
        self.save_button.clicked.connect(self._ask_save)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.manifest)
        lay.addWidget(self.buttons)
        self._poll = QTimer(self)
        self._poll.setInterval(400)
        self._poll.timeout.connect(self._refresh)

    def start_export(self) -> None:
        reason = self.reason_edit.text().strip()
        if len(reason) < 3:
            self.status.setText(self.tr("Give the reason for this export first."))
            self.reason_edit.setFocus()
            return
        start, end = _dt(self.start_edit.dateTime()), _dt(self.end_edit.dateTime())
        if end <= start:
            self.status.setText(self.tr("The end must be after the start."))
            return
        self.start_button.setEnabled(False)
        self.status.setText(self.tr("Exporting…"))
        self.ctx.tasks.run(self.api.create_export, self.camera_id, start, end, reason,
                           on_done=self._started, on_error=self._failed, what="export")

    def _started(self, exp: ExportOut) -> None:
        self.export = exp
        self._poll.start()

    def _failed(self, exc: BaseException) -> None:
        self._poll.stop()
        self.start_button.setEnabled(True)
        self.status.setText(self.tr("Export failed: {0}").format(getattr(exc, "message", str(exc))))

    def _refresh(self) -> None:
        if self.export is not None:
            self.ctx.tasks.run(self.api.export, self.export.id, on_done=self._show, on_error=self._failed)

    def _show(self, exp: ExportOut) -> None:
        self.export = exp
        self.progress.setValue(int(exp.progress * 100))
        if exp.status == "done":
            self._poll.stop()
            self.status.setText(self.tr("Done: {0} MB, SHA-256 {1}").format(f"{exp.size / 1e6:.1f}", exp.sha256))
            self.manifest.setPlainText(json.dumps(exp.manifest, ensure_ascii=False, indent=2))
            self.save_button.setEnabled(True)
            self.finished_export.emit(exp)
        elif exp.status == "failed":
            self._failed(RuntimeError(exp.error))

    def _ask_save(self) -> None:
        if self.export is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the exported clip"),
                                              self.export.manifest.get("file", "export.mp4"), "MP4 (*.mp4)")
        if name:
            self.save_to(Path(name))

    def save_to(self, path: Path) -> None:
        """Download the clip and write its manifest beside it."""
        exp = self.export

        def work():
            self.api.download_export(exp.id, path)
            path.with_suffix(".manifest.json").write_text(json.dumps(exp.manifest, ensure_ascii=False, indent=2),
                                                          encoding="utf-8")
            return path

        self.ctx.tasks.run(work, on_done=lambda p: self.status.setText(self.tr("Saved to {0}").format(str(p))),
                           on_error=self._failed, what="save export")
