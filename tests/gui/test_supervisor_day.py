"""The supervisor's day, in Russian, on the real backend with a real recording: from a wall tile
to the archive, a reason (audited), playback that advances, an export read back as video."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import av
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from tests.gui.test_keyboard_day import Keyboard, russian  # noqa: F401  (fixture)
from tests.recordings.conftest import load_recording, recorded  # noqa: F401  (session fixture)

CTRL = Qt.KeyboardModifier.ControlModifier
REASON = "Обращение 17: кто сбил ограждение"


def _recording_a_minute_ago(backend, recorded, live_url: str) -> dict[str, int]:  # noqa: F811
    """The session's recording, moved to end a minute ago (a tile's archive opens 5 minutes back,
    so playback runs into it), and the steady camera given a live stream for its wall tile."""
    from sqlalchemy import select

    from backend.cameras.models import Camera
    from backend.recordings.models import CameraEvent, Segment

    ids = load_recording(backend, recorded)
    with backend.sessionmaker() as s:
        segments = list(s.scalars(select(Segment)))
        last = max(g.end for g in segments)
        aware = last.tzinfo is not None
        target = datetime.now(timezone.utc) - timedelta(seconds=60)
        delta = (target if aware else target.replace(tzinfo=None)) - last
        for g in segments:
            g.start, g.end = g.start + delta, g.end + delta
        for e in s.scalars(select(CameraEvent)):
            e.start = e.start + delta
            e.end = e.end + delta if e.end is not None else None
        cam = s.get(Camera, ids["steady"])
        cam.main_url = cam.sub_url = live_url
        s.commit()
    return ids


def _window(ctx, qtbot, names=("incidents", "video_wall", "archive")):
    from app.mainwindow import MainWindow

    window = MainWindow(ctx, features=[s for s in ctx.features if s.name in names])
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _summary_shown_whole(qtbot, dlg) -> None:
    """Both lines of the hash, the whole copy button, the summary above the buttons."""
    qtbot.waitUntil(lambda: dlg.summary.geometry().bottom() < dlg.buttons.geometry().top(), timeout=3_000)
    assert dlg.hash_label.height() >= 2 * dlg.hash_label.fontMetrics().lineSpacing()
    assert dlg.hash_label.width() + dlg.copy_hash_button.width() <= dlg.width()
    assert dlg.copy_hash_button.height() >= dlg.copy_hash_button.sizeHint().height()


def _audit(ctx, action):
    return ctx.api.request("GET", "/api/v1/audit", params={"action": action})["items"]


def _answer_save_dialog(qtbot, seen: dict, folder) -> None:
    """What the operator does in "Save as": look where it starts, go to a folder, keep the name."""
    box = QApplication.activeModalWidget()
    if not isinstance(box, QFileDialog):
        QTimer.singleShot(50, lambda: _answer_save_dialog(qtbot, seen, folder))
        return
    seen["directory"] = box.directory().absolutePath()
    seen["file"] = box.selectedFiles()[0]
    box.setDirectory(str(folder))
    box.accept()


def test_the_supervisors_day_tile_to_archive_reason_play_export(
        live_server, recorded, mjpeg_server, make_ctx, qtbot, russian, tmp_path, monkeypatch):  # noqa: F811
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))                      # the documents folder save dialogs start in
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    ids = _recording_a_minute_ago(live_server.backend, recorded, mjpeg_server.url("cam2/sub"))
    steady = ids["steady"]
    ctx = make_ctx(live_server, "supervisor")
    window = _window(ctx, qtbot)
    wall_panel, archive = window.panels["video_wall"], window.panels["archive"]
    kb = Keyboard(qtbot, window)

    # the supervisor's workspace, by keyboard
    kb.press(Qt.Key.Key_1, CTRL)
    assert window.workspace == "dispatcher"
    kb.press(Qt.Key.Key_2, CTRL)
    assert window.workspace == "supervisor"
    assert window.docks["archive"].isVisible() and window.docks["video_wall"].isVisible()
    # the archive fits its dock on a 1920×1080 screen in Russian: no sideways scroll hides "Export…"
    frame = window.docks["archive"].widget()
    qtbot.waitUntil(lambda: frame.viewport().width() > 0)
    assert archive.minimumSizeHint().width() <= frame.viewport().width(), \
        (archive.minimumSizeHint().width(), frame.viewport().width())
    qtbot.waitUntil(lambda: not frame.horizontalScrollBar().isVisible(), timeout=3_000)

    # the camera is live on a wall tile (as the camera list or the map puts it there)
    qtbot.waitUntil(lambda: steady in wall_panel.wall.cameras, timeout=10_000)
    ctx.bus.camera_open_requested.emit(steady)
    tile = next(t for t in wall_panel.wall.tiles if t.camera_id == steady)
    qtbot.waitUntil(lambda: tile.status == "live", timeout=20_000)

    # select the tile, F9: the archive of its camera opens 5 minutes back and asks why
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert wall_panel.wall.current_tile() is tile
    opened_at = datetime.now().timestamp()
    kb.press(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: archive.camera_ids == [steady], timeout=5_000)
    assert abs(archive.position - (opened_at - 300)) < 10
    assert archive.reason_bar.isVisible() and archive.views[0].isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is archive.reason_edit, timeout=5_000)
    assert not _audit(ctx, "recording.playback")       # nothing is shown before the reason

    # the reason: too short is refused, a real one starts playback and is in the audit log
    kb.type("да")
    kb.press(Qt.Key.Key_Return)
    assert archive.reason_bar.isVisible() and "3" in archive.reason_label.text()
    archive.reason_edit.clear()
    kb.type(REASON)
    kb.press(Qt.Key.Key_Return)
    assert not archive.reason_bar.isVisible()
    qtbot.waitUntil(lambda: archive.permit is not None, timeout=10_000)
    audit = _audit(ctx, "recording.playback")
    assert len(audit) == 1 and audit[0]["details"]["reason"] == REASON
    assert audit[0]["details"]["camera_ids"] == [steady] and audit[0]["username"] == "supervisor"

    # play (Space): from 5 minutes back into the recording, frames decoded and advancing
    qtbot.waitUntil(lambda: bool(archive.timeline.lanes) and bool(archive.timeline.lanes[0].ranges), timeout=10_000)
    start_pos = archive.position
    kb.press(Qt.Key.Key_Space)
    assert archive.direction == 1
    view = archive.views[0]
    qtbot.waitUntil(lambda: view.frame_time is not None and view.image is not None, timeout=15_000)
    first_frame = view.frame_time
    qtbot.waitUntil(lambda: view.frame_time is not None and view.frame_time > first_frame + 1.0, timeout=15_000)
    assert archive.position > start_pos + 200               # it ran into the recording
    assert not view.image.isNull() and view.image.width() > 0
    kb.press(Qt.Key.Key_Space)
    assert archive.direction == 0

    # export (Ctrl+E): the reason carries over, Enter exports, the manifest reads as a summary
    kb.press(Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: archive.export_dialog is not None and archive.export_dialog.isVisible(), timeout=5_000)
    dlg = archive.export_dialog
    assert dlg.reason_edit.text() == REASON
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.start_button, timeout=5_000)
    kb.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dlg.export is not None and dlg.export.status == "done", timeout=30_000)
    exp = dlg.export
    assert dlg.summary.isVisible() and dlg.progress.value() == 100
    assert "steady" in dlg.fields["camera"].text() and dlg.fields["reason"].text() == REASON
    assert str(exp.manifest["frames"]) in dlg.fields["content"].text()
    assert "{" not in dlg.status.text() and "{" not in dlg.fields["range"].text()   # no raw JSON anywhere
    shown_hash = dlg.hash_label.text()
    assert "".join(shown_hash.split()) == exp.sha256 and max(len(line) for line in shown_hash.splitlines()) < 40
    _summary_shown_whole(qtbot, dlg)
    assert _audit(ctx, "recording.export")[0]["details"]["reason"] == REASON

    # "Save as" (Enter: it has the focus now) starts in the documents folder
    out = tmp_path / exp.manifest["file"]
    seen: dict = {}
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.save_button, timeout=5_000)
    QTimer.singleShot(50, lambda: _answer_save_dialog(qtbot, seen, tmp_path))
    kb.press(Qt.Key.Key_Return)
    assert seen["directory"] == str(home / "Documents")
    assert seen["file"].endswith(exp.manifest["file"])
    try:
        qtbot.waitUntil(lambda: dlg.saved_to == out, timeout=15_000)
    except Exception:
        raise AssertionError(f"saved to {dlg.saved_to}, status {dlg.status.text()!r}") from None
    assert out.with_suffix(".manifest.json").exists()
    _summary_shown_whole(qtbot, dlg)      # the longer status line (the path) squeezes nothing
    assert hashlib.sha256(out.read_bytes()).hexdigest() == exp.sha256
    with av.open(str(out)) as c:                             # a playable video, every frame decodes
        frames = [f for f in c.decode(video=0)]
    assert len(frames) == exp.manifest["frames"] > 10 and frames[0].width == 320

    # the hash, to quote in a report
    assert dlg.copy_hash_button.text() == "Копировать хеш"
    qtbot.mouseClick(dlg.copy_hash_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == exp.sha256

    dlg.close()
    archive.shutdown()
    window.close()


def test_the_tile_menu_opens_the_archive_and_dispatchers_have_no_archive_key(
        live_server, recorded, make_ctx, qtbot, russian):  # noqa: F811
    ids = load_recording(live_server.backend, recorded)
    flaky = ids["flaky"]
    ctx = make_ctx(live_server, "supervisor", start_events=False)
    window = _window(ctx, qtbot, names=("video_wall", "archive"))
    wall_panel, archive = window.panels["video_wall"], window.panels["archive"]
    qtbot.waitUntil(lambda: flaky in wall_panel.wall.cameras, timeout=10_000)
    ctx.bus.camera_open_requested.emit(flaky)
    tile = next(t for t in wall_panel.wall.tiles if t.camera_id == flaky)
    chosen = []

    def pick_from_menu() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(50, pick_from_menu)
            return
        action = next(a for a in menu.actions() if a.text() == "Открыть архив (5 минут назад)")
        chosen.append(action.shortcut().toString())
        menu.setActiveAction(action)
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(50, pick_from_menu)
    tile.customContextMenuRequested.emit(QPoint(10, 10))    # what a right click on the tile sends
    assert chosen == ["F9"]
    qtbot.waitUntil(lambda: archive.camera_ids == [flaky], timeout=5_000)
    assert archive.reason_bar.isVisible()
    archive.shutdown()
    window.close()

    dispatcher = make_ctx(live_server, "dispatcher", start_events=False)
    window = _window(dispatcher, qtbot, names=("video_wall", "archive"))
    assert "archive" not in window.panels
    action = window.actions["archive_at_tile"]
    assert not action.isVisible() and not action.isEnabled()
    window.close()
