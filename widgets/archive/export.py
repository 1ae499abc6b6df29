"""The export dialog: range, reason, background export with progress, then a readable manifest."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (QDateTimeEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QFrame,
                               QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout)

from backend_client.recordings import RecordingsApi
from backend_client.schemas.recordings import ExportOut
from widgets.common.paths import suggested_path


def _qdt(t: float) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(t * 1000))


def _dt(q: QDateTime) -> datetime:
    return datetime.fromtimestamp(q.toMSecsSinceEpoch() / 1000, timezone.utc)


def _local(iso: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(str(iso).replace("Z", "+00:00")).astimezone()
    except ValueError:
        return None


def grouped_hash(digest: str) -> str:
    """64 hex digits as two lines of four groups: readable aloud and fits the dialog."""
    groups = [digest[i:i + 8] for i in range(0, len(digest), 8)]
    return "\n".join(" ".join(groups[i:i + 4]) for i in range(0, len(groups), 4))


class ExportDialog(QDialog):
    finished_export = Signal(object)   # ExportOut when done

    def __init__(self, ctx, api: RecordingsApi, camera_id: int, camera_name: str, start: float, end: float,
                 reason: str = "", parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.api, self.camera_id = ctx, api, camera_id
        self.export: ExportOut | None = None
        self.saved_to: Path | None = None
        self.setWindowTitle(self.tr("Export video — {0}").format(camera_name))
        self.setMinimumWidth(560)
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
        self.summary = self._build_summary()
        self.summary.hide()
        self.buttons = QDialogButtonBox()
        self.start_button = QPushButton(self.tr("Export"))
        self.start_button.setDefault(True)      # Enter in the reason box exports
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
        lay.addWidget(self.summary)
        lay.addStretch(1)
        lay.addWidget(self.buttons)
        self._poll = QTimer(self)
        self._poll.setInterval(400)
        self._poll.timeout.connect(self._refresh)

    def _build_summary(self) -> QFrame:
        """The manifest as a person reads it: what, when, who, why, and the hash to quote."""
        box = QFrame()
        box.setObjectName("exportSummary")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        for key, title in (("camera", self.tr("Camera")), ("range", self.tr("Recorded")),
                           ("content", self.tr("Clip")), ("made", self.tr("Exported by")),
                           ("reason", self.tr("Reason")), ("file", self.tr("File"))):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = label
            form.addRow(title, label)
        self.hash_label = QLabel()
        self.hash_label.setObjectName("exportHash")
        self.hash_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.hash_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_hash_button = QPushButton(self.tr("Copy hash"))
        self.copy_hash_button.setToolTip(self.tr("Copy the SHA-256 of the clip to the clipboard"))
        self.copy_hash_button.clicked.connect(self.copy_hash)
        row = QHBoxLayout()
        row.addWidget(self.hash_label, 1)
        row.addWidget(self.copy_hash_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow(self.tr("SHA-256"), row)
        return box

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
            self.status.setText(self.tr("Done: the clip is ready on the server. Save it with “Save as…”."))
            self._fill_summary(exp)
            self.save_button.setEnabled(True)
            self.save_button.setDefault(True)
            self.save_button.setFocus()
            self.finished_export.emit(exp)
        elif exp.status == "failed":
            self._failed(RuntimeError(exp.error))

    def _fill_summary(self, exp: ExportOut) -> None:
        m = exp.manifest
        cam = m.get("camera") or {}
        name = cam.get("name", "") if isinstance(cam, dict) else str(cam)
        address = cam.get("address", "") if isinstance(cam, dict) else ""
        self.fields["camera"].setText(f"{name} — {address}" if address else name)
        rng = m.get("range") or {}
        a, b = _local(rng.get("start")), _local(rng.get("end"))
        if a and b:
            end_fmt = "%H:%M:%S" if a.date() == b.date() else "%d.%m.%Y %H:%M:%S"
            seconds = (b - a).total_seconds()
            self.fields["range"].setText(self.tr("{0} – {1} ({2} s)").format(
                f"{a:%d.%m.%Y %H:%M:%S}", f"{b:{end_fmt}}", f"{seconds:.1f}"))
        self.fields["content"].setText(self.tr("{0} frames, {1} MB").format(
            m.get("frames", "?"), f"{(m.get('size') or exp.size) / 1e6:.1f}"))
        made = _local(m.get("produced_at"))
        when = f", {made:%d.%m.%Y %H:%M:%S}" if made else ""
        self.fields["made"].setText(f"{m.get('user', exp.username)}{when}")
        self.fields["reason"].setText(m.get("reason", exp.reason))
        self.fields["file"].setText(m.get("file", ""))
        digest = m.get("sha256") or exp.sha256
        self.hash_label.setText(grouped_hash(digest))
        self.hash_label.setToolTip(digest)
        self.summary.show()
        self.adjustSize()   # the summary appears below the form: grow to show it whole

    def copy_hash(self) -> None:
        if self.export is None:
            return
        QGuiApplication.clipboard().setText(self.export.manifest.get("sha256") or self.export.sha256)
        self.status.setText(self.tr("The SHA-256 is on the clipboard."))

    def _ask_save(self) -> None:
        if self.export is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the exported clip"),
                                              suggested_path(self.export.manifest.get("file", "export.mp4")),
                                              "MP4 (*.mp4)")
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

        def saved(p: Path) -> None:
            self.saved_to = p
            self.status.setText(self.tr("Saved to {0}, with its manifest beside it").format(str(p)))
            self.adjustSize()   # a long path wraps the status line: keep the summary whole below it

        self.ctx.tasks.run(work, on_done=saved, on_error=self._failed, what="save export")
