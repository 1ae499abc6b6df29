"""Workspaces per role fit the control room's screens, and switch by keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

SCREENS = [(1920, 1080), (2560, 1440)]
USABLE = (260, 160)  # below this a panel shows no useful content


def too_wide(window, limit: int) -> list[str]:
    """The visible widgets whose own minimum width alone is wider than the screen allows."""
    out = []
    for w in window.findChildren(QWidget):
        if w.isVisibleTo(window) and w.minimumSizeHint().width() > limit // 2:
            out.append(f"{w.metaObject().className()}#{w.objectName()} {w.minimumSizeHint().width()}px")
    return out


@pytest.fixture
def language(request, qapp):
    """The console in that language for the test (Russian titles are the longer ones)."""
    from app import i18n

    i18n.install(qapp, request.param)
    yield request.param
    i18n.install(qapp, "en")


@pytest.mark.parametrize(("role", "language"), [("dispatcher", "ru"), ("supervisor", "ru"), ("supervisor", "en")],
                         indirect=["language"])
def test_every_workspace_fits_1920_and_2560_with_every_registered_panel(live_server, make_ctx, qtbot, role,
                                                                        language):
    from app.mainwindow import MainWindow

    ctx = make_ctx(live_server, role=role)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    names = [w.name for w in window.workspaces]
    assert names[0] == "dispatcher" and "all" in names
    assert ("supervisor" in names) == (role == "supervisor")
    for ws in names:
        window.switch_workspace(ws)
        qtbot.wait(50)
        # A test that fails on any widget making the main window wider than a 1920 px screen.
        assert window.minimumSizeHint().width() <= 1920, (ws, window.minimumSizeHint(), too_wide(window, 1920))
        assert window.minimumSizeHint().height() <= 1080 - 40, (ws, window.minimumSizeHint())
        for width, height in SCREENS:
            window.reset_layout()  # the workspace's own arrangement at this size
            window.resize(width, height)
            window.reset_layout()
            qtbot.wait(50)
            assert window.width() == width and window.height() == height, (ws, window.size())
            shown = [n for n, d in window.docks.items() if d.isVisible()]
            assert set(shown) == set(window.placements(ws)), ws
            for name in shown:
                dock = window.docks[name]
                if dock.visibleRegion().isEmpty():
                    continue  # a tab behind another
                assert dock.width() >= USABLE[0] and dock.height() >= USABLE[1], (ws, width, name, dock.size())
                assert dock.geometry().right() <= width and dock.geometry().bottom() <= height, (ws, name)
            central = window.centralWidget()
            assert central.width() >= 600 and central.height() >= 300, (ws, width, central.size())
    window.close()


def test_workspaces_switch_by_keyboard_and_keep_their_own_layout(live_server, make_ctx, qtbot):
    from app.mainwindow import MainWindow

    ctx = make_ctx(live_server, role="supervisor")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    def ctrl(key):  # to whatever has the focus, as a real key press goes
        qtbot.keyClick(QApplication.focusWidget() or window, key, Qt.KeyboardModifier.ControlModifier)

    ctrl(Qt.Key.Key_1)
    assert window.workspace == "dispatcher"
    d = window.docks
    qtbot.waitUntil(lambda: d["map"].isVisible() and d["incident_card"].isVisible() and d["video_wall"].isVisible())
    # the dispatcher's panels and no others: anything more squeezes the wall and cuts its text
    assert {n for n, dock in d.items() if dock.isVisible()} == {"map", "incident_card", "video_wall"}
    assert window.dockWidgetArea(d["map"]) == Qt.DockWidgetArea.LeftDockWidgetArea

    ctrl(Qt.Key.Key_2)
    assert window.workspace == "supervisor"
    qtbot.waitUntil(lambda: d["archive"].isVisible() and d["video_wall"].isVisible())
    assert {n for n, dock in d.items() if dock.isVisible()} == {"archive", "video_wall"}
    # the archive is the large panel of the supervisor's review
    assert d["archive"].width() * d["archive"].height() > d["video_wall"].width() * d["video_wall"].height()

    # The operator's change to the dispatcher's layout survives a trip to the other workspace.
    ctrl(Qt.Key.Key_1)
    d["incident_card"].hide()
    ctrl(Qt.Key.Key_2)
    ctrl(Qt.Key.Key_1)
    assert not d["incident_card"].isVisible() and d["map"].isVisible()
    window.actions["reset_layout"].trigger()
    assert d["incident_card"].isVisible()
    window.close()
    assert ctx.settings.extra["workspace"] == "dispatcher"


def test_first_start_fills_the_screen(live_server, make_ctx, qtbot):
    from PySide6.QtGui import QGuiApplication

    from app.mainwindow import MainWindow

    ctx = make_ctx(live_server, role="dispatcher")
    assert not ctx.settings.window_geometry
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.geometry() == QGuiApplication.primaryScreen().availableGeometry()
    window.close()


def _cut_cells(panel) -> list[str]:
    """Visible queue cells whose text is wider than their column and that carry no tooltip with it."""
    from PySide6.QtGui import QFont, QFontMetrics

    from widgets.incidents.model import ASSIGNEE, INCIDENT_ROLE
    from widgets.incidents.panel import CELL_PADDING

    view, header = panel.view, panel.view.horizontalHeader()
    bold = QFont(view.font())
    bold.setBold(True)
    plain, titles = QFontMetrics(view.font()), header.fontMetrics()
    cut = []
    for col in range(header.count()):
        if header.isSectionHidden(col):
            continue
        title = panel.model.headerData(col, Qt.Orientation.Horizontal)
        if titles.horizontalAdvance(title) + 20 > header.sectionSize(col):
            cut.append(f"title {title!r}: {header.sectionSize(col)} px")
        for row in range(panel.proxy.rowCount()):
            index = panel.proxy.index(row, col)
            text = index.data()
            cells = QFontMetrics(bold) if index.data(Qt.ItemDataRole.FontRole) is not None else plain
            tooltip = index.data(Qt.ItemDataRole.ToolTipRole) or ""
            inc = index.data(INCIDENT_ROLE)
            full = panel.model.service_names.get(inc.assignee, text) if col == ASSIGNEE and inc.assignee else text
            if cells.horizontalAdvance(text) + CELL_PADDING > header.sectionSize(col) and full not in tooltip:
                cut.append(f"{title} {text!r}: {header.sectionSize(col)} px")
    return cut


def _unreachable_map_actions(map_panel) -> list[str]:
    """Map toolbar actions that are neither a visible button inside the toolbar nor in a visible button's menu."""
    from PySide6.QtWidgets import QToolButton

    bar = map_panel.toolbar
    reachable = []
    for action in bar.actions():
        w = bar.widgetForAction(action)
        if w is None or not w.isVisible() or w.geometry().right() > bar.width():
            continue
        reachable.append(action)
        if isinstance(w, QToolButton):
            if w.defaultAction() is not None:
                reachable.append(w.defaultAction())
            if w.menu() is not None:
                reachable += w.menu().actions()
    named = (map_panel.act_rect, map_panel.act_polygon, map_panel.act_clear, map_panel.act_city,
             map_panel.act_png, map_panel.act_html)
    return [a.text() for a in named if a not in reachable]


@pytest.mark.parametrize(("role", "language"), [("dispatcher", "ru"), ("supervisor", "ru"), ("supervisor", "en")],
                         indirect=["language"])
def test_at_1920_the_queue_never_scrolls_sideways_and_no_text_is_cut(live_server, make_ctx, qtbot, qapp, role,
                                                                     language):
    """At 1920×1080 in every role workspace: no sideways scroll in the queue, every visible cell and
    title fits its column or carries its full text in the tooltip, a short name for a long official
    one, the filter bar whole, every map tool a click away."""
    from app import theme
    from app.mainwindow import MainWindow
    from backend.incidents.models import CityService
    from resources.city.kurchatov import CITY_SERVICES
    from tests.gui.incident_helpers import make_incident, other_client
    from tests.gui.test_filter_bar import _texts_cut
    from widgets.common import incident_labels as labels
    from widgets.incidents.model import ASSIGNEE

    with live_server.backend.sessionmaker() as s:  # the city's own services, with its longest names
        for code, name, phone, cats in CITY_SERVICES:
            if s.get(CityService, code) is None:
                s.add(CityService(code=code, name=name, phone=phone, categories=cats, active=True))
        s.commit()
    other = other_client(live_server)
    for i, (code, name, *_rest) in enumerate(CITY_SERVICES):
        inc = make_incident(other, category=("landscaping", "traffic_lights", "utilities")[i % 3],
                            priority=("critical", "high", "medium", "low")[i % 4],
                            address="г. Курчатов, пр. Коммунистический, 15")
        other.assign(inc.id, code, version=inc.version)
    theme.apply(qapp, "dark")
    try:
        ctx = make_ctx(live_server, role=role)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        queue = window.panels["incidents"]
        qtbot.waitUntil(lambda: queue.proxy.rowCount() == len(CITY_SERVICES)
                        and len(queue.model.service_names) == len(CITY_SERVICES), timeout=10_000)
        for ws in [w.name for w in window.workspaces if w.name != "all"]:
            window.switch_workspace(ws)
            window.resize(1920, 1080)
            window.reset_layout()
            qtbot.wait(100)
            assert queue.isVisible(), ws
            bar = queue.view.horizontalScrollBar()
            assert bar.maximum() == 0, (ws, "the queue scrolls sideways", bar.maximum())
            assert _cut_cells(queue) == [], (ws, _cut_cells(queue))
            assert _texts_cut(queue.filter_bar) == [], (ws, _texts_cut(queue.filter_bar))
            map_panel = window.panels.get("map")
            if map_panel is not None and map_panel.isVisible():
                assert _unreachable_map_actions(map_panel) == [], (ws, _unreachable_map_actions(map_panel))
        # The columns the width put away come back from the header's menu; then it may scroll.
        header = queue.view.horizontalHeader()
        if header.isSectionHidden(ASSIGNEE):
            menu = queue._columns_menu()
            next(a for a in menu.actions() if a.text() == queue.model.headerData(ASSIGNEE, Qt.Orientation.Horizontal)
                 ).trigger()
            assert not header.isSectionHidden(ASSIGNEE)
            queue.reset_columns()
        # An official name is a short one in its cell, the full one in the tooltip.
        window.resize(2560, 1440)
        window.reset_layout()
        qtbot.wait(100)
        assert not header.isSectionHidden(ASSIGNEE)
        long_name = "ОГИБДД МО МВД «Курчатовский»"
        row = next(r for r in range(queue.proxy.rowCount())
                   if queue.proxy.index(r, ASSIGNEE).data() == labels.org_short(long_name))
        assert labels.org_short(long_name) != long_name
        assert long_name in queue.proxy.index(row, ASSIGNEE).data(Qt.ItemDataRole.ToolTipRole)
        assert _cut_cells(queue) == [] and queue.view.horizontalScrollBar().maximum() == 0
        window.close()
    finally:
        qapp.setStyleSheet("")
