"""The archive player against a live server holding a real recording (pytest-qt, offscreen)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import av
import pytest

pytestmark = pytest.mark.usefixtures("no_leaked_windows")
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from tests.recordings.conftest import iso, load_recording

REASON = "Incident 42: who hit the barrier"


@pytest.fixture
def player(qtbot, live_server, recorded, make_ctx):  # noqa: F811
    from widgets.archive.panel import ArchivePanel

    ids = load_recording(live_server.backend, recorded)
    ctx = make_ctx(live_server, "supervisor", start_events=False)
    panel = ArchivePanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1280, 760)
    panel.show()
    qtbot.waitUntil(lambda: panel.camera_combo.count() == 2, timeout=5000)
    yield panel, ctx, ids
    panel.shutdown()
    panel.close()


def _span(tl):
    return tl.segments[0].start.timestamp(), tl.segments[-1].end.timestamp()


def _audit(ctx, action):
    return ctx.api.request("GET", "/api/v1/audit", params={"action": action})["items"]


def test_open_asks_reason_then_seeks_plays_steps_and_syncs(qtbot, player):
    panel, ctx, ids = player
    flaky, steady = ids["flaky"], ids["steady"]
    ctx.bus.archive_requested.emit(flaky, "2000-01-01T00:00:00Z")   # a time with nothing: nothing breaks
    qtbot.waitUntil(lambda: flaky in panel.timelines, timeout=5000)
    assert panel.reason_bar.isVisible() and not _audit(ctx, "recording.playback")
    first, last = _first_last(qtbot, panel, flaky)
    target = first + 3.0
    ctx.bus.archive_requested.emit(flaky, iso_ts(target))
    assert panel.reason_bar.isVisible() and panel.reason == ""
    panel.reason_edit.setText(REASON)
    panel.confirm_reason()
    view = panel.views[0]
    qtbot.waitUntil(lambda: view.frame_time is not None and abs(view.frame_time - target) < 0.05, timeout=8000)
    audit = _audit(ctx, "recording.playback")
    assert len(audit) == 1 and audit[0]["details"]["reason"] == REASON and audit[0]["username"] == "supervisor"
    assert audit[0]["details"]["camera_ids"] == [flaky]

    # click on the timeline (zoomed to the recording) seeks there
    panel.timeline.set_view(first - 2, last + 2)
    t_click = last - 3.0
    x = round((t_click - panel.timeline.view_start) / (panel.timeline.view_end - panel.timeline.view_start)
              * panel.timeline.width())
    QTest.mouseClick(panel.timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, 30))
    clicked = panel.timeline.time_at(x)
    qtbot.waitUntil(lambda: abs(view.frame_time - clicked) < 0.05, timeout=5000)

    # frame steps
    before = view.frame_time
    panel.step(1)
    qtbot.waitUntil(lambda: abs(view.frame_time - (before + 0.04)) < 0.01, timeout=3000, )
    panel.step(-1)
    qtbot.waitUntil(lambda: abs(view.frame_time - before) < 0.01, timeout=3000)

    # play forward at 4x, then backwards
    panel.seek(first + 1.0)
    qtbot.waitUntil(lambda: abs(view.frame_time - (first + 1.0)) < 0.05, timeout=3000)
    panel.speed_combo.setCurrentIndex(panel.speed_combo.findData(4.0))
    panel.play(1)
    qtbot.wait(600)
    panel.pause()
    assert panel.position - (first + 1.0) > 1.2
    qtbot.waitUntil(lambda: abs(view.frame_time - panel.position) < 0.05, timeout=5000)   # caught up
    forward_at = view.frame_time
    assert forward_at > first + 2.0
    panel.speed_combo.setCurrentIndex(panel.speed_combo.findData(1.0))
    panel.play(-1)
    qtbot.wait(700)
    panel.pause()
    qtbot.waitUntil(lambda: view.frame_time < forward_at - 0.2, timeout=3000)

    # 16x backwards shows key frames (one a second in this recording), still going back in time
    panel.seek(last - 1.0)
    qtbot.waitUntil(lambda: abs(view.frame_time - (last - 1.0)) < 0.05, timeout=3000)
    panel.speed_combo.setCurrentIndex(panel.speed_combo.findData(16.0))
    panel.play(-1)
    qtbot.waitUntil(lambda: view.frame_time < last - 4.0, timeout=3000)
    panel.pause()
    seg = next(g for g in panel.timelines[flaky].segments
               if g.start.timestamp() <= view.frame_time < g.end.timestamp())
    into = view.frame_time - seg.start.timestamp()
    assert abs(into - round(into)) < 0.02          # a key frame: whole seconds into its segment

    # next event: the lost signal / motion marks are reachable
    panel.seek(first)
    panel.next_event()
    assert panel.position > first and panel.position in panel.timeline.events_sorted()

    # a second camera plays in step; its permit is audited too (same reason, no second prompt)
    panel.seek(target)
    panel.set_cameras([flaky, steady])
    assert not panel.reason_bar.isVisible()
    qtbot.waitUntil(lambda: all(v.frame_time is not None and abs(v.frame_time - target) < 0.05
                                for v in panel.views[:2]), timeout=8000)
    audit = _audit(ctx, "recording.playback")
    assert len(audit) == 2 and sorted(audit[0]["details"]["camera_ids"]) == sorted([flaky, steady])

    # bookmark shows on the timeline
    panel.add_bookmark("barrier hit")
    qtbot.waitUntil(lambda: any(b[1] == "barrier hit" for b in panel.timeline.lanes[0].bookmarks), timeout=5000)


def test_export_from_the_player(qtbot, player, tmp_path):
    panel, ctx, ids = player
    flaky = ids["flaky"]
    first, last = _first_last(qtbot, panel, flaky)
    ctx.bus.archive_requested.emit(flaky, iso_ts(first + 4))
    panel.reason_edit.setText(REASON)
    panel.confirm_reason()
    dlg = panel.open_export()
    from widgets.archive.export import _qdt

    dlg.start_edit.setDateTime(_qdt(first + 1))
    dlg.end_edit.setDateTime(_qdt(last - 1))
    assert dlg.reason_edit.text() == REASON
    dlg.start_export()
    qtbot.waitUntil(lambda: dlg.export is not None and dlg.export.status == "done", timeout=20000)
    assert dlg.progress.value() == 100 and "".join(dlg.hash_label.text().split()) == dlg.export.sha256
    out = tmp_path / "clip.mp4"
    dlg.save_to(out)
    qtbot.waitUntil(lambda: out.with_suffix(".manifest.json").exists(), timeout=10000)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == dlg.export.manifest["sha256"]
    with av.open(str(out)) as c:
        assert sum(1 for _ in c.decode(video=0)) == dlg.export.manifest["frames"]
    assert _audit(ctx, "recording.export")[0]["details"]["reason"] == REASON
    dlg.close()


def test_dispatchers_do_not_get_the_panel():
    from app.features import features

    assert next(p for p in features() if p.name == "archive").min_role == "supervisor"


def iso_ts(t: float) -> str:
    from datetime import datetime, timezone

    return iso(datetime.fromtimestamp(t, timezone.utc))


def _first_last(qtbot, panel, camera_id):
    from datetime import datetime, timezone

    tl = panel.api.timeline(camera_id, datetime.now(timezone.utc) - timedelta(hours=1),
                            datetime.now(timezone.utc) + timedelta(minutes=1))
    return _span(tl)


def test_cameras_near_an_incident_open_side_by_side(qtbot, player):
    from types import SimpleNamespace

    from widgets.common.nearby import cameras_near, open_near

    panel, ctx, ids = player
    cams = [SimpleNamespace(id=ids["flaky"], lat=51.6600, lon=35.6500, recording=True),
            SimpleNamespace(id=ids["steady"], lat=51.6610, lon=35.6510, recording=True),
            SimpleNamespace(id=999, lat=51.70, lon=35.70, recording=True)]          # 5 km away
    assert [c.id for c in cameras_near(cams, 51.6601, 35.6501)] == [ids["flaky"], ids["steady"]]
    first, _ = _first_last(qtbot, panel, ids["flaky"])
    from datetime import datetime, timezone

    open_near(ctx.bus, cams, 51.6601, 35.6501, datetime.fromtimestamp(first + 2, timezone.utc))
    assert panel.camera_ids == [ids["flaky"], ids["steady"]] and abs(panel.position - (first + 2)) < 0.01
    assert panel.reason_bar.isVisible()


def test_from_a_live_tile_the_archive_opens_five_minutes_back(qtbot, player):
    import time as _time
    from datetime import datetime, timezone

    panel, ctx, ids = player
    ctx.bus.archive_requested.emit(ids["steady"], datetime.now(timezone.utc).isoformat())
    assert abs(panel.position - (_time.time() - 300)) < 5
