"""The transport, intersections, works and cleaning tiles on the wall, from their features' declarations,
with the figures of their stats endpoints (and a change made live coming through the event stream)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from backend.stats.periods import CITY_TZ, day_start
from tests.room.domain_factories import cleaning_city, signals_city, transit_city, works_city

UTC = timezone.utc
NEW_TILES = ("transit.buses_on_time", "transit.boards_silent", "signals.in_fault", "signals.by_mode",
             "works.without_permit", "works.restoration_overdue", "cleaning.missed_today")


def test_the_four_domains_tiles_are_on_the_wall(qtbot, make_ctx, live_server, tmp_path):
    from widgets.room.wall import WallScreen

    b = live_server.backend
    now = datetime.now(UTC)
    transit_city(b)
    signals_city(b, now)
    works_city(b, now, now.astimezone(CITY_TZ).date())
    cleaning_city(b, now.astimezone(CITY_TZ).date(), day_start(now))
    ctx = make_ctx(live_server)
    room = ctx.settings.section("room")
    room.wall_center = ""
    room.wall_page_seconds = 600  # the test turns the pages itself
    wall = WallScreen(ctx)
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)
    wall.show()
    shown = {t.name for t in wall.shown_tiles()}
    assert set(NEW_TILES) <= shown
    w = wall.widgets
    qtbot.waitUntil(lambda: all(w[n].value is not None for n in NEW_TILES), timeout=20_000)
    on_time = w["transit.buses_on_time"]
    assert on_time.value == pytest.approx(50.0) and on_time.alarm  # below 80 %
    assert w["transit.boards_silent"].value == 1 and w["transit.boards_silent"].alarm
    assert w["signals.in_fault"].value == 2 and w["signals.in_fault"].alarm
    assert {g["key"]: g["count"] for g in w["signals.by_mode"].data["by_mode"]} == {
        "flash": 1, "coordinated": 1, "offline": 1, "manual": 1}
    assert w["works.without_permit"].value == 2 and w["works.without_permit"].alarm
    assert w["works.restoration_overdue"].value == 2
    assert w["cleaning.missed_today"].value == 3 and w["cleaning.missed_today"].alarm
    assert wall.board.offline_since is None
    assert not {key[0] for key in wall.board.hidden} & {w[n].tile.endpoint for n in NEW_TILES}
    # Every page with one of these tiles, grabbed for a look.
    for page in range(wall.page_count()):
        wall.show_page(page)
        qtbot.wait(100)
        wall.grab().save(str(tmp_path / f"wall-{page}.png"))
    wall.close()
