"""One place where every background failure goes, so the operator sees it."""

from __future__ import annotations

import logging
from collections import deque
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, Signal

from backend_client.errors import ApiError, ConnectionLost
from widgets.common.server_texts import error_text

log = logging.getLogger("sc.errors")


def describe(exc: BaseException) -> str:
    """A sentence for the operator in the current language (server errors by their code)."""
    if isinstance(exc, ConnectionLost):
        return QCoreApplication.translate("Errors", "The server cannot be reached. Check the network; work continues offline.")
    if isinstance(exc, ApiError):
        return error_text(exc.code, exc.details, exc.message)
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
        self.last: tuple[str, BaseException | str] | None = None  # described again after a language switch

    def report(self, where: str, exc: BaseException | str) -> None:
        message = exc if isinstance(exc, str) else describe(exc)
        if not isinstance(exc, (str, ApiError, ConnectionLost)):
            log.error("%s failed", where, exc_info=exc)
        else:
            log.warning("%s: %s", where, message)
        self.recent.append((datetime.now(), where, message))
        self.last = (where, exc)
        self.reported.emit(where, message)
        if isinstance(exc, ConnectionLost):
            self.connection_lost.emit()
