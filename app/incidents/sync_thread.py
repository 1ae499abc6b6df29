"""The sync engine on its own (daemon) thread, reporting to the GUI thread by queued signals."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from app.offline.store import OfflineStore
from app.offline.sync import SyncEngine

log = logging.getLogger(__name__)


class SyncThread(QObject):
    """Drains the outbox on its own (daemon) thread when kicked; reports by queued signals."""

    progress = Signal(int, int)
    settled = Signal(object, object, object)  # incident ids touched, renumbering map, outcomes
    pass_done = Signal(object)                # SyncReport or the exception that ended the pass

    def __init__(self, store: OfflineStore, client) -> None:
        super().__init__()
        self.engine = SyncEngine(store, client, on_progress=lambda d, t: self.progress.emit(d, t),
                                 on_settled=lambda ids, m, outs: self.settled.emit(ids, m, outs))
        self._wake = threading.Event()
        self._quit = False
        self._thread = threading.Thread(target=self._run, name="sc-offline-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def kick(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._quit:
                return
            try:
                report: object = self.engine.drain()
            except Exception as exc:  # reported to the operator by the gateway, never lost
                log.exception("sync pass failed")
                report = exc
            if self._quit:
                return
            self.pass_done.emit(report)

    def stop(self) -> None:
        self._quit = True
        self.engine.stop()
        self._wake.set()
        self._thread.join(10)
