"""Map matching of machines' GPS to street sections (a hidden Markov model solved by Viterbi) and the
share of each section a machine passed along.

Each fix's candidates are the sections within 35 m (an STRtree query for all fixes at once). A fix
is likelier on a nearer section (Gaussian, σ 6 m); a machine stays on its section or turns onto one
that touches it, and jumping to an unconnected section costs a lot unless the data had a gap. So a
machine on one of two parallel streets 20 m apart stays on it although single noisy fixes (±10 m)
lie nearer the other. A pass covers the line between consecutive fixes on it; a silence of up to
three minutes is bridged when the distance along the line could have been driven in it (trackers
drop out, brushes do not).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from backend.works import geo

CANDIDATE_M = 35.0
SIGMA_M = 6.0
CONNECT_M = 15.0          # sections whose ends come this close are joined (crossings, a street's parts)
GAP_MS = 60_000           # a longer silence breaks the track
BRIDGE_MS = 180_000       # a machine heard again on the same line after a silence drove what lies between
BRIDGE_MPS = 8.0          # ... if it would not have had to go faster than this along the line
BIN_M = 5.0               # coverage is counted in 5 m bins along each section
SINGLE_FIX_M = 5.0        # a lone fix covers this much either side
OFF_ROAD = -1
LOG_OFF = -0.5 * (CANDIDATE_M / SIGMA_M) ** 2   # being on no section costs like a fix at the candidate limit
LOG_STAY, LOG_TURN, LOG_OFF_SWITCH, LOG_JUMP, LOG_JUMP_AFTER_GAP = 0.0, -2.0, -6.0, -40.0, -4.0


@dataclass
class Network:
    """The distinct street lines of the sections, in metres, with an STRtree and which lines touch which.

    Sections of different kinds often share a line (sweeping by day, washing by night): a machine is
    matched to the line, and the line's sections of its kind of work get the pass."""

    ids: list[int]             # section ids
    section_line: np.ndarray   # section index → line index
    lines: np.ndarray          # shapely LineStrings in metres, one per distinct geometry
    lengths: np.ndarray        # per line
    tree: shapely.STRtree
    touches: list[set[int]]    # per line

    @classmethod
    def build(cls, ids: list[int], geometries: list[dict]) -> "Network":
        distinct: dict[bytes, int] = {}
        lines_list, section_line = [], []
        for g in geometries:
            line = geo.metric(g)
            key = shapely.to_wkb(shapely.normalize(line))
            if key not in distinct:
                distinct[key] = len(lines_list)
                lines_list.append(line)
            section_line.append(distinct[key])
        lines = np.array(lines_list, dtype=object)
        tree = shapely.STRtree(lines)
        touches: list[set[int]] = [set() for _ in lines_list]
        if len(lines):
            ends = shapely.points(np.array([c for line in lines for c in (line.coords[0], line.coords[-1])]))
            owner = np.repeat(np.arange(len(lines)), 2)
            e_idx, s_idx = tree.query(ends, predicate="dwithin", distance=CONNECT_M)
            for e, s in zip(e_idx, s_idx):
                a, b = int(owner[e]), int(s)
                if a != b:
                    touches[a].add(b)
                    touches[b].add(a)
        return cls(ids=list(ids), section_line=np.array(section_line, dtype=np.int64), lines=lines,
                   lengths=np.array([ln.length for ln in lines]), tree=tree, touches=touches)

    def sections_on(self, line: int) -> list[int]:
        return [int(i) for i in np.nonzero(self.section_line == line)[0]]


def match(net: Network, x: np.ndarray, y: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """The line index (into net.lines) each fix of one machine's track was on, or −1 (ts ascending)."""
    n = len(x)
    out = np.full(n, OFF_ROAD, dtype=np.int64)
    if n == 0 or len(net.lines) == 0:
        return out
    pts = shapely.points(x, y)
    f_idx, s_idx = net.tree.query(pts, predicate="dwithin", distance=CANDIDATE_M)
    if len(f_idx) == 0:
        return out
    dist = shapely.distance(pts[f_idx], net.lines[s_idx])
    emit = -0.5 * (dist / SIGMA_M) ** 2
    order = np.argsort(f_idx, kind="stable")
    f_idx, s_idx, emit = f_idx[order], s_idx[order], emit[order]
    starts = np.searchsorted(f_idx, np.arange(n + 1))
    touches = net.touches
    back: list[dict[int, int]] = []
    prev: dict[int, float] = {}
    for i in range(n):
        cands = {OFF_ROAD: LOG_OFF}
        for k in range(starts[i], starts[i + 1]):
            cands[int(s_idx[k])] = float(emit[k])
        gap = i > 0 and ts[i] - ts[i - 1] > GAP_MS
        cur: dict[int, float] = {}
        ptr: dict[int, int] = {}
        if not prev:
            cur = dict(cands)
            ptr = {c: OFF_ROAD for c in cands}
        else:
            for c, e in cands.items():
                best, arg = -np.inf, OFF_ROAD
                for p, score in prev.items():
                    if p == c:
                        t = LOG_STAY
                    elif p == OFF_ROAD or c == OFF_ROAD:
                        t = LOG_OFF_SWITCH
                    elif c in touches[p]:
                        t = LOG_TURN
                    else:
                        t = LOG_JUMP_AFTER_GAP if gap else LOG_JUMP
                    if score + t > best:
                        best, arg = score + t, p
                cur[c] = best + e
                ptr[c] = arg
        # Keep scores near zero so a day-long track does not lose precision.
        top = max(cur.values())
        prev = {c: s - top for c, s in cur.items()}
        back.append(ptr)
    state = max(prev, key=prev.get)
    for i in range(n - 1, -1, -1):
        out[i] = state
        state = back[i][state]
    return out


@dataclass
class Passes:
    """Stretches of lines a machine drove while working: per stretch its line, time and [lo, hi] in
    metres from the line's start (arrays, one element per stretch)."""

    vehicle: str
    line: np.ndarray
    ts: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    def take(self, mask: np.ndarray) -> "Passes":
        return Passes(self.vehicle, self.line[mask], self.ts[mask], self.lo[mask], self.hi[mask])


def positions(net: Network, x: np.ndarray, y: np.ndarray, matched: np.ndarray) -> np.ndarray:
    """Metres along its matched line of each fix (NaN when off the streets)."""
    pos = np.full(len(x), np.nan)
    on = matched >= 0
    if on.any():
        pos[on] = shapely.line_locate_point(net.lines[matched[on]], shapely.points(x[on], y[on]))
    return pos


def passes(vehicle: str, ts: np.ndarray, work_ok: np.ndarray, matched: np.ndarray, pos: np.ndarray,
           net: Network | None = None) -> Passes:
    """What a machine's working fixes cover: each a few metres around it, and two consecutive fixes on
    the same line what lies between them. Across a silence (up to BRIDGE_MS, at a drivable pace)
    the stretch counts when the machine was working on either side of it: a tracker that drops out
    at the end of a job and is heard again parked at the line's end did clean the rest. With `net`,
    a silence across a turn onto a touching line counts the same way, each line from the corner."""
    on = (matched >= 0) & work_ok
    single = np.nonzero(on)[0]
    if len(ts) > 1:
        same = (matched[:-1] == matched[1:]) & (matched[:-1] >= 0)
        dt = np.diff(ts)
        along = np.abs(np.diff(pos))
        # Noise moves a fix along the line too: a pace check with 20 m of slack.
        drivable = along <= BRIDGE_MPS * dt / 1000.0 + 20.0
        steady = same & on[:-1] & on[1:] & (dt <= GAP_MS) & drivable
        bridged = same & (on[:-1] | on[1:]) & (dt > GAP_MS) & (dt <= BRIDGE_MS) & drivable
        pair = np.nonzero(steady | bridged)[0]
    else:
        pair = np.zeros(0, dtype=np.int64)
    p, q = pos[pair], pos[pair + 1]
    when = np.where(on[pair], ts[pair], ts[pair + 1])
    line = [matched[single], matched[pair]]
    stamp = [ts[single], when]
    lo = [pos[single] - SINGLE_FIX_M, np.minimum(p, q) - SINGLE_FIX_M]
    hi = [pos[single] + SINGLE_FIX_M, np.maximum(p, q) + SINGLE_FIX_M]
    if net is not None and len(ts) > 1:
        turns = np.nonzero((matched[:-1] >= 0) & (matched[1:] >= 0) & (matched[:-1] != matched[1:])
                           & (on[:-1] | on[1:]) & (np.diff(ts) <= BRIDGE_MS))[0]
        for i in turns:
            a, b = int(matched[i]), int(matched[i + 1])
            if b not in net.touches[a]:
                continue
            la, lb = net.lines[a], net.lines[b]
            # The corner: the end of each line nearer the other.
            end_a = 0.0 if shapely.distance(shapely.Point(la.coords[0]), lb) <= \
                shapely.distance(shapely.Point(la.coords[-1]), lb) else la.length
            end_b = 0.0 if shapely.distance(shapely.Point(lb.coords[0]), la) <= \
                shapely.distance(shapely.Point(lb.coords[-1]), la) else lb.length
            pa, pb = float(pos[i]), float(pos[i + 1])
            if abs(end_a - pa) + abs(pb - end_b) > BRIDGE_MPS * (ts[i + 1] - ts[i]) / 1000.0 + 20.0:
                continue
            for which, ok, ln, x0, x1, t in ((0, on[i], a, pa, end_a, ts[i]), (1, on[i + 1], b, end_b, pb, ts[i + 1])):
                if ok:
                    line.append(np.array([ln]))
                    stamp.append(np.array([t]))
                    lo.append(np.array([min(x0, x1) - SINGLE_FIX_M]))
                    hi.append(np.array([max(x0, x1) + SINGLE_FIX_M]))
    return Passes(vehicle, line=np.concatenate(line), ts=np.concatenate(stamp), lo=np.concatenate(lo),
                  hi=np.concatenate(hi))


def covered(length: float, runs: list[Passes], threshold: float) -> tuple[float, int | None, str | None]:
    """(share of the length covered, when the share reached threshold, the machine that did most)."""
    bins = max(1, int(np.ceil(length / BIN_M)))
    earliest = np.full(bins, np.iinfo(np.int64).max, dtype=np.int64)
    by_vehicle: dict[str, float] = {}
    for run in runs:
        if not len(run.ts):
            continue
        a = np.clip((run.lo // BIN_M).astype(np.int64), 0, bins)
        b = np.clip(np.ceil(run.hi / BIN_M).astype(np.int64), 0, bins)
        n = np.maximum(b - a, 0)
        if not n.sum():
            continue
        # Every bin each stretch touches, with the stretch's time: the earliest time per bin.
        starts = np.repeat(a, n)
        offsets = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        np.minimum.at(earliest, starts + offsets, np.repeat(run.ts, n))
        by_vehicle[run.vehicle] = by_vehicle.get(run.vehicle, 0.0) + float(n.sum())
    hit = earliest < np.iinfo(np.int64).max
    share = float(hit.sum()) / bins
    need = int(np.ceil(threshold * bins))
    reached = int(np.sort(earliest[hit])[need - 1]) if hit.sum() >= need and need > 0 else None
    vehicle = max(by_vehicle, key=by_vehicle.get) if by_vehicle else None
    return share, reached, vehicle
