"""The transit domain's clock: epoch ms now. Tests move it (offset_ms) to a weekday morning with buses."""

from __future__ import annotations

import time

offset_ms = 0


def now_ms() -> int:
    return int(time.time() * 1000) + offset_ms


def now_s() -> float:
    return time.time() + offset_ms / 1000
