"""The timeline widget alone: zoom limits, click-to-time, what it paints."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest

from widgets.archive.timeline import COL_BOOKMARK, COL_MOTION, COL_RANGE, MAX_SPAN, MIN_SPAN, Lane, TimelineWidget


def test_zooms_from_minutes_to_days_and_clicks_seek(qtbot):
    tl = TimelineWidget()
    qtbot.addWidget(tl)
    tl.resize(1000, 80)
    tl.set_view(0, 86400)
    tl.zoom(1e-6)
    assert abs((tl.view_end - tl.view_start) - MIN_SPAN) < 1e-6
    tl.zoom(1e6)
    assert abs((tl.view_end - tl.view_start) - MAX_SPAN) < 1e-6
    tl.set_view(1000, 2000)
    with qtbot.waitSignal(tl.seek_requested) as sig:
        QTest.mouseClick(tl, Qt.MouseButton.LeftButton, pos=QPoint(250, 30))
    assert abs(sig.args[0] - 1250) < 2


def test_paints_ranges_gaps_motion_and_bookmarks(qtbot):
    tl = TimelineWidget()
    qtbot.addWidget(tl)
    tl.resize(1000, 80)
    tl.set_view(0, 1000)
    tl.set_lanes([Lane(1, "cam", ranges=[(0, 400), (600, 1000)], events=[("motion", 100, 200)],
                       bookmarks=[(800, "")])])
    tl.set_position(900)
    img = QImage(tl.size(), QImage.Format.Format_RGB32)
    tl.render(img)
    lane_mid = 22 + 14

    def near(x, y, color: QColor) -> bool:
        c = QColor(img.pixel(x, y))
        return abs(c.red() - color.red()) + abs(c.green() - color.green()) + abs(c.blue() - color.blue()) < 40

    assert near(300, lane_mid - 6, COL_RANGE)          # recorded
    assert not near(500, lane_mid - 6, COL_RANGE)      # the gap
    assert near(150, 22 + 28 - 8, COL_MOTION)          # motion mark at the lane's foot
    assert near(800, lane_mid, COL_BOOKMARK)           # bookmark line
