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
class Pass:
    """Where along a line a machine's matched run went, in metres from its start."""

    vehicle: str
    line: int
    ts: int
    lo: float
    hi: float


def passes(net: Network, vehicle: str, x: np.ndarray, y: np.ndarray, ts: np.ndarray, work_ok: np.ndarray,
           matched: np.ndarray) -> list[Pass]:
    """Stretches of sections driven while doing useful work: consecutive fixes on the same section
    cover what lies between them; a lone fix covers a few metres around it."""
    out: list[Pass] = []
    on = (matched >= 0) & work_ok
    if not on.any():
        return out
    idx = np.nonzero(on)[0]
    secs = matched[idx]
    pos = shapely.line_locate_point(net.lines[secs], shapely.points(x[idx], y[idx]))
    for j in range(len(idx)):
        s, p = int(secs[j]), float(pos[j])
        lo, hi = p - SINGLE_FIX_M, p + SINGLE_FIX_M
        if j + 1 < len(idx) and idx[j + 1] == idx[j] + 1 and int(secs[j + 1]) == s:
            q = float(pos[j + 1])
            dt = ts[idx[j + 1]] - ts[idx[j]]
            if dt <= GAP_MS or (dt <= BRIDGE_MS and abs(q - p) <= BRIDGE_MPS * dt / 1000):
                lo, hi = min(lo, q - SINGLE_FIX_M), max(hi, q + SINGLE_FIX_M)
        out.append(Pass(vehicle, s, int(ts[idx[j]]), lo, hi))
    return out


def covered(length: float, runs: list[Pass], threshold: float) -> tuple[float, int | None, str | None]:
    """(share of the length covered, when the share reached threshold, the machine that did most)."""
    bins = max(1, int(np.ceil(length / BIN_M)))
    hit = np.zeros(bins, dtype=bool)
    by_vehicle: dict[str, int] = {}
    reached = None
    for run in sorted(runs, key=lambda r: r.ts):
        a = max(0, int(run.lo // BIN_M))
        b = min(bins, int(np.ceil(run.hi / BIN_M)))
        if b <= a:
            continue
        new = int((~hit[a:b]).sum())
        hit[a:b] = True
        by_vehicle[run.vehicle] = by_vehicle.get(run.vehicle, 0) + new
        if reached is None and hit.sum() >= threshold * bins:
            reached = run.ts
    share = float(hit.sum()) / bins
    vehicle = max(by_vehicle, key=by_vehicle.get) if by_vehicle else None
    return share, reached, vehicle
