"""What the operator sees of offline work: a banner at the top of the window and a status bar counter."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QToolBar

from widgets.offline.conflict import ConflictDialog, ProblemsDialog
from widgets.common.palette import STATE_COLORS


class OfflineBanner(QFrame):
    """Shown while offline, while sending, or while some change waits for the operator.

    It lives in a tool bar, whose visibility follows `wanted` (a tool bar's widgets are shown
    and hidden through the bar, not by show()/hide()).
    """

    wanted = Signal(bool)

    def __init__(self, gateway, parent=None) -> None:
        super().__init__(parent)
        self.gateway = gateway
        self.setObjectName("offlineBanner")
        self.icon = QLabel("⚠")
        self.icon.setStyleSheet("font-size: 18px;")
        self.text = QLabel()
        self.text.setObjectName("offlineBannerText")
        self.text.setWordWrap(False)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.progress = QProgressBar()
        self.progress.setObjectName("offlineSyncProgress")
        self.progress.setFixedWidth(220)
        self.progress.setFormat(self.tr("Sending %v of %m"))
        self.progress.hide()
        self.problems_button = QPushButton()
        self.problems_button.setObjectName("offlineProblemsButton")
        self.problems_button.clicked.connect(self.open_problems)
        self.problems_button.hide()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        self.setMinimumHeight(40)
        lay.addWidget(self.icon)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.progress)
        lay.addWidget(self.problems_button)
        self.sending = (0, 0)
        gateway.online_changed.connect(lambda _: self.update_view())
        gateway.waiting_changed.connect(lambda _: self.update_view())
        gateway.problems_changed.connect(lambda _: self.update_view())
        gateway.sync_progress.connect(self._progress)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.progress.setFormat(self.tr("Sending %v of %m"))
            self.update_view()

    def _progress(self, done: int, total: int) -> None:
        self.sending = (done, total)
        self.update_view()

    def update_view(self) -> None:
        gw = self.gateway
        waiting, problems = gw.waiting, len(gw.problems)
        done, total = self.sending
        if not gw.online:
            colour = STATE_COLORS["alarm"]
            text = self.tr("<b>Offline</b> — the server cannot be reached. You can keep working: changes are "
                           "saved on this workstation and sent when the server is back. Waiting: {0}.").format(waiting)
        elif total:
            colour = STATE_COLORS["info"]
            text = self.tr("<b>Back online</b> — sending the changes made offline…")
        elif problems:
            colour = STATE_COLORS["warning"]
            text = self.tr("<b>Some offline changes need your decision</b> — nothing is lost; they wait on this "
                           "workstation.")
        else:
            self.wanted.emit(False)
            return
        self.text.setText(text)
        ink = "#fff" if colour == STATE_COLORS["alarm"] else "#111"
        self.setStyleSheet(f"#offlineBanner, #offlineBanner QLabel {{ background: {colour}; color: {ink}; "
                           f"font-size: 11pt; }} #offlineBanner QPushButton {{ font-weight: 700; }}")
        self.progress.setVisible(bool(total) and gw.online)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.problems_button.setVisible(problems > 0)
        self.problems_button.setText(self.tr("Needs attention: {0}").format(problems))
        self.wanted.emit(True)

    def open_problems(self) -> None:
        ProblemsDialog(self.gateway, self.window()).exec()


class WaitingCounter(QLabel):
    """Status bar: how many operations wait to reach the server."""

    def __init__(self, gateway, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineWaiting")
        self.gateway = gateway
        gateway.waiting_changed.connect(self.show_count)
        gateway.sync_progress.connect(lambda d, t: self.show_count(gateway.waiting))
        self.show_count(gateway.waiting)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.show_count(self.gateway.waiting)

    def show_count(self, n: int) -> None:
        self.setText(self.tr("⇅ {0} waiting").format(n))
        colour = STATE_COLORS["warning"] if n else STATE_COLORS["offline"]
        self.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.setToolTip(self.tr("Changes saved on this workstation that have not reached the server yet"))


def attach_to_window(gateway, window) -> OfflineBanner:
    """Put the banner above the panels and the counter in the status bar; keep the bar's state honest."""
    bar = QToolBar(window)
    bar.setObjectName("offlineBannerBar")
    bar.setMovable(False)
    bar.setFloatable(False)
    bar.toggleViewAction().setVisible(False)
    banner = OfflineBanner(gateway, bar)
    bar.addWidget(banner)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    banner.wanted.connect(bar.setVisible)
    banner.update_view()
    status = window.statusBar()
    counter = WaitingCounter(gateway, status)
    status.addPermanentWidget(counter)

    def state(*_):
        if not gateway.online and hasattr(status, "set_state"):
            status.set_state("offline", QCoreApplication.translate(
                "OfflineBanner", "Working offline; changes wait on this workstation"))
        elif gateway.online and getattr(status, "state", "") == "offline":
            status.set_state("connecting", "")

    gateway.online_changed.connect(state)
    if hasattr(window, "ctx"):
        window.ctx.events.connection_changed.connect(state)
    state()

    def show_conflict(op) -> None:
        dlg = ConflictDialog(op, window)
        if dlg.exec() == ConflictDialog.DialogCode.Accepted:
            gateway.resolve_conflict(op, dlg.chosen_changes(), (op.server or {}).get("version", 0))

    gateway.conflict_found.connect(show_conflict)
    window.offline_banner = banner
    window.offline_counter = counter
    return banner
