"""Another domain's figures land on the wall, in GET /api/v1/stats and in the shift report from its own
declarations alone (a Domain's stats and report_sections, a FeatureSpec's tiles)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.conftest import TEST_PASSWORD, LiveServer, make_backend
from tests.room.test_reports import make_report

FAKE = "tests.room.fake_figures"


@pytest.fixture
def figures_server(tmp_path):
    b = make_backend(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path, extra_domains=FAKE)
    for role in ("dispatcher", "supervisor"):
        b.add_user(role, role, TEST_PASSWORD)
    server = LiveServer(b).start()
    yield server
    server.stop()
    b.app.state.engine.dispose()


def test_a_domains_stats_and_report_section_come_from_its_declaration(figures_server):
    from fastapi.testclient import TestClient

    with TestClient(figures_server.backend.app) as c:
        tok = c.post("/api/v1/auth/token", data={"username": "supervisor", "password": TEST_PASSWORD}).json()
        c.headers["Authorization"] = f"Bearer {tok['access_token']}"
        listed = c.get("/api/v1/stats").json()["endpoints"]
        assert {"domain": "buses", "path": "/api/v1/stats/buses"} in listed
        assert c.get("/api/v1/stats/buses").json()["on_time"] == pytest.approx(0.917)
        rep = make_report(c, {"period": "day"})
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
            c.get(f"/api/v1/reports/{rep['id']}/file").content)).pages)
    assert "Общественный транспорт" in text and "Площадь Коммунаров" in text
    # Registry order: the incidents come before the later domain's section.
    assert text.index("Происшествия") < text.index("Общественный транспорт")


def test_a_features_tiles_come_to_the_wall(qtbot, make_ctx, figures_server):
    from PySide6.QtCore import QT_TRANSLATE_NOOP

    from widgets.common.feature import FeatureSpec, Placement, TileDef
    from widgets.room.wall import WallScreen

    ctx = make_ctx(figures_server)
    ctx.features.append(FeatureSpec(
        "transit", QT_TRANSLATE_NOOP("Panels", "Transit"), "tests.fake_feature.panel:HydrantPanel", Placement(),
        tiles=(TileDef("transit.on_time", QT_TRANSLATE_NOOP("Tiles", "Buses on time"), "/api/v1/stats/buses",
                       "on_time", kind="gauge", unit="%", scale=100, alarm_below=95),
               TileDef("transit.boards", QT_TRANSLATE_NOOP("Tiles", "Boards down"), "/api/v1/stats/buses",
                       "boards_down", kind="list", alarm_above=0),
               # A supervisors' endpoint asked without its period: the 4xx leaves the tile out, not an outage.
               TileDef("transit.wrong", QT_TRANSLATE_NOOP("Tiles", "Boards down"), "/api/v1/stats/archive",
                       "views"))))
    ctx.settings.section("room").wall_center = ""
    wall = WallScreen(ctx)
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)
    wall.show()
    on_time = wall.widgets["transit.on_time"]
    qtbot.waitUntil(lambda: on_time.value is not None, timeout=15_000)
    assert on_time.value == pytest.approx(91.7) and on_time.alarm  # below 95 %: in alarm
    assert wall.widgets["transit.boards"].value == 1
    qtbot.waitUntil(lambda: len(wall.board.hidden) == 1, timeout=15_000)
    assert wall.board.offline_since is None and wall.status.text() == ""
    assert wall.page_count() == 3 and len(wall.shown_tiles()) == 22
    assert "transit.wrong" not in {t.name for t in wall.shown_tiles()}
    wall.close()
