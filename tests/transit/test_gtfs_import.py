"""GTFS import: the demo feed and a real city's feed load; broken feeds are refused whole, the old one stays."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from backend.transit import models as m
from backend.transit.gtfs_import import FeedRefused, import_feed, validate
from citysim.transit.feed import DEMO_FEED
from tests.transit.factory import DATA

CAIRNS = DATA / "cairns_gtfs.zip"


def rewrite(tmp_path, name: str = "broken.zip", *, drop: tuple[str, ...] = (), edit: dict | None = None):
    """The demo feed with files dropped and (file -> fn(text) -> text) edits applied."""
    out = tmp_path / name
    with zipfile.ZipFile(DEMO_FEED) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            text = src.read(info).decode("utf-8")
            if edit and info.filename in edit:
                text = edit[info.filename](text)
            dst.writestr(info.filename, text)
    return out


def replace_line(n: int, fn):
    def apply(text: str) -> str:
        lines = text.split("\n")
        lines[n - 1] = fn(lines[n - 1])
        return "\n".join(lines)
    return apply


def test_demo_feed_imports_with_its_42_stops_and_is_active(backend):
    with backend.sessionmaker() as s:
        feed, report = import_feed(s, DEMO_FEED, today=date(2026, 11, 1))
        s.commit()
        assert report.errors == [] and report.warnings == []
        assert feed.active and feed.counts["stops"] == 42 and feed.counts["routes"] == 4
        assert feed.counts["timezone"] == "Europe/Moscow"
        # each trip's stops carry metres along its shape, increasing
        dists = s.scalars(select(m.StopTime.dist_m).where(m.StopTime.trip_id == "WD-1-0-0001")
                          .order_by(m.StopTime.seq)).all()
        assert dists[0] == pytest.approx(0, abs=5) and all(b > a for a, b in zip(dists, dists[1:]))


def test_a_real_city_feed_imports_with_warnings_not_errors(tmp_path):
    from tests.conftest import make_backend

    b = make_backend(f"sqlite:///{tmp_path / 'c.sqlite3'}", tmp_path)
    with b.sessionmaker() as s:
        feed, report = import_feed(s, CAIRNS)
        s.commit()
        assert report.errors == []
        messages = [str(p) for p in report.warnings]
        assert any("feed_info.txt" in w and "missing" in w for w in messages)
        assert any("in the past" in w for w in messages)
        assert feed.counts["trips"] > 1000 and feed.counts["timezone"] == "Australia/Brisbane"
        assert s.scalar(select(func.count()).select_from(m.StopTime)) == feed.counts["stop_times"]
    b.app.state.engine.dispose()


@pytest.mark.parametrize("case, expect", [
    ("missing stops.txt", ("stops.txt", None, None, "required file is missing")),
    ("bad latitude", ("stops.txt", 3, "stop_lat", "not a coordinate")),
    ("unknown stop", ("stop_times.txt", 2, "stop_id", "not in stops.txt")),
    ("bad time", ("stop_times.txt", 3, "arrival_time", "not a time")),
    ("time going backwards", ("stop_times.txt", 3, "arrival_time", "earlier than the previous")),
    ("unknown route", ("trips.txt", 2, "route_id", "not in routes.txt")),
    ("missing column", ("routes.txt", 1, "route_type", "required column is missing")),
    ("not a zip", ("broken.zip", None, None, "not a readable GTFS zip")),
])
def test_each_problem_is_reported_with_file_line_and_field(tmp_path, case, expect):
    edits = {
        "missing stops.txt": dict(drop=("stops.txt",)),
        "bad latitude": dict(edit={"stops.txt": replace_line(3, lambda l: l.replace("51.653087", "95.1"))}),
        "unknown stop": dict(edit={"stop_times.txt": replace_line(2, lambda l: l.replace("KUR001", "NOPE"))}),
        "bad time": dict(edit={"stop_times.txt": replace_line(3, lambda l: l.replace(",06:", ",6h", 1))}),
        "time going backwards": dict(edit={"stop_times.txt": replace_line(3, lambda l: l.replace(",06:01:", ",05:01:"))}),
        "unknown route": dict(edit={"trips.txt": replace_line(2, lambda l: "99" + l[1:])}),
        "missing column": dict(edit={"routes.txt": lambda t: t.replace("route_type", "kind", 1)}),
    }
    if case == "not a zip":
        path = tmp_path / "broken.zip"
        path.write_bytes(b"this is not a zip file")
    else:
        path = rewrite(tmp_path, **edits[case])
    report = validate(path, today=date(2026, 11, 1))
    file, line, fld, text = expect
    hits = [p for p in report.errors if p.file == file and p.line == line and p.field == fld and text in p.message]
    assert hits, f"{case}: {[str(p) for p in report.errors[:5]]}"


def test_a_broken_feed_is_refused_whole_and_the_previous_stays_in_force(backend):
    with backend.sessionmaker() as s:
        first, _ = import_feed(s, DEMO_FEED, today=date(2026, 11, 1))
        s.commit()
        trips = s.scalar(select(func.count()).select_from(m.Trip))
    import tempfile
    from pathlib import Path

    broken = rewrite(Path(tempfile.mkdtemp()), edit={"stops.txt": replace_line(5, lambda l: l.replace("51.", "x"))})
    with backend.sessionmaker() as s:
        with pytest.raises(FeedRefused) as exc:
            import_feed(s, broken, today=date(2026, 11, 1))
        s.rollback()
        assert exc.value.report.errors[0].file == "stops.txt"
        active = s.scalars(select(m.Feed).where(m.Feed.active.is_(True))).all()
        assert [f.id for f in active] == [first.id]
        assert s.scalar(select(func.count()).select_from(m.Trip)) == trips


def test_warnings_do_not_refuse_and_a_new_feed_replaces_the_old(backend, tmp_path):
    # an unused stop and an unknown file are warnings
    extra = rewrite(tmp_path, edit={"stops.txt": lambda t: t + "KUR999,Депо,51.66,35.64,0\n"})
    with zipfile.ZipFile(extra, "a") as z:
        z.writestr("notes.txt", "hello")
    with backend.sessionmaker() as s:
        import_feed(s, DEMO_FEED, today=date(2026, 11, 1))
        feed, report = import_feed(s, extra, today=date(2026, 11, 1))
        s.commit()
        kinds = {(p.file, p.message.split(" ")[0]) for p in report.warnings}
        assert ("stops.txt", "stop") in kinds and ("notes.txt", "file") in kinds
        assert s.scalar(select(func.count()).select_from(m.Feed).where(m.Feed.active.is_(True))) == 1
        assert {r for r in s.scalars(select(m.Stop.feed_id).distinct())} == {feed.id}


def test_cli_imports_refuses_and_checks(tmp_path, capsys):
    from backend.cli import main

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    broken = rewrite(tmp_path, drop=("trips.txt",))
    assert main(["--database-url", url, "transit-import", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "trips.txt" in err and "refused" in err and "unchanged" in err
    assert main(["--database-url", url, "transit-import", str(CAIRNS), "--check"]) == 0
    assert main(["--database-url", url, "transit-import", str(DEMO_FEED)]) == 0
    assert "imported kurchatov_gtfs.zip" in capsys.readouterr().out
    assert main(["--database-url", url, "transit-import", str(tmp_path / "nope.zip")]) == 2


def test_stop_times_without_times_between_timepoints_are_interpolated(backend, tmp_path):
    def blank_middle(text: str) -> str:
        lines = text.split("\n")
        parts = lines[3].split(",")  # the third call of the first trip
        parts[1] = parts[2] = ""
        lines[3] = ",".join(parts)
        return "\n".join(lines)

    feed = rewrite(tmp_path, edit={"stop_times.txt": blank_middle})
    with backend.sessionmaker() as s:
        import_feed(s, feed, today=date(2026, 11, 1))
        rows = s.scalars(select(m.StopTime).where(m.StopTime.trip_id == "WD-1-0-0001").order_by(m.StopTime.seq)).all()
        assert rows[1].arr_s < rows[2].arr_s < rows[3].arr_s



def test_frequency_based_trips_run_once_per_headway(backend, tmp_path):
    from backend.transit import network

    feed = rewrite(tmp_path, edit={})
    with zipfile.ZipFile(feed, "a") as z:
        z.writestr("frequencies.txt", "trip_id,start_time,end_time,headway_secs\nWD-5-0-0001,10:00:00,11:00:00,900\n")
    with backend.sessionmaker() as s:
        import_feed(s, feed, today=date(2026, 11, 1))
        s.commit()
        net = network.load(s)
        assert "WD-5-0-0001" not in net.trips  # the pattern itself does not run
        runs = sorted(t for t in net.trips if t.startswith("WD-5-0-0001@"))
        assert runs == ["WD-5-0-0001@10:00:00", "WD-5-0-0001@10:15:00", "WD-5-0-0001@10:30:00",
                        "WD-5-0-0001@10:45:00"]
        assert net.trips["WD-5-0-0001@10:15:00"].start_s == 10 * 3600 + 15 * 60
