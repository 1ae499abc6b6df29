"""Background work that reports back on the GUI thread by signal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.errors import ErrorSink


class _Relay(QObject):
    # Queued to the thread the relay lives in (the GUI thread).
    done = Signal(object, object)   # callback, result
    failed = Signal(object, object)  # callback, exception


class TaskRunner(QObject):
    """Runs blocking calls on a pool (network) or on a one-worker queue (ordered disk work)."""

    def __init__(self, errors: ErrorSink, *, workers: int = 6, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.errors = errors
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sc-net")
        self._serial = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sc-disk")
        self._relay = _Relay()
        self._relay.done.connect(lambda cb, result: cb(result) if cb else None)
        self._relay.failed.connect(self._deliver_error)
        self._closed = False
        self.active = 0
        self._lock = threading.Lock()

    def run(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None, serial: bool = False,
            what: str = "", **kwargs: Any) -> None:
        """Call fn(*args, **kwargs) off the GUI thread; on_done/on_error run on the GUI thread.

        Errors without an on_error go to the error sink the operator sees.
        """
        if self._closed:
            return
        pool = self._serial if serial else self._pool
        label = what or getattr(fn, "__name__", "task")

        def job() -> None:
            with self._lock:
                self.active += 1
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # every failure reaches a person, never a bare print
                if not self._closed:
                    self._relay.failed.emit(on_error or (lambda e: self.errors.report(label, e)), exc)
            else:
                if not self._closed:
                    self._relay.done.emit(on_done, result)
            finally:
                with self._lock:
                    self.active -= 1

        pool.submit(job)

    def _deliver_error(self, cb, exc) -> None:
        try:
            cb(exc)
        except Exception as inner:  # an error handler that fails still must not vanish
            self.errors.report("error handler", inner)

    def shutdown(self, wait: bool = False) -> None:
        self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)
        self._serial.shutdown(wait=wait, cancel_futures=not wait)
