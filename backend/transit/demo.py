"""Demo seeding: Kurchatov's bus feed (resources/transit/kurchatov_gtfs.zip) and its 8 smart stops' boards."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from backend.domain import DemoSeed
from backend.transit import network
from backend.transit.gtfs_import import import_feed
from backend.transit.service import ensure_board

log = logging.getLogger(__name__)
DEMO_DIR = Path(__file__).resolve().parents[2] / "resources" / "transit"


def seed(demo: DemoSeed) -> None:
    """Imports the demo feed when no feed is active yet, and registers the boards; leaves what exists alone."""
    with demo.maker() as s:
        if network.active_feed_id(s) is None:
            feed, report = import_feed(s, DEMO_DIR / "kurchatov_gtfs.zip", name="Kurchatov city buses (demo)")
            log.info("demo: transit feed imported: %s", feed.counts)
        with open(DEMO_DIR / "boards.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                ensure_board(s, stop_id=row["stop_id"], name=row["board_name"])
        s.commit()
