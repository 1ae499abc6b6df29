"""Controller events in: MQTT batches and exported CSV → stored once, state folded, published.

One `SignalWriter` per process serves the MQTT subscriber and POST /api/v1/signals/events.
Bad input is counted per reason and dropped; duplicates (same controller, ts, code and
parameter) are stored once. On PostgreSQL the events go through COPY into day partitions
made on demand (retention drops whole days); on SQLite into a plain table.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from backend.citytime import CITY_UTC_OFFSET_MS, DAY_MS, local_day_start
from backend.events.service import publish
from backend.signals import state as st
from backend.signals.models import SignalController, SignalCounter, SignalEvent

log = logging.getLogger(__name__)

MIN_TS_MS = 946_684_800_000  # 2000-01-01: an earlier stamp is a controller without a clock
MAX_CODE = 1023               # Indiana enumeration (0–255) plus vendors' ranges
MAX_PARAM = 32767


@dataclass
class IngestOutcome:
    stored: int = 0
    duplicates: int = 0
    rejected: Counter = field(default_factory=Counter)
    last_detail: dict[str, str] = field(default_factory=dict)

    def reject(self, reason: str, detail: str, n: int = 1) -> None:
        self.rejected[reason] += n
        self.last_detail[reason] = detail[:300]


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None


def check_event(ts: Any, code: Any, param: Any, *, now_ms: int, max_future_ms: int) -> tuple[int, int, int] | str:
    """The event as ints, or the reason it is rejected."""
    ts_i, code_i, param_i = _int(ts), _int(code), _int(param)
    if ts_i is None or ts_i < MIN_TS_MS:
        return "bad_timestamp"
    if ts_i > now_ms + max_future_ms:
        return "future_timestamp"
    if code_i is None or not 0 <= code_i <= MAX_CODE:
        return "unknown_code"
    if param_i is None or not 0 <= param_i <= MAX_PARAM:
        return "bad_parameter"
    return ts_i, code_i, param_i


def parse_batch(body: Any, out: IngestOutcome, uid: str, *, now_ms: int,
                max_future_ms: int) -> list[tuple[int, int, int]]:
    """[[ts_ms, code, param], ...] (or {"events": [...]}) → checked events; bad ones counted in `out`."""
    if isinstance(body, (bytes, bytearray, str)):
        try:
            body = json.loads(body) if body else []
        except (ValueError, UnicodeDecodeError):
            out.reject("malformed", f"{uid}: not JSON")
            return []
    if isinstance(body, dict):
        body = body.get("events")
    if not isinstance(body, list):
        out.reject("malformed", f"{uid}: expected a list of [ts_ms, code, param]")
        return []
    events = []
    for item in body:
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            out.reject("malformed", f"{uid}: {str(item)[:80]} is not [ts_ms, code, param]")
            continue
        r = check_event(*item, now_ms=now_ms, max_future_ms=max_future_ms)
        if isinstance(r, str):
            out.reject(r, f"{uid}: {item}")
        else:
            events.append(r)
    return events


def _parse_time(text_: str) -> int | None:
    """CSV TimeStamp: epoch ms, or ISO / 'YYYY-MM-DD HH:MM:SS.f' (city local time when no zone)."""
    text_ = text_.strip()
    if text_.isdigit():
        return int(text_)
    try:
        t = datetime.fromisoformat(text_.replace("Z", "+00:00"))
    except ValueError:
        for fmt in ("%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S"):
            try:
                t = datetime.strptime(text_, fmt)
                break
            except ValueError:
                continue
        else:
            return None
    if t.tzinfo is None:
        return int(t.replace(tzinfo=timezone.utc).timestamp() * 1000) - CITY_UTC_OFFSET_MS
    return int(t.timestamp() * 1000)


def parse_csv(data: bytes, out: IngestOutcome, *, now_ms: int,
              max_future_ms: int) -> dict[str, list[tuple[int, int, int]]]:
    """TimeStamp,DeviceId,EventId,Parameter rows grouped by device; bad rows counted in `out`."""
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        header = next(reader, None)
    except UnicodeDecodeError:
        out.reject("malformed", "the file is not UTF-8 text")
        return {}
    names = [h.strip().lower() for h in header or []]
    want = ["timestamp", "deviceid", "eventid", "parameter"]
    if any(w not in names for w in want):
        out.reject("malformed", f"the header must name TimeStamp,DeviceId,EventId,Parameter; got {header}")
        return {}
    cols = [names.index(w) for w in want]
    by_device: dict[str, list[tuple[int, int, int]]] = {}
    for line, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(names):
            out.reject("malformed", f"line {line}: {len(row)} fields")
            continue
        t, dev, code, param = (row[c].strip() for c in cols)
        ts = _parse_time(t)
        if ts is None:
            out.reject("bad_timestamp", f"line {line}: {t!r}")
            continue
        try:
            code_i, param_i = int(code), int(param)
        except ValueError:
            out.reject("unknown_code" if not code.lstrip("-").isdigit() else "bad_parameter",
                       f"line {line}: {code!r},{param!r}")
            continue
        r = check_event(ts, code_i, param_i, now_ms=now_ms, max_future_ms=max_future_ms)
        if isinstance(r, str):
            out.reject(r, f"line {line}: {row}")
        elif not dev:
            out.reject("unknown_controller", f"line {line}: no DeviceId")
        else:
            by_device.setdefault(dev, []).append(r)
    return by_device


# ------------------------------------------------------------------ storage

def partition_name(day_start: int) -> str:
    local = datetime.fromtimestamp((day_start + CITY_UTC_OFFSET_MS) / 1000, timezone.utc)
    return f"signal_events_{local:%Y%m%d}"


class Partitions:
    """Day partitions of signal_events on PostgreSQL, made before a write needs them."""

    def __init__(self) -> None:
        self._known: set[int] = set()
        self._lock = threading.Lock()

    def ensure(self, engine, days: set[int]) -> None:
        missing = days - self._known
        if not missing:
            return
        with self._lock:
            for day in sorted(missing - self._known):
                name = partition_name(day)
                # Its own autocommit connection: a partition made by another instance at the
                # same moment fails here harmlessly, never the batch's transaction.
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    try:
                        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF signal_events "
                                          f"FOR VALUES FROM ({day}) TO ({day + DAY_MS})"))
                    except Exception:
                        exists = conn.scalar(text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name})
                        if not exists:
                            raise
                self._known.add(day)

    def forget(self) -> None:
        with self._lock:
            self._known.clear()


_PG_TEMP = ("CREATE TEMP TABLE IF NOT EXISTS signal_events_in "
            "(controller_id integer, ts bigint, code smallint, param smallint) ON COMMIT DELETE ROWS")
_PG_INSERT = ("INSERT INTO signal_events (controller_id, ts, code, param) "
              "SELECT DISTINCT controller_id, ts, code, param FROM signal_events_in ON CONFLICT DO NOTHING")


def write_events(session: Session, rows: list[tuple[int, int, int, int]]) -> int:
    """Insert (controller_id, ts, code, param) rows not stored yet; returns how many were new."""
    if not rows:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cur:
            cur.execute(_PG_TEMP)
            with cur.copy("COPY signal_events_in (controller_id, ts, code, param) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            cur.execute(_PG_INSERT)
            n = cur.rowcount
            cur.execute("TRUNCATE signal_events_in")
        return n
    from sqlalchemy.dialects.sqlite import insert

    table = SignalEvent.__table__
    stmt = insert(table).on_conflict_do_nothing()
    n = 0
    for start in range(0, len(rows), 5000):
        params = [{"controller_id": c, "ts": t, "code": k, "param": p} for c, t, k, p in rows[start:start + 5000]]
        n += session.execute(stmt, params).rowcount
    return n


def bump_counters(session: Session, counts: dict[str, int], details: dict[str, str]) -> None:
    counts = {k: v for k, v in counts.items() if v}
    if not counts:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = datetime.now(timezone.utc)
    for name in sorted(counts):
        stmt = insert(SignalCounter).values(name=name, count=counts[name], last_at=now,
                                            last_detail=details.get(name, "")[:300])
        set_ = {"count": SignalCounter.count + stmt.excluded["count"], "last_at": now}
        if name in details:
            set_["last_detail"] = stmt.excluded.last_detail
        session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_=set_))


class SignalWriter:
    """Turns batches of (controller uid, events) into stored events, live state and stream events."""

    def __init__(self, sm: sessionmaker[Session], *, max_future_s: float = 300,
                 comm_timeout_s: float = 60) -> None:
        self.sm = sm
        self.max_future_ms = int(max_future_s * 1000)
        self.comm_timeout_s = comm_timeout_s
        self.partitions = Partitions()
        self._ids: dict[str, int] = {}
        self._lock = threading.Lock()
        self.stats = Counter()
        self.lags_ms: deque[int] = deque(maxlen=20000)
        self._oldest_new: int | None = None  # the oldest event stored since the measures last looked

    def take_oldest_new(self) -> int | None:
        """The oldest event time stored since the last call (late uploads make old bins stale)."""
        with self._lock:
            oldest, self._oldest_new = self._oldest_new, None
        return oldest

    def forget_controllers(self) -> None:
        with self._lock:
            self._ids.clear()

    def ingest(self, messages: list[tuple[str, Any]], *, now_ms: int | None = None) -> IngestOutcome:
        """MQTT-shaped input: (controller uid, [[ts, code, param], ...]) per message."""
        now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
        out = IngestOutcome()
        by_uid: dict[str, list[tuple[int, int, int]]] = {}
        heard: set[str] = set()
        for uid, body in messages:
            events = parse_batch(body, out, uid, now_ms=now_ms, max_future_ms=self.max_future_ms)
            by_uid.setdefault(uid, []).extend(events)
            heard.add(uid)
        return self._store(by_uid, out, heard=heard, now_ms=now_ms)

    def ingest_csv(self, data: bytes, *, now_ms: int | None = None) -> IngestOutcome:
        now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
        out = IngestOutcome()
        by_uid = parse_csv(data, out, now_ms=now_ms, max_future_ms=self.max_future_ms)
        # A file exported later is not a sign of life: it does not refresh last_heard_at.
        return self._store(by_uid, out, heard=set(), now_ms=now_ms)

    def _store(self, by_uid: dict[str, list[tuple[int, int, int]]], out: IngestOutcome, *, heard: set[str],
               now_ms: int) -> IngestOutcome:
        with self.sm() as session:
            controllers = {c.uid: c for c in session.scalars(
                select(SignalController).where(SignalController.uid.in_(set(by_uid) | heard)))}
            rows: list[tuple[int, int, int, int]] = []
            parsed = 0
            for uid, events in by_uid.items():
                if uid not in controllers:
                    n = len(events) or 1
                    out.reject("unknown_controller", f"controller {uid!r} is not registered", n)
                    continue
                cid = controllers[uid].id
                parsed += len(events)
                rows.extend((cid, t, c, p) for t, c, p in events)
            if rows and session.get_bind().dialect.name == "postgresql":
                self.partitions.ensure(session.get_bind(), {local_day_start(r[1]) for r in rows})
            out.stored = write_events(session, rows)
            out.duplicates = parsed - out.stored
            if out.stored:
                first = min(r[1] for r in rows)
                with self._lock:
                    self._oldest_new = first if self._oldest_new is None else min(self._oldest_new, first)
            now = datetime.fromtimestamp(now_ms / 1000, timezone.utc)
            for uid, ctl in controllers.items():
                events = sorted(by_uid.get(uid, ()))
                new_state = dict(ctl.state or st.empty())
                changed = st.apply(new_state, events, coord_phase=ctl.stages[0][0])
                if events:
                    ctl.last_event_ts = max(ctl.last_event_ts or 0, events[-1][0])
                came_back = uid in heard and (ctl.last_heard_at is None or
                                              (now - ctl.last_heard_at).total_seconds() > self.comm_timeout_s)
                if uid in heard:
                    ctl.last_heard_at = now
                if changed or came_back:
                    ctl.state = new_state  # a new dict, so the JSON column is written
                    session.flush()
                    from backend.signals.service import state_of

                    publish(session, "signals.state", state_of(session, ctl, as_of=now_ms).model_dump(mode="json"))
            counts = {"stored": out.stored, "duplicate": out.duplicates}
            counts.update({f"rejected.{r}": n for r, n in out.rejected.items()})
            bump_counters(session, counts, {f"rejected.{r}": d for r, d in out.last_detail.items()})
            session.commit()
        done_ms = int(time.time() * 1000)
        for _, t, _, _ in rows[-500:]:
            self.lags_ms.append(done_ms - t)
        self.stats.update(events=parsed, stored=out.stored, duplicates=out.duplicates, batches=1)
        self.stats.update({f"rejected.{r}": n for r, n in out.rejected.items()})
        return out

    def process_stats(self) -> dict[str, Any]:
        lags = sorted(self.lags_ms)

        def pct(p: float) -> int | None:
            return lags[min(len(lags) - 1, int(p * len(lags)))] if lags else None

        return {**dict(self.stats), "lag_ms_p50": pct(0.5), "lag_ms_p99": pct(0.99)}


def writer_for(app) -> SignalWriter:
    """The process's writer, made on first use and kept on app.state."""
    writer = getattr(app.state, "signal_writer", None)
    if writer is None:
        s = app.state.settings
        writer = app.state.signal_writer = SignalWriter(app.state.sessionmaker,
                                                        comm_timeout_s=s.signals_comm_timeout_s)
    return writer


def drop_old_events(session: Session, *, retention_days: int, now_ms: int | None = None) -> int:
    """Drop raw events older than the retention (whole day partitions on PostgreSQL); returns days/rows."""
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    cutoff = local_day_start(now_ms) - retention_days * DAY_MS
    if session.get_bind().dialect.name != "postgresql":
        return session.execute(SignalEvent.__table__.delete().where(SignalEvent.ts < cutoff)).rowcount
    dropped = 0
    rows = session.execute(text(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
        "WHERE p.relname = 'signal_events'")).all()
    for name, bound in rows:
        # "FOR VALUES FROM ('a') TO ('b')": a partition wholly before the cutoff goes.
        try:
            upper = int(bound.rsplit("TO (", 1)[1].strip("()' "))
        except (IndexError, ValueError):
            continue
        if upper <= cutoff:
            session.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
            dropped += 1
    return dropped
