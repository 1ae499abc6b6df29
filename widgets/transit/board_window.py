"""A stop board as the stop's own screen shows it, in a window of the desk.

The page is the one the board's browser loads (`/boards/{stop_id}`): what the dispatcher sees is
exactly what the residents at the stop see, including "данные на HH:MM" when the server is away.
A workstation may have no web browser set up (control-room machines often have none), so the
desk shows it with its own engine rather than handing the URL to the system.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget


class BoardWindow(QWidget):
    def __init__(self, url: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Its own window, owned by the panel: it goes when the desk goes, and frees its page when closed.
        self.setWindowFlag(Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Stop board — {0}").format(title))
        self.setObjectName("transitBoardWindow")
        self.view = QWebEngineView(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.resize(960, 600)  # about a real board's proportions
        self.view.load(QUrl(url))
