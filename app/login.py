"""The login dialog: server, user, password; the network call runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout)

from app.errors import describe
from app.tasks import TaskRunner
from backend_client.client import ApiClient
from backend_client.errors import ApiError, ConnectionLost


class LoginDialog(QDialog):
    logged_in = Signal(object, object)  # ApiClient, UserOut

    def __init__(self, tasks: TaskRunner, *, server_url: str, username: str = "",
                 offline_login: Callable[[str, str, str], object] | None = None, servers: list[str] | tuple = (),
                 parent=None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.offline_login = offline_login
        self.setWindowTitle(self.tr("Situation Center — log in"))
        self.setMinimumWidth(420)
        title = QLabel(self.tr("Smart Kurchatov situation center"))
        title.setProperty("role", "title")
        self.server = QLineEdit(server_url)
        if servers:  # the site's other servers (settings.server_urls), offered as the field is edited
            from PySide6.QtWidgets import QCompleter

            choices = list(dict.fromkeys([server_url, *servers]))
            completer = QCompleter(choices, self.server)
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            self.server.setCompleter(completer)
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Server"), self.server)
        form.addRow(self.tr("User"), self.username)
        form.addRow(self.tr("Password"), self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log in"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        (self.password if username else self.username).setFocus(Qt.FocusReason.OtherFocusReason)
        self.client: ApiClient | None = None
        self.user = None
        self.offline = False

    def submit(self) -> None:
        server, user, password = self.server.text().strip(), self.username.text().strip(), self.password.text()
        if not server or not user or not password:
            self.error.setText(self.tr("Enter the server, your user name and password."))
            return
        self.error.setText(self.tr("Logging in…"))
        self.buttons.setEnabled(False)
        client = ApiClient(server)
        self.tasks.run(client.login, user, password,
                       on_done=lambda u: self._ok(client, u),
                       on_error=lambda e: self._failed(e, server, user, password))

    def _ok(self, client: ApiClient, user) -> None:
        self.client, self.user = client, user
        self.logged_in.emit(client, user)
        self.accept()

    def _failed(self, exc: BaseException, server: str, user: str, password: str) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, ConnectionLost) and self.offline_login is not None:
            result = self.offline_login(server, user, password)
            if result is not None:
                self.client, self.user = result
                self.offline = True
                self.accept()
                return
            self.error.setText(self.tr("The server cannot be reached and this user has not logged in on "
                                       "this workstation before, so offline work is not possible."))
            return
        if isinstance(exc, ApiError):
            self.error.setText(exc.message)
        else:
            self.error.setText(describe(exc))
