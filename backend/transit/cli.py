"""`sc-server transit-import FEED.zip`: validate, report every problem, load or refuse."""

from __future__ import annotations

import sys
from pathlib import Path


def transit_import(settings, path: str, *, check_only: bool = False) -> int:
    from backend.db import make_engine, make_sessionmaker, migrate
    from backend.transit.gtfs_import import FeedRefused, import_feed, validate

    feed = Path(path)
    if not feed.is_file():
        print(f"sc-server: {feed}: no such file", file=sys.stderr)
        return 2
    if check_only:
        report = validate(feed)
        for p in report.problems:
            print(p)
        print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
              + (" (first 1000 shown)" if report.truncated else ""))
        return 1 if report.errors else 0
    engine = make_engine(settings.resolved_database_url)
    migrate(engine)
    with make_sessionmaker(engine)() as s:
        try:
            row, report = import_feed(s, feed)
            s.commit()
        except FeedRefused as exc:
            for p in exc.report.problems:
                print(p, file=sys.stderr)
            print(f"sc-server: {feed.name} refused: {len(exc.report.errors)} error(s), "
                  f"{len(exc.report.warnings)} warning(s); the schedule in force is unchanged", file=sys.stderr)
            return 1
    for p in report.warnings:
        print(p)
    counts = ", ".join(f"{v} {k}" for k, v in row.counts.items() if k != "timezone")
    print(f"imported {feed.name} as feed {row.id}: {counts}; {len(report.warnings)} warning(s)")
    return 0


def add_command(sub) -> None:
    """`sc-server transit-import FEED.zip [--check]`."""
    ti = sub.add_parser("transit-import", help="validate a GTFS feed and make it the active schedule")
    ti.add_argument("feed", help="the GTFS zip")
    ti.add_argument("--check", action="store_true", help="validate only; change nothing")
    ti.set_defaults(run=lambda settings, args: transit_import(settings, args.feed, check_only=args.check))
