"""The wall and the panel: grids, drag and drop, solo main stream, tour, zoom, snapshot, detach, layouts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


LIVE_MS = 20_000


@dataclass
class Cam:
    id: int
    name: str
    main_url: str
    sub_url: str
    area: str = "Centre"
    address: str = ""
    enabled: bool = True


@pytest.fixture
def cams(mjpeg_server):
    return [Cam(1, "Square", mjpeg_server.url("cam2/main"), mjpeg_server.url("cam2/sub")),
            Cam(2, "Stop", mjpeg_server.url("cam2/sub"), mjpeg_server.url("cam2/sub"), area="Stops"),
            Cam(3, "Embankment", mjpeg_server.url("cam2/main"), mjpeg_server.url("cam2/sub"), area="River")]


@pytest.fixture
def wall(qtbot, cams):
    from widgets.video.wall import VideoWall

    w = VideoWall()
    qtbot.addWidget(w)
    w.resize(960, 540)
    w.show()
    w.set_cameras(cams)
    yield w
    w.stop_all()


def drop_camera(tile, camera_id: int) -> None:
    from PySide6.QtCore import QByteArray, QMimeData, QPointF, Qt
    from PySide6.QtGui import QDropEvent

    from widgets.video.tile import CAMERA_MIME

    mime = QMimeData()
    mime.setData(CAMERA_MIME, QByteArray(str(camera_id).encode()))  # what the map and the list carry
    ev = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier)
    tile.dropEvent(ev)


@pytest.mark.parametrize("kind, count", [("1", 1), ("2x2", 4), ("3x3", 9), ("4x4", 16), ("1+5", 6), ("1+7", 8)])
def test_grid_kinds(qtbot, wall, kind, count):
    wall.set_grid(kind)
    visible = [t for t in wall.tiles if t.isVisible()]
    assert len(visible) == count == wall.tile_count
    if kind in ("1+5", "1+7"):  # one big tile and small ones around it
        big, small = visible[0], visible[1]
        assert big.width() > 1.8 * small.width() and big.height() > 1.8 * small.height()


def test_drop_camera_on_tile_then_double_click_fills_wall_with_main_stream(qtbot, wall, cams):
    drop_camera(wall.tiles[1], 1)
    assert wall.assignments()[:2] == [None, 1]
    tile = wall.tiles[1]
    assert tile.url == cams[0].sub_url   # tiles use the sub stream
    qtbot.waitUntil(lambda: tile.status == "live", timeout=LIVE_MS)
    qtbot.mouseDClick(tile, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)
    assert wall.solo_camera == 1 and wall.solo_tile.url == cams[0].main_url and wall.solo_tile.isVisible()
    assert tile.reader is None            # the small decoders sleep meanwhile
    qtbot.waitUntil(lambda: wall.solo_tile.status == "live", timeout=LIVE_MS)
    wall.leave_solo()
    assert wall.solo_camera is None and wall.tiles[1].url == cams[0].sub_url


def test_grid_change_keeps_cameras_that_still_fit(qtbot, wall):
    wall.set_grid("3x3")
    wall.set_assignments([1, 2, 3, None, None, None, None, None, 2])
    wall.set_grid("2x2")
    assert wall.assignments() == [1, 2, 3, None]
    assert not wall.tiles[8].isVisible() and wall.tiles[8].reader is None


def test_tour_cycles_cameras_and_restores_the_wall(qtbot, wall):
    wall.set_grid("1")
    wall.assign(0, 3)
    wall.start_tour([1, 2, 3], seconds=0.2)
    seen = set()
    qtbot.waitUntil(lambda: seen.add(wall.assignments()[0]) or seen == {1, 2, 3}, timeout=10_000)
    wall.stop_tour()
    assert wall.assignments() == [3]


def test_zoom_and_snapshot(qtbot, wall, tmp_path):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QImage, QWheelEvent

    wall.set_grid("1")
    wall.assign(0, 1)
    tile = wall.tiles[0]
    qtbot.waitUntil(lambda: tile.status == "live", timeout=LIVE_MS)
    ev = QWheelEvent(QPointF(100, 100), QPointF(100, 100), QPoint(0, 0), QPoint(0, 240), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    tile.wheelEvent(ev)
    assert tile.zoom > 1.5 and tile.reader.target_size is None  # zoomed: full-size frames, cropped when painted
    start = tile.shown
    qtbot.waitUntil(lambda: tile.shown > start + 2, timeout=LIVE_MS)
    assert tile.grab().width() > 0
    tile.reset_zoom()
    assert tile.zoom == 1.0 and tile.reader.target_size is not None
    path = tmp_path / "snap.png"
    with qtbot.waitSignal(wall.snapshot_saved, timeout=LIVE_MS):
        assert wall.snapshot(tile, path)
    img = QImage(str(path))
    assert (img.width(), img.height()) == (320, 180)  # the decoded size, not the tile's


def test_repaint_with_no_signal_overlay(qtbot, wall, mjpeg_server):
    wall.set_grid("2x2")
    wall.assign(0, 2)
    tile = wall.tiles[0]
    qtbot.waitUntil(lambda: tile.status == "live", timeout=LIVE_MS)
    mjpeg_server.stop()
    qtbot.waitUntil(lambda: tile.status == "no_signal", timeout=3000)
    assert tile.picture is not None and "NO SIGNAL" in tile.status_text()
    tile.grab()  # paints the dimmed last frame with the message


# ------------------------------------------------------------------ the panel against a real backend

@pytest.fixture
def seeded_server(live_server, mjpeg_server):
    from backend.cameras import service
    from backend_client.schemas.cameras import CameraCreate

    with live_server.backend.sessionmaker() as s:
        for name, area, path in (("Square", "Squares", "cam2/sub"), ("Stop Lenina", "Stops", "cam2/sub"),
                                 ("Broken", "Stops", "nothing")):
            service.create_camera(s, user=None, data=CameraCreate(
                name=name, lat=51.66, lon=35.65, area=area, main_url=mjpeg_server.url(path),
                sub_url=mjpeg_server.url(path)))
        s.commit()
    return live_server


@pytest.fixture
def panel(qtbot, make_ctx, seeded_server):
    from widgets.video.panel import VideoWallPanel

    ctx = make_ctx(seeded_server, "dispatcher")
    p = VideoWallPanel(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitUntil(lambda: p.model.rowCount() == 3, timeout=LIVE_MS)
    yield p
    p.shutdown()


def test_panel_lists_filters_and_shows_online_state(qtbot, panel):
    from widgets.video.cameras import CameraListModel

    assert {panel.area_box.itemData(i) for i in range(panel.area_box.count())} == {"", "Squares", "Stops"}
    panel.area_box.setCurrentIndex(panel.area_box.findData("Stops"))
    assert panel.proxy.rowCount() == 2
    panel.filter_edit.setText("lenin")
    assert panel.proxy.rowCount() == 1
    panel.filter_edit.clear()
    panel.area_box.setCurrentIndex(0)
    ids = {panel.model.index(r, 0).data(CameraListModel.IdRole): panel.model.cameras[r].name for r in range(3)}
    square = next(i for i, n in ids.items() if n == "Square")
    broken = next(i for i, n in ids.items() if n == "Broken")
    # mime data of a dragged row is what the tiles accept
    mime = panel.model.mimeData([panel.model.index(0, 0)])
    assert mime.hasFormat("application/x-sc-camera-id")
    panel.wall.show_camera(square)
    panel.wall.show_camera(broken)
    qtbot.waitUntil(lambda: panel.model.state(next(c for c in panel.model.cameras if c.id == square)) == "online",
                    timeout=LIVE_MS)
    qtbot.waitUntil(lambda: panel.model.state(next(c for c in panel.model.cameras if c.id == broken)) == "offline",
                    timeout=LIVE_MS)


def test_panel_saves_and_applies_layouts(qtbot, panel, make_ctx, seeded_server):
    ids = [c.id for c in panel.model.cameras]
    panel.grid_box.setCurrentIndex(panel.grid_box.findData("3x3"))
    panel.wall.assign(4, ids[0])
    panel.save_layout("Night shift", shared=True)
    qtbot.waitUntil(lambda: any(l.name == "Night shift" for l in panel.layouts), timeout=LIVE_MS)
    saved = next(l for l in panel.layouts if l.name == "Night shift")
    assert saved.grid == "3x3" and saved.tiles == [None, None, None, None, ids[0]]
    panel.grid_box.setCurrentIndex(panel.grid_box.findData("1"))
    assert panel.wall.tile_count == 1
    panel.layout_box.setCurrentIndex(panel.layout_box.findData(saved.id))
    panel._apply_saved()
    assert panel.wall.grid_kind == "3x3" and panel.wall.assignments()[4] == ids[0]
    # a supervisor sees the shared layout as someone else's
    from widgets.video.panel import VideoWallPanel

    other = VideoWallPanel(make_ctx(seeded_server, "supervisor", start_events=False))
    qtbot.addWidget(other)
    qtbot.waitUntil(lambda: other.layout_box.count() == 2, timeout=LIVE_MS)
    assert "shared by dispatcher" in other.layout_box.itemText(1)
    other.shutdown()


def test_panel_follows_camera_events_and_bus(qtbot, panel, seeded_server):
    from backend.cameras import service
    from backend_client.schemas.cameras import CameraCreate

    with seeded_server.backend.sessionmaker() as s:
        service.create_camera(s, user=None, data=CameraCreate(name="New one", lat=51.6, lon=35.6,
                                                              main_url="rtsp://127.0.0.1:9/x"))
        s.commit()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4, timeout=LIVE_MS)  # via camera.created over SSE
    new = next(c.id for c in panel.model.cameras if c.name == "New one")
    panel.ctx.bus.camera_open_requested.emit(new)
    assert new in panel.wall.assignments()


def test_detach_and_attach(qtbot, panel):
    panel.detach_wall()
    assert panel.window_ is not None and panel.window_.isVisible() and panel.wall.window() is panel.window_
    panel.window_.close()
    assert panel.window_ is None and panel.wall.window() is panel.window()


def test_first_start_shows_the_last_used_or_a_shared_layout(qtbot, make_ctx, seeded_server):
    """An empty wall on first load takes the layout used last time, else the first shared one."""
    from backend.auth.models import User
    from backend.cameras import service
    from backend.cameras.models import Camera
    from backend_client.schemas.cameras import WallLayoutCreate
    from widgets.video.panel import VideoWallPanel

    with seeded_server.backend.sessionmaker() as s:
        admin = s.query(User).filter_by(username="admin").one()
        ids = [c.id for c in s.query(Camera).order_by(Camera.id)]
        shared = service.create_layout(s, user=admin, data=WallLayoutCreate(
            name="Город", grid="2x2", tiles=ids[:2], shared=True))
        own = service.create_layout(s, user=admin, data=WallLayoutCreate(
            name="Мой", grid="1", tiles=[ids[2]], shared=True))
        s.commit()
        shared_id, own_id = shared.id, own.id

    ctx = make_ctx(seeded_server, "dispatcher", start_events=False)
    first = VideoWallPanel(ctx)
    qtbot.addWidget(first)
    qtbot.waitUntil(lambda: first.wall.assignments()[:2] == ids[:2], timeout=LIVE_MS)
    assert first.layout_box.currentData() == shared_id
    assert ctx.settings.section("video_wall").layout == shared_id
    first.shutdown()
    ctx.settings.save()  # the typed section goes to the file and comes back
    from app.settings import AppSettings

    assert AppSettings.load(ctx.settings.path).section("video_wall").layout == shared_id

    ctx.settings.section("video_wall").layout = own_id  # as if the operator chose it last shift
    again = VideoWallPanel(ctx)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.wall.grid_kind == "1" and again.wall.assignments()[0] == ids[2], timeout=LIVE_MS)
    again.shutdown()
