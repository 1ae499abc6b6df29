"""Issue 21's storm, CI-sized: the desktop's real offline machinery killed mid-sync with the server up,
down and frozen; every operation it reported saved is on the server exactly once, with no operator action.

The long version is ``bench/offline_storm.py --rounds 40``.
"""

from __future__ import annotations

import os

import pytest

from bench.offline_storm import storm


@pytest.mark.slow
def test_storm_every_saved_operation_reaches_the_server_exactly_once(tmp_path):
    verdict = storm(tmp_path, rounds=int(os.environ.get("SC_STORM_ROUNDS", "6")),
                    seed=int(os.environ.get("SC_STORM_SEED", "5")))
    report = "\n".join(verdict.lines())
    assert verdict.clean, report
    assert all(verdict.saved[k] > 0 for k in ("create", "comment", "edit", "status")), report
    assert verdict.log_bytes < 4 * 1024 * 1024 + 64 * 1024, report  # rotating files, repeats folded
    print(report)
