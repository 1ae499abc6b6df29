"""The desktop's log stays small offline: repeats are folded, files rotate."""

from __future__ import annotations

import logging

from app import logs


def test_repeats_are_folded_and_the_files_rotate(tmp_path):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        path = logs.setup(tmp_path, max_bytes=20_000, backups=2)
        log = logging.getLogger("sc.test")
        try:
            raise ConnectionError("the server cannot be reached")
        except ConnectionError as exc:
            for _ in range(5000):  # the same failure, every few seconds for hours
                log.error("Sending offline changes failed", exc_info=exc)
        text = path.read_text()
        assert text.count("Sending offline changes failed") == 1 and text.count("Traceback") == 1
        for i in range(5000):  # different messages: the files rotate at their size
            log.warning("incident %d refused", i)
        files = sorted(tmp_path.glob("desk.log*"))
        assert len(files) <= 3 and sum(f.stat().st_size for f in files) <= 3 * 20_000 + 200
    finally:
        for h in root.handlers[:]:
            root.removeHandler(h)
            h.close()
        for h in saved[0]:
            root.addHandler(h)
        root.setLevel(saved[1])


def test_a_repeat_after_the_window_says_how_many_were_folded():
    now = [0.0]
    f = logs.RepeatFilter(60, clock=lambda: now[0])

    def rec() -> logging.LogRecord:
        return logging.LogRecord("sc", logging.WARNING, __file__, 1, "offline: %s", ("no route",), None)

    assert f.filter(rec()) and not f.filter(rec()) and not f.filter(rec())
    now[0] = 61.0
    r = rec()
    assert f.filter(r) and "2 more" in r.getMessage()
