"""ATSPM measures in 15-minute bins, computed by the `atspm` package from the stored raw events.

The package does the traffic engineering (actuations, arrivals on green, split failures,
terminations, the phase timeline, pedestrian delay); this module feeds it our events and
detector configuration and stores its answers per controller, bin and phase.
"""

from __future__ import annotations

import io
import logging
from collections import defaultdict
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.citytime import CITY_UTC_OFFSET_MS
from backend.errors import BadRequest
from backend.signals.models import SignalController, SignalEvent, SignalMeasure
from backend.signals.service import get_controller, phases_of
from backend_client.schemas.signals import CoordinationDiagram, MeasureRow, Measures, PcdCycle

log = logging.getLogger(__name__)
BIN_MS = 15 * 60_000
MAX_RANGE_MS = 400 * 24 * 3_600_000
PCD_MAX_MS = 4 * 3_600_000

AGGREGATIONS = [
    {"name": "has_data", "params": {"no_data_min": 5, "min_data_points": 3}},
    {"name": "actuations", "params": {}},
    {"name": "arrival_on_green", "params": {"latency_offset_seconds": 0}},
    {"name": "split_failures", "params": {"red_time": 5, "red_occupancy_threshold": 0.80,
                                          "green_occupancy_threshold": 0.80, "by_approach": True}},
    {"name": "terminations", "params": {}},
    {"name": "timeline", "params": {"min_duration": 0, "cushion_time": 1, "max_event_gap_seconds": None}},
    {"name": "ped_delay", "params": {}},
]


def detector_config(controllers: list[SignalController]) -> pd.DataFrame:
    """atspm's detector configuration: advance detectors count arrivals, stop-bar ones occupancy."""
    rows = []
    for ctl in controllers:
        for p in phases_of(ctl):
            rows += [(ctl.id, p.phase, ch, "Advance") for ch in p.detectors]
            rows += [(ctl.id, p.phase, ch, "Presence") for ch in p.stopbar]
    return pd.DataFrame(rows, columns=["DeviceId", "Phase", "Parameter", "Function"]).astype(
        {"DeviceId": "int64", "Phase": "int64", "Parameter": "int64"})


def _local(ms: pd.Series) -> pd.Series:
    """Epoch ms → naive city-local timestamps, so atspm's bins are the city's quarter hours."""
    return pd.to_datetime(ms + CITY_UTC_OFFSET_MS, unit="ms")


def _epoch(ts: pd.Series) -> pd.Series:
    return (pd.to_datetime(ts).astype("datetime64[ms]").astype("int64") - CITY_UTC_OFFSET_MS)


def run_atspm(raw: pd.DataFrame, config: pd.DataFrame, *, bin_minutes: int = 15) -> dict[str, pd.DataFrame]:
    """atspm's tables for raw events (TimeStamp local naive, DeviceId, EventId, Parameter)."""
    from atspm import SignalDataProcessor

    out: dict[str, pd.DataFrame] = {}
    if raw.empty:
        return out
    with SignalDataProcessor(raw_data=raw, detector_config=config, bin_size=bin_minutes, verbose=0,
                             aggregations=AGGREGATIONS) as proc:
        proc.load()
        proc.aggregate()
        for name in ("actuations", "arrival_on_green", "split_failures", "terminations", "timeline", "ped_delay"):
            try:
                out[name] = proc.conn.query(f"SELECT * FROM {name}").df()
            except Exception:  # a measure with no input rows makes no table
                out[name] = pd.DataFrame()
    return out


def measures_from_tables(tables: dict[str, pd.DataFrame], controllers: list[SignalController],
                         *, bin_minutes: int = 15) -> dict[tuple[int, int, int], dict]:
    """{(controller id, bin start ms, phase): measures} from atspm's tables."""
    rows: dict[tuple[int, int, int], dict] = defaultdict(lambda: {
        "volume": 0.0, "aog_percent": None, "split_failures": 0, "cycles": 0, "gap_outs": 0, "max_outs": 0,
        "force_offs": 0, "green_s": None, "ped_delay_s": None})
    advance = {(c.id, ch): p.phase for c in controllers for p in phases_of(c) for ch in p.detectors}
    act = tables.get("actuations", pd.DataFrame())
    if not act.empty:
        act = act.assign(ms=_epoch(act.TimeStamp))
        for r in act.itertuples(index=False):
            phase = advance.get((int(r.DeviceId), int(r.Detector)))
            if phase is not None:
                rows[(int(r.DeviceId), int(r.ms), phase)]["volume"] += float(r.Total)
    aog = tables.get("arrival_on_green", pd.DataFrame())
    if not aog.empty:
        aog = aog.assign(ms=_epoch(aog.TimeStamp))
        for r in aog.itertuples(index=False):
            rows[(int(r.DeviceId), int(r.ms), int(r.Phase))]["aog_percent"] = round(float(r.Percent_AOG) * 100, 2)
    sf = tables.get("split_failures", pd.DataFrame())
    if not sf.empty:
        sf = sf.assign(ms=_epoch(sf.TimeStamp))
        for (dev, ms, ph), n in sf.groupby(["DeviceId", "ms", "Phase"]).Split_Failure.sum().items():
            rows[(int(dev), int(ms), int(ph))]["split_failures"] = int(n)
    term = tables.get("terminations", pd.DataFrame())
    names = {"GapOut": "gap_outs", "MaxOut": "max_outs", "ForceOff": "force_offs"}
    if not term.empty:
        term = term.assign(ms=_epoch(term.TimeStamp))
        for r in term.itertuples(index=False):
            m = rows[(int(r.DeviceId), int(r.ms), int(r.Phase))]
            m[names[r.PerformanceMeasure]] += int(r.Total)
            m["cycles"] += int(r.Total)
    tl = tables.get("timeline", pd.DataFrame())
    if not tl.empty:
        green = tl[(tl.EventClass == "Green") & tl.IsValid]
        if not green.empty:
            start = pd.to_datetime(green.StartTime).dt.floor(f"{bin_minutes}min")
            green = green.assign(ms=_epoch(start))
            for (dev, ms, ph), g in green.groupby(["DeviceId", "ms", "EventValue"]).Duration.mean().items():
                rows[(int(dev), int(ms), int(ph))]["green_s"] = round(float(g), 2)
    ped = tables.get("ped_delay", pd.DataFrame())
    if not ped.empty:
        ped = ped.assign(ms=_epoch(ped.TimeStamp))
        for r in ped.itertuples(index=False):
            rows[(int(r.DeviceId), int(r.ms), int(r.Phase))]["ped_delay_s"] = round(float(r.AvgPedDelay), 2)
    # Only the configured phases: atspm also reports overlaps and unused phase numbers.
    known = {(c.id, p.phase) for c in controllers for p in phases_of(c)}
    return {k: v for k, v in rows.items() if (k[0], k[2]) in known}


def load_events(session: Session, controller_ids: list[int], start: int, end: int) -> pd.DataFrame:
    """The raw events as atspm wants them; a day of 4 controllers is ~350,000 rows, so no ORM rows."""
    ids = ",".join(str(int(i)) for i in controller_ids)
    sql = (f"SELECT controller_id, ts, code, param FROM signal_events WHERE controller_id IN ({ids}) "
           f"AND ts >= {int(start)} AND ts < {int(end)}")
    cols = ["DeviceId", "ms", "EventId", "Parameter"]
    if session.get_bind().dialect.name == "postgresql":
        buf = io.BytesIO()
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buf.write(block)
        buf.seek(0)
        df = pd.read_csv(buf, names=cols, dtype="int64") if buf.getbuffer().nbytes else pd.DataFrame(columns=cols)
    else:
        cur = session.connection().exec_driver_sql(sql)
        df = pd.DataFrame(cur.fetchall(), columns=cols)
    if df.empty:
        return pd.DataFrame(columns=["TimeStamp", "DeviceId", "EventId", "Parameter"])
    df["TimeStamp"] = _local(df.pop("ms"))
    return df[["TimeStamp", "DeviceId", "EventId", "Parameter"]].astype(
        {"DeviceId": "int64", "EventId": "int64", "Parameter": "int64"})


def compute(session: Session, *, start: int, end: int, uids: list[str] | None = None) -> int:
    """Compute and store the complete bins in [start, end) of the controllers; returns rows stored."""
    start, end = start - start % BIN_MS, end - end % BIN_MS
    if end <= start:
        return 0
    q = select(SignalController)
    if uids:
        q = q.where(SignalController.uid.in_(uids))
    controllers = list(session.scalars(q))
    if not controllers:
        return 0
    ids = [c.id for c in controllers]
    raw = load_events(session, ids, start, end)
    tables = run_atspm(raw, detector_config(controllers))
    found = measures_from_tables(tables, controllers)
    session.execute(delete(SignalMeasure).where(SignalMeasure.controller_id.in_(ids), SignalMeasure.ts >= start,
                                                SignalMeasure.ts < end))
    objs = [SignalMeasure(controller_id=c, ts=t, phase=p, **m) for (c, t, p), m in sorted(found.items())
            if start <= t < end]
    session.add_all(objs)
    session.flush()
    return len(objs)


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def measures(session: Session, *, uid: str, start: int, end: int, bin_minutes: int = 15) -> Measures:
    if bin_minutes not in (15, 30, 60, 1440):
        raise BadRequest("bin must be 15, 30, 60 or 1440 minutes", bin=bin_minutes)
    if end <= start:
        raise BadRequest("`to` must be after `from`")
    if end - start > MAX_RANGE_MS:
        raise BadRequest("ask for at most 400 days at once")
    ctl = get_controller(session, uid)
    q = (select(SignalMeasure).where(SignalMeasure.controller_id == ctl.id, SignalMeasure.ts >= start,
                                     SignalMeasure.ts < end).order_by(SignalMeasure.ts, SignalMeasure.phase))
    width = bin_minutes * 60_000
    acc: dict[tuple[int, int], dict] = {}
    for m in session.scalars(q):
        b = (m.ts + CITY_UTC_OFFSET_MS) // width * width - CITY_UTC_OFFSET_MS
        a = acc.setdefault((b, m.phase), {"volume": 0.0, "aog_n": 0.0, "aog_w": 0.0, "split_failures": 0,
                                          "cycles": 0, "gap_outs": 0, "max_outs": 0, "force_offs": 0,
                                          "green_sum": 0.0, "green_n": 0, "ped_sum": 0.0, "ped_n": 0})
        a["volume"] += m.volume
        for k in ("split_failures", "cycles", "gap_outs", "max_outs", "force_offs"):
            a[k] += getattr(m, k)
        if m.aog_percent is not None:
            w = max(m.volume, 1.0)
            a["aog_n"] += m.aog_percent * w
            a["aog_w"] += w
        if m.green_s is not None:
            n = max(m.cycles, 1)
            a["green_sum"] += m.green_s * n
            a["green_n"] += n
        if m.ped_delay_s is not None:
            a["ped_sum"] += m.ped_delay_s
            a["ped_n"] += 1
    rows = [MeasureRow(ts=b, phase=ph, volume=a["volume"],
                       aog_percent=round(a["aog_n"] / a["aog_w"], 2) if a["aog_w"] else None,
                       split_failures=a["split_failures"], cycles=a["cycles"], gap_outs=a["gap_outs"],
                       max_outs=a["max_outs"], force_offs=a["force_offs"],
                       green_s=round(a["green_sum"] / a["green_n"], 2) if a["green_n"] else None,
                       ped_delay_s=round(a["ped_sum"] / a["ped_n"], 2) if a["ped_n"] else None)
            for (b, ph), a in sorted(acc.items())]
    return Measures(controller=uid, bin_minutes=bin_minutes, start=start, end=end, rows=rows)


def coordination_diagram(session: Session, *, uid: str, phase: int, start: int, end: int) -> CoordinationDiagram:
    """Purdue coordination diagram data: each cycle of the phase (red → green → yellow) with arrivals."""
    if end <= start:
        raise BadRequest("`to` must be after `from`")
    if end - start > PCD_MAX_MS:
        raise BadRequest("a coordination diagram covers at most 4 hours")
    ctl = get_controller(session, uid)
    cfg = {p.phase: p for p in phases_of(ctl)}
    if phase not in cfg:
        raise BadRequest(f"phase {phase} is not configured on {uid}", phases=sorted(cfg))
    dets = set(cfg[phase].detectors)
    rows = session.execute(select(SignalEvent.ts, SignalEvent.code, SignalEvent.param).where(
        SignalEvent.controller_id == ctl.id, SignalEvent.ts >= start - 300_000, SignalEvent.ts < end + 300_000)
        .order_by(SignalEvent.ts)).all()
    cycles: list[PcdCycle] = []
    cur: dict | None = None
    arrivals: list[int] = []
    for ts, code, param in rows:
        if code in (82,) and param in dets:
            arrivals.append(ts)
        elif param == phase and code in (1, 8, 9, 10):
            if code == 1 and cur is not None:
                cur["green"] = ts
            elif code == 8 and cur is not None and "green" in cur:
                cur["yellow"] = ts
            elif code in (9, 10) and (cur is None or "yellow" in cur):
                if cur is not None and "yellow" in cur and start <= cur["start"] < end:
                    arr = [(a - cur["start"]) / 1000 for a in arrivals if cur["start"] <= a < ts]
                    cycles.append(PcdCycle(start=cur["start"], green=(cur["green"] - cur["start"]) / 1000,
                                           yellow=(cur["yellow"] - cur["start"]) / 1000,
                                           red=(ts - cur["start"]) / 1000, arrivals=arr))
                cur = {"start": ts}
                arrivals = [a for a in arrivals if a >= ts]
    total = sum(len(c.arrivals) for c in cycles)
    on_green = sum(1 for c in cycles for a in c.arrivals if c.green <= a < c.yellow)
    return CoordinationDiagram(controller=uid, phase=phase, start=start, end=end, cycles=cycles,
                               aog_percent=round(100 * on_green / total, 2) if total else None)


def latest_computed(session: Session) -> int | None:
    from sqlalchemy import func

    return session.scalar(select(func.max(SignalMeasure.ts)))


def utc_ms(dt: datetime) -> int:
    return int(dt.astimezone(timezone.utc).timestamp() * 1000)
