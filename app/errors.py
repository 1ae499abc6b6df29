"""One place where every background failure goes, so the operator sees it."""

from __future__ import annotations

import logging
from collections import deque
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, Signal

from backend_client.errors import ApiError, ConnectionLost

log = logging.getLogger("sc.errors")


def describe(exc: BaseException) -> str:
    """A sentence for the operator (server messages are already written for people)."""
    if isinstance(exc, ConnectionLost):
        return QCoreApplication.translate("Errors", "The server cannot be reached. Check the network; work continues offline.")
    if isinstance(exc, ApiError):
        return exc.message
    if isinstance(exc, OSError):
        return QCoreApplication.translate("Errors", "File or system error: {0}").format(exc.strerror or str(exc))
    return f"{type(exc).__name__}: {exc}"


class ErrorSink(QObject):
    """Collects errors from workers; the status bar and the log panel listen."""

    reported = Signal(str, str)  # where, message
    connection_lost = Signal()   # a request could not reach the server: the link is not "online"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.recent: deque[tuple[datetime, str, str]] = deque(maxlen=200)

    def report(self, where: str, exc: BaseException | str) -> None:
        message = exc if isinstance(exc, str) else describe(exc)
        if not isinstance(exc, (str, ApiError, ConnectionLost)):
            log.error("%s failed", where, exc_info=exc)
        else:
            log.warning("%s: %s", where, message)
        self.recent.append((datetime.now(), where, message))
        self.reported.emit(where, message)
        if isinstance(exc, ConnectionLost):
            self.connection_lost.emit()
