"""The desktop's log: rotating files, and repeats of one message folded into one line a minute.

Offline, the same failure (server unreachable, session expired) comes back every few
seconds for hours; on a workstation with a small disk the outbox must get the space, not
the log. So a message already written in the last ``window`` seconds is counted instead of
written again (with its traceback), and the files rotate at a fixed size.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 1 << 20   # per file
BACKUPS = 3           # so at most 4 MiB of log in all


class RepeatFilter(logging.Filter):
    """Let the first of identical records through, then one per ``window`` seconds with the count."""

    def __init__(self, window: float = 60.0, *, clock=time.monotonic, max_keys: int = 1000) -> None:
        super().__init__()
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._seen: dict[tuple, list] = {}  # key -> [first time in window, suppressed count]
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        decided = getattr(record, "_sc_repeat", None)
        if decided is not None:  # one record, several handlers: decide once
            return decided
        record._sc_repeat = keep = self._decide(record)
        return keep

    def _decide(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, str(record.msg), _args_key(record.args))
        now = self.clock()
        with self._lock:
            entry = self._seen.get(key)
            if entry is not None and now - entry[0] < self.window:
                entry[1] += 1
                return False
            if len(self._seen) >= self.max_keys:
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.window}
                if len(self._seen) >= self.max_keys:
                    self._seen.clear()
            suppressed = entry[1] if entry is not None else 0
            self._seen[key] = [now, 0]
        if suppressed:
            record.msg = f"{record.msg} (and {suppressed} more like it in the last {self.window:.0f} s)"
        return True


def _args_key(args) -> str:
    try:
        return repr(args)[:300]
    except Exception:  # a repr that fails must not lose the record
        return ""


def setup(directory: Path | None = None, *, level: int = logging.INFO, window: float = 60.0,
          max_bytes: int = MAX_BYTES, backups: int = BACKUPS, name: str = "desk.log",
          console: bool = True) -> Path | None:
    """Log to stderr (unless ``console`` is off) and, when ``directory`` is given, to rotating files
    there; returns the file's path. Raises OSError when the directory cannot be made."""
    root = logging.getLogger()
    root.setLevel(level)
    for h in list(root.handlers):
        root.removeHandler(h)
    repeat = RepeatFilter(window)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)] if console else []
    path = None
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / name
        handlers.append(RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8",
                                            delay=True))
    for h in handlers:
        h.setFormatter(logging.Formatter(FORMAT))
        h.addFilter(repeat)
        root.addHandler(h)
    return path
