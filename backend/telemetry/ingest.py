"""Telemetry ingestion: parse ThingsBoard-shaped payloads, write readings and rollups in batches.

One `TelemetryWriter` per process serves the MQTT subscriber and POST /api/v1/telemetry.
Bad input is counted per reason and dropped; it never stops ingestion. A reading is stored
once (primary key device+key+ts); rollups grow only by the readings actually inserted.
"""

from __future__ import annotations

import json
import logging
import math
import reprlib
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.citytime import CITY_UTC_OFFSET_MS, DAY_MS, HOUR_MS, local_day_start
from backend.cache import BoundedCache
from backend.events.service import publish
from backend.telemetry.models import DailyRollup, Device, HourlyRollup, Reading, TelemetryCounter

log = logging.getLogger(__name__)

MIN_TS_MS = 946_684_800_000  # 2000-01-01: anything earlier is a device without a clock
REASONS = ("malformed", "too_deep", "unknown_device", "non_numeric", "out_of_range", "bad_key", "future_timestamp",
           "bad_timestamp", "unparseable", "write_failed")
MAX_UID = 64  # Device.uid
DEVICE_CACHE_ENTRIES = 50_000  # known and unknown device ids remembered, each (far above the city's meters)
# No meter, counter or sensor of the city reads beyond this; far below where sums of a series or
# a day (thousands of readings) could overflow a double and come out as inf/null (issue 18, #12).
MAX_ABS_VALUE = 1e15


class Rejected(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class _OutOfRange(float):
    """A number JSON allows but a double cannot hold (a 400-digit integer)."""


OUT_OF_RANGE = _OutOfRange("nan")


def _number(v: Any) -> float | None:
    """The value as a finite float; None when not a number; OUT_OF_RANGE when too big for a double."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    try:
        v = float(v)
    except OverflowError:
        return OUT_OF_RANGE
    return v if math.isfinite(v) else None


def _good_key(key: Any) -> bool:
    # Printable text only: a NUL cannot be stored in PostgreSQL and would fail the whole batch.
    return isinstance(key, str) and 0 < len(key) <= 32 and key.isprintable()


def parse_payload(body: Any, *, now_ms: int, max_future_ms: int,
                  rejected: Counter) -> list[tuple[int, str, float]]:
    """(ts, key, value) of a payload; bad items and values are counted in `rejected`.

    Accepts {"ts": ms, "values": {...}}, a list of those, or a bare {"key": value} object
    (ThingsBoard: the server's time). Raises Rejected when nothing in it is usable.
    """
    if isinstance(body, (bytes, bytearray, str)):
        try:
            body = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise Rejected("malformed", "not JSON") from None
        except RecursionError:
            raise Rejected("too_deep", "JSON nested too deeply") from None
    items = body if isinstance(body, list) else [body]
    if not items:
        raise Rejected("malformed", "empty list")
    out: list[tuple[int, str, float]] = []
    for item in items:
        if not isinstance(item, dict):
            rejected["malformed"] += 1
            continue
        if "values" in item or "ts" in item:
            values, ts = item.get("values"), item.get("ts", now_ms)
        else:
            values, ts = item, now_ms
        if not isinstance(values, dict) or not values:
            rejected["malformed"] += 1
            continue
        ts_num = _number(ts)
        if ts_num is None or ts_num is OUT_OF_RANGE or ts_num < MIN_TS_MS:
            rejected["bad_timestamp"] += len(values)
            continue
        ts = int(ts_num)
        if ts > now_ms + max_future_ms:
            rejected["future_timestamp"] += len(values)
            continue
        for key, raw in values.items():
            if not _good_key(key):
                rejected["bad_key"] += 1
                continue
            value = _number(raw)
            if value is None:
                rejected["non_numeric"] += 1
                continue
            if value is OUT_OF_RANGE or abs(value) > MAX_ABS_VALUE:
                rejected["out_of_range"] += 1
                continue
            out.append((ts, key, value))
    if not out and not rejected:
        raise Rejected("malformed", "no values")
    return out


@dataclass
class IngestOutcome:
    stored: int = 0
    duplicates: int = 0
    rejected: Counter = field(default_factory=Counter)
    last_detail: dict[str, str] = field(default_factory=dict)


def _insert(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _upsert_rollups(session: Session, model, rows: dict[tuple[int, str, int], list[float]]) -> None:
    if not rows:
        return
    insert = _insert(session)
    pg = session.get_bind().dialect.name == "postgresql"
    least, greatest = (func.least, func.greatest) if pg else (func.min, func.max)
    stmt = insert(model)
    stmt = stmt.on_conflict_do_update(
        index_elements=["device_id", "key", "bucket"],
        set_={"count": model.count + stmt.excluded["count"], "sum": model.sum + stmt.excluded.sum,
              "min": least(model.min, stmt.excluded.min), "max": greatest(model.max, stmt.excluded.max)})
    params = [{"device_id": d, "key": k, "bucket": b, "count": int(a[0]), "sum": a[1], "min": a[2], "max": a[3]}
              for (d, k, b), a in sorted(rows.items())]
    session.execute(stmt, params)


def _accumulate(acc: dict, key: tuple, value: float) -> None:
    a = acc.get(key)
    if a is None:
        acc[key] = [1, value, value, value]
    else:
        a[0] += 1
        a[1] += value
        if value < a[2]:
            a[2] = value
        if value > a[3]:
            a[3] = value


@dataclass
class Written:
    """What a write stored: how many, and per (device, key) the newest (ts, value) stored."""

    stored: int = 0
    latest: dict[tuple[int, str], tuple[int, float]] = field(default_factory=dict)

    def note(self, d: int, k: str, t: int, v: float) -> None:
        old = self.latest.get((d, k))
        if old is None or old[0] <= t:
            self.latest[(d, k)] = (t, v)


def write_readings(session: Session, rows: list[tuple[int, str, int, float]]) -> Written:
    """Insert (device_id, key, ts, value) rows not stored yet and roll up exactly those."""
    if not rows:
        return Written()
    if session.get_bind().dialect.name == "postgresql":
        return _write_pg(session, rows)
    insert = _insert(session)
    table = Reading.__table__  # Core, not the ORM bulk path: a third of the cost
    stmt = insert(table).on_conflict_do_nothing().returning(table.c.device_id, table.c.key, table.c.ts,
                                                            table.c.value)
    out = Written()
    hourly: dict = {}
    daily: dict = {}
    for start in range(0, len(rows), 5000):
        params = [{"device_id": d, "key": k, "ts": t, "value": v} for d, k, t, v in rows[start:start + 5000]]
        for d, k, t, v in session.execute(stmt, params):
            out.stored += 1
            out.note(d, k, t, v)
            _accumulate(hourly, (d, k, t - t % HOUR_MS), v)
            _accumulate(daily, (d, k, local_day_start(t)), v)
    _upsert_rollups(session, HourlyRollup, hourly)
    _upsert_rollups(session, DailyRollup, daily)
    return out


# PostgreSQL: COPY the batch into a temporary table, then one statement inserts what is new
# and rolls up exactly the inserted rows (data-modifying CTEs see the INSERT's RETURNING).
_PG_TEMP = ("CREATE TEMP TABLE IF NOT EXISTS readings_in "
            "(device_id integer, key varchar(32), ts bigint, value double precision) ON COMMIT DELETE ROWS")
_PG_ROLLUP = """
{name} AS (
  INSERT INTO {table} (device_id, key, bucket, count, sum, min, max)
  SELECT device_id, key, {bucket} AS b, count(*), sum(value), min(value), max(value)
  FROM ins GROUP BY device_id, key, b ORDER BY device_id, key, b
  ON CONFLICT (device_id, key, bucket) DO UPDATE SET
    count = {table}.count + excluded.count, sum = {table}.sum + excluded.sum,
    min = LEAST({table}.min, excluded.min), max = GREATEST({table}.max, excluded.max)
  RETURNING 1)"""
_PG_WRITE = ("WITH ins AS (INSERT INTO readings (device_id, key, ts, value) "
             "SELECT DISTINCT ON (device_id, key, ts) device_id, key, ts, value FROM readings_in "
             "ORDER BY device_id, key, ts ON CONFLICT DO NOTHING RETURNING device_id, key, ts, value),"
             + _PG_ROLLUP.format(name="h", table="readings_hourly", bucket="ts - ts % 3600000") + ","
             + _PG_ROLLUP.format(name="d", table="readings_daily",
                                 bucket=f"(ts + {CITY_UTC_OFFSET_MS}) / {DAY_MS} * {DAY_MS} - {CITY_UTC_OFFSET_MS}")
             + " SELECT device_id, key, count(*), max(ts), (array_agg(value ORDER BY ts DESC))[1],"
               " (SELECT count(*) FROM h), (SELECT count(*) FROM d) FROM ins GROUP BY device_id, key")


def _write_pg(session: Session, rows: list[tuple[int, str, int, float]]) -> Written:
    raw = session.connection().connection.driver_connection
    out = Written()
    with raw.cursor() as cur:
        cur.execute(_PG_TEMP)
        with cur.copy("COPY readings_in (device_id, key, ts, value) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        cur.execute(_PG_WRITE)
        for d, k, n, t, v, _, _ in cur.fetchall():
            out.stored += int(n)
            out.note(d, k, int(t), float(v))
        cur.execute("TRUNCATE readings_in")  # several writes in one transaction must not see old rows
    return out


def bump_counters(session: Session, counts: dict[str, int], details: dict[str, str] | None = None) -> None:
    counts = {k: v for k, v in counts.items() if v}
    if not counts:
        return
    insert = _insert(session)
    now = datetime.now(timezone.utc)
    details = details or {}
    for name in sorted(counts):
        stmt = insert(TelemetryCounter).values(name=name, count=counts[name], last_at=now,
                                               last_detail=details.get(name, "")[:300])
        set_ = {"count": TelemetryCounter.count + stmt.excluded["count"], "last_at": now}
        if name in details:
            set_["last_detail"] = stmt.excluded.last_detail
        session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_=set_))


def _good_uid(uid: Any) -> bool:
    return isinstance(uid, str) and 0 < len(uid) <= MAX_UID and uid.isprintable()


def _excerpt(body: Any) -> str:
    if isinstance(body, (bytes, bytearray)):
        return bytes(body[:200]).decode("utf-8", "replace")
    return reprlib.repr(body)[:200]  # depth- and size-limited, unlike str() of a parsed body


class TelemetryWriter:
    """Turns batches of (device uid, payload) into stored readings, rollups and live events."""

    def __init__(self, sm: sessionmaker[Session], *, max_future_s: float = 900,
                 event_interval_s: float = 1.0, cache_entries: int = DEVICE_CACHE_ENTRIES) -> None:
        self.sm = sm
        self.max_future_ms = int(max_future_s * 1000)
        self.event_interval_s = event_interval_s
        # Bounded: a stream of made-up device ids must not grow memory (issue 18, #9).
        self._devices: BoundedCache[str, int] = BoundedCache(cache_entries)
        self._unknown: BoundedCache[str, float] = BoundedCache(cache_entries)  # uid → time of the last miss
        self._lock = threading.Lock()
        self._latest: dict[tuple[str, str], tuple[int, float]] = {}
        self._last_event = 0.0
        self.stats = Counter()
        self.lags_ms: deque[int] = deque(maxlen=20000)

    # ------------------------------------------------------------------ devices
    def forget_devices(self) -> None:
        with self._lock:
            self._devices.clear()
            self._unknown.clear()

    def _resolve(self, session: Session, uids: set[str]) -> dict[str, int]:
        now = time.monotonic()
        with self._lock:
            missing = {u for u in uids if u not in self._devices
                       and now - self._unknown.get(u, -1e9) > 5.0}
        if missing:
            found = dict(session.execute(select(Device.uid, Device.id).where(
                Device.uid.in_(missing), Device.active.is_(True))).all())
            with self._lock:
                self._devices.update(found)
                for u in missing - found.keys():
                    self._unknown[u] = now
        with self._lock:
            return {u: self._devices[u] for u in uids if u in self._devices}

    # ------------------------------------------------------------------ ingest
    def ingest(self, messages: list[tuple[str, Any]], *, now_ms: int | None = None,
               coalesce: bool = True) -> IngestOutcome:
        """Store a batch of messages in one transaction; bad ones are counted, never raised."""
        now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
        out = IngestOutcome()
        rows: dict[tuple[int, str, int], float] = {}
        parsed = 0
        with self.sm() as session:
            # A uid that cannot be a device's (too long, control characters, a NUL PostgreSQL would
            # refuse mid-batch) is never looked up: it is an unknown device, and costs only itself.
            ids = self._resolve(session, {uid for uid, _ in messages if _good_uid(uid)})
            for uid, body in messages:
                if uid not in ids:
                    out.rejected["unknown_device"] += 1
                    out.last_detail["unknown_device"] = f"device {reprlib.repr(uid)} is not registered"
                    continue
                before = sum(out.rejected.values())
                try:
                    values = parse_payload(body, now_ms=now_ms, max_future_ms=self.max_future_ms,
                                           rejected=out.rejected)
                except Rejected as exc:
                    out.rejected[exc.reason] += 1
                    out.last_detail[exc.reason] = f"{uid}: {exc.detail}"
                    continue
                except Exception as exc:  # whatever else one message can do, it costs only that message
                    out.rejected["unparseable"] += 1
                    out.last_detail["unparseable"] = f"{uid}: {type(exc).__name__}"
                    continue
                if sum(out.rejected.values()) > before:
                    for reason in out.rejected:
                        out.last_detail.setdefault(reason, f"{uid}: {_excerpt(body)}")
                dev = ids[uid]
                parsed += len(values)
                for ts, key, value in values:
                    rows.setdefault((dev, key, ts), value)
            flat = [(d, k, t, v) for (d, k, t), v in rows.items()]
            written = write_readings(session, flat)
            out.stored = written.stored
            out.duplicates = parsed - written.stored  # in this batch twice, or stored before
            if written.stored:
                seen = {d for d, _ in written.latest}
                session.execute(update(Device).where(Device.id.in_(seen))
                                .values(last_seen_at=datetime.fromtimestamp(now_ms / 1000, timezone.utc)))
            counts = {"stored": out.stored, "duplicate": out.duplicates}
            counts.update({f"rejected.{r}": n for r, n in out.rejected.items()})
            bump_counters(session, counts, {f"rejected.{r}": d for r, d in out.last_detail.items()})
            self._note_latest(ids, written)
            self._maybe_publish(session, force=not coalesce)
            session.commit()
        done_ms = int(time.time() * 1000)
        for _, _, ts, _ in flat[-2000:]:  # what arrived in this batch (nearly all of it new)
            self.lags_ms.append(done_ms - ts)
        self.stats.update(messages=len(messages), stored=out.stored, duplicates=out.duplicates, batches=1)
        self.stats.update({f"rejected.{r}": n for r, n in out.rejected.items()})
        return out

    def count_lost(self, messages: list[tuple[str, Any]], reason: str) -> None:
        """Messages that could not be stored at all: counted under `reason`, here and in the database."""
        self.stats.update(messages=len(messages), batches=1)
        self.stats[f"rejected.{reason}"] += len(messages)
        try:
            with self.sm() as session:
                bump_counters(session, {f"rejected.{reason}": len(messages)},
                              {f"rejected.{reason}": f"{reprlib.repr(messages[0][0])}: {_excerpt(messages[0][1])}"})
                session.commit()
        except Exception:  # the database may be the reason; the process counter above still shows it
            log.warning("counting %d lost telemetry messages in the database failed", len(messages))

    def _note_latest(self, ids: dict[str, int], written: Written) -> None:
        if not written.stored:
            return
        by_id = {v: k for k, v in ids.items()}
        with self._lock:
            for (d, k), (t, v) in written.latest.items():
                key = (by_id[d], k)
                old = self._latest.get(key)
                if old is None or old[0] <= t:
                    self._latest[key] = (t, v)

    def _maybe_publish(self, session: Session, *, force: bool = False) -> bool:
        now = time.monotonic()
        with self._lock:
            if not self._latest or (not force and now - self._last_event < self.event_interval_s):
                return False
            latest, self._latest = self._latest, {}
            self._last_event = now
        publish(session, "telemetry.readings", {"readings": [
            {"device": uid, "key": key, "ts": ts, "value": value}
            for (uid, key), (ts, value) in sorted(latest.items())]})
        return True

    def flush_events(self) -> None:
        """Publish the coalesced latest values if some are waiting (the subscriber calls it when idle)."""
        with self._lock:
            if not self._latest:
                return
        with self.sm() as session:
            if self._maybe_publish(session, force=True):
                session.commit()

    def process_stats(self) -> dict[str, Any]:
        lags = sorted(self.lags_ms)

        def pct(p: float) -> int | None:
            return lags[min(len(lags) - 1, int(p * len(lags)))] if lags else None

        return {**dict(self.stats), "lag_ms_p50": pct(0.5), "lag_ms_p99": pct(0.99),
                "cache.devices": self._devices.stats(), "cache.unknown_devices": self._unknown.stats()}


def writer_for(app) -> TelemetryWriter:
    """The process's writer, made on first use and kept on app.state."""
    writer = getattr(app.state, "telemetry_writer", None)
    if writer is None:
        writer = app.state.telemetry_writer = TelemetryWriter(app.state.sessionmaker)
    return writer
