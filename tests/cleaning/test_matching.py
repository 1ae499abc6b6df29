"""Map matching: parallel streets 20 m apart with ±10 m GPS noise are not confused; turns and gaps."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from backend.cleaning import matching
from backend.works import geo
from tests.cleaning.factories import CITY, drive, lonlat_line

START = datetime(2026, 6, 10, 9, 0, tzinfo=CITY)


def _xy(fixes):
    x = np.array([geo.to_metres(f["lon"], f["lat"])[0] for f in fixes])
    y = np.array([geo.to_metres(f["lon"], f["lat"])[1] for f in fixes])
    return x, y, np.array([f["ts"] for f in fixes], dtype=np.int64)


def test_parallel_streets_20_m_apart_are_not_confused():
    # Two parallel streets (y = 0 and y = 20) joined at both ends by cross streets.
    net = matching.Network.build([1, 2, 3, 4], [lonlat_line((0, 0), (800, 0)), lonlat_line((0, 20), (800, 20)),
                                                lonlat_line((0, 0), (0, 20)), lonlat_line((800, 0), (800, 20))])
    for seed in range(10):
        fixes = drive([(0, 0), (800, 0)], START, speed=5, every_s=5, noise_m=10, seed=seed)
        x, y, ts = _xy(fixes)
        nearest_wrong = int((np.abs(y - 20) < np.abs(y)).sum())  # what a nearest-street rule would get wrong
        m = matching.match(net, x, y, ts)
        assert (m == 0).mean() >= 0.98, (seed, m.tolist())
        if seed == 0:
            assert nearest_wrong > 0  # the noise really does put fixes nearer the other street
    for seed in range(5):
        fixes = drive([(0, 20), (800, 20)], START, speed=5, every_s=5, noise_m=10, seed=100 + seed)
        m = matching.match(net, *_xy(fixes))
        assert (m == 1).mean() >= 0.98


def test_a_turn_onto_a_joined_street_and_a_gap_are_followed():
    net = matching.Network.build([1, 2, 3], [lonlat_line((0, 0), (500, 0)), lonlat_line((500, 0), (500, 500)),
                                             lonlat_line((0, 20), (500, 20))])
    fixes = drive([(0, 0), (500, 0), (500, 500)], START, speed=5, every_s=10, noise_m=8, seed=3,
                  gaps=[(150, 170)])
    x, y, ts = _xy(fixes)
    m = matching.match(net, x, y, ts)
    along_first = x < 470
    assert (m[along_first] == 0).mean() >= 0.95
    assert (m[y > 60] == 1).all()


def test_coverage_counts_the_length_passed_while_working():
    net = matching.Network.build([1], [lonlat_line((0, 0), (400, 0))])
    fixes = drive([(0, 0), (200, 0)], START, speed=4, every_s=10, noise_m=5, seed=2)
    x, y, ts = _xy(fixes)
    m = matching.match(net, x, y, ts)
    pos = matching.positions(net, x, y, m)
    runs = matching.passes("КО-713", ts, np.ones(len(x), dtype=bool), m, pos)
    share, reached, vehicle = matching.covered(400.0, [runs], 0.9)
    assert 0.45 <= share <= 0.58 and reached is None and vehicle == "КО-713"
    idle = matching.passes("КО-713", ts, np.zeros(len(x), dtype=bool), m, pos)
    assert matching.covered(400.0, [idle], 0.9)[0] == 0.0
    # The whole line driven: done, and when the share reached 90 %.
    fixes = drive([(0, 0), (400, 0)], START, speed=4, every_s=10, noise_m=5, seed=2)
    x, y, ts = _xy(fixes)
    m = matching.match(net, x, y, ts)
    share, reached, _ = matching.covered(400.0, [matching.passes("КО-713", ts, np.ones(len(x), dtype=bool), m,
                                                                 matching.positions(net, x, y, m))], 0.9)
    assert share >= 0.95 and ts[len(ts) * 8 // 10] <= reached <= ts[-1]


def test_a_silence_while_working_is_bridged_only_at_a_drivable_pace():
    net = matching.Network.build([1], [lonlat_line((0, 0), (600, 0))])
    fixes = drive([(0, 0), (600, 0)], START, speed=3, every_s=10, noise_m=3, seed=4, gaps=[(60, 170)])
    x, y, ts = _xy(fixes)
    m = matching.match(net, x, y, ts)
    ok = np.ones(len(x), dtype=bool)
    share = matching.covered(600.0, [matching.passes("A", ts, ok, m, matching.positions(net, x, y, m))], 0.9)[0]
    assert share >= 0.95  # 110 s of silence at 3 m/s: bridged
    # The same places with the silence cut to 20 s: 360 m in 20 s is no machine's pace, so not bridged.
    fast_ts = ts.copy()
    k = np.searchsorted(ts, ts[0] + 170_000)
    fast_ts[k:] -= 100_000
    share2 = matching.covered(600.0, [matching.passes("A", fast_ts, ok, m, matching.positions(net, x, y, m))], 0.9)[0]
    assert share2 < 0.85
