"""The live incident queue against a real backend: load, live inserts, filters, sort, critical alert."""

from __future__ import annotations

from PySide6.QtCore import Qt

from backend_client.schemas.incidents import OPEN_STATUSES
from tests.gui.incident_helpers import add_services, make_incident, other_client
from widgets.incidents.model import ID_ROLE, NUMBER, PRIORITY, SLA


def _ids(panel) -> list[int]:
    return [panel.proxy.index(r, 0).data(ID_ROLE) for r in range(panel.proxy.rowCount())]


def _queue(ctx, qtbot):
    from widgets.incidents.panel import IncidentQueuePanel

    panel = IncidentQueuePanel(ctx)
    qtbot.addWidget(panel)
    return panel


def test_queue_loads_then_shows_incidents_posted_by_another_client(live_server, make_ctx, qtbot):
    add_services(live_server)
    other = other_client(live_server)
    first = [make_incident(other, address=f"ул. Ленина, {i}") for i in range(1, 4)]
    ctx = make_ctx(live_server)
    panel = _queue(ctx, qtbot)
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 3, timeout=10_000)
    assert sorted(_ids(panel)) == sorted(i.id for i in first)
    assert panel.filter_bar.count_label.text().startswith("3")

    qtbot.waitUntil(lambda: ctx.events.state == "connected", timeout=10_000)
    fresh = make_incident(other, priority="high", address="ул. Строителей, 12")
    qtbot.waitUntil(lambda: fresh.id in _ids(panel), timeout=5_000)  # no refresh: the event stream
    row = panel.proxy.proxy_row_of(fresh.id)
    assert panel.proxy.index(row, NUMBER).data() == fresh.number
    assert panel.proxy.index(row, SLA).data(Qt.ItemDataRole.DisplayRole)

    # A change made elsewhere updates the row in place.
    other.change_status(fresh.id, "acknowledged")
    qtbot.waitUntil(lambda: panel.model.incident_by_id(fresh.id).status == "acknowledged", timeout=5_000)


def test_filters_and_sort(live_server, make_ctx, qtbot):
    other = other_client(live_server)
    crit = make_incident(other, priority="critical", category="utilities", address="ул. Курчатова, 3",
                         description="Прорыв трубы отопления")
    low = make_incident(other, priority="low", category="landscaping", address="пр. Коммунистический, 20",
                        description="Сломана скамейка")
    high = make_incident(other, priority="high", category="roads", address="ул. Молодёжная, 1",
                         description="Провал асфальта")
    done = make_incident(other, priority="medium", category="waste", description="Мусор не вывезен")
    other.change_status(done.id, "acknowledged")
    other.change_status(done.id, "rejected", comment="не наша зона")

    ctx = make_ctx(live_server)
    panel = _queue(ctx, qtbot)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4, timeout=10_000)
    bar = panel.filter_bar
    # The default filter is the working queue: only open incidents, most urgent first.
    assert bar.status.selected() == set(OPEN_STATUSES)
    assert _ids(panel) == [crit.id, high.id, low.id]

    panel.view.sortByColumn(PRIORITY, Qt.SortOrder.DescendingOrder)
    assert _ids(panel) == [low.id, high.id, crit.id]
    panel.view.sortByColumn(NUMBER, Qt.SortOrder.AscendingOrder)
    assert _ids(panel) == [crit.id, low.id, high.id]

    bar.search.setText("асфальт")
    qtbot.waitUntil(lambda: _ids(panel) == [high.id], timeout=2_000)
    bar.search.setText("курчатова")   # address, case-insensitive
    qtbot.waitUntil(lambda: _ids(panel) == [crit.id], timeout=2_000)
    bar.search.clear()
    qtbot.waitUntil(lambda: len(_ids(panel)) == 3, timeout=2_000)

    bar.priority_buttons["critical"].setChecked(True)
    bar.priority_buttons["low"].setChecked(True)
    assert set(_ids(panel)) == {crit.id, low.id}
    bar.priority_buttons["critical"].setChecked(False)
    bar.priority_buttons["low"].setChecked(False)

    bar.category.set_selected({"roads", "waste"})
    assert _ids(panel) == [high.id]
    bar.status.set_selected(set())   # all statuses: the rejected one shows up too
    assert set(_ids(panel)) == {high.id, done.id}
    bar.category.set_selected(set())

    bar.overdue.setChecked(True)     # nothing is overdue yet
    assert _ids(panel) == []
    bar.overdue.setChecked(False)

    # The map's area filter: a polygon around ул. Курчатова only.
    lat, lon = crit.lat, crit.lon
    other.patch(low.id, low.version, {"lat": 51.70, "lon": 35.70})
    qtbot.waitUntil(lambda: panel.model.incident_by_id(low.id).lat == 51.70, timeout=5_000)
    ctx.bus.area_filter_changed.emit([[lat - 0.01, lon - 0.01], [lat - 0.01, lon + 0.01],
                                      [lat + 0.01, lon + 0.01], [lat + 0.01, lon - 0.01]])
    assert low.id not in _ids(panel) and crit.id in _ids(panel)
    ctx.bus.area_filter_changed.emit(None)
    assert low.id in _ids(panel)


def test_selection_follows_the_bus_and_survives_live_updates(live_server, make_ctx, qtbot):
    other = other_client(live_server)
    a = make_incident(other, priority="low")
    b = make_incident(other, priority="high")
    ctx = make_ctx(live_server)
    panel = _queue(ctx, qtbot)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: ctx.events.state == "connected", timeout=10_000)
    seen = []
    ctx.bus.incident_selected.connect(seen.append)
    panel.view.selectRow(panel.proxy.proxy_row_of(a.id))
    assert seen == [a.id] and panel.current_incident_id() == a.id
    ctx.bus.incident_selected.emit(b.id)           # chosen on the map
    assert panel.current_incident_id() == b.id
    # b changes priority elsewhere and moves in the sort order: the selection stays on it.
    other.patch(b.id, b.version, {"priority": "low"})
    qtbot.waitUntil(lambda: panel.model.incident_by_id(b.id).priority == "low", timeout=5_000)
    assert panel.current_incident_id() == b.id


def test_critical_incident_raises_an_alert_that_ctrl_space_acknowledges(live_server, make_ctx, qtbot):
    from app.mainwindow import MainWindow
    
    other = other_client(live_server)
    make_incident(other, priority="critical")     # already there at start: no alert for old news
    ctx = make_ctx(live_server)
    window = MainWindow(ctx, features=[s for s in ctx.features if s.name in ("incidents", "incident_card")])
    qtbot.addWidget(window)
    window.show()
    panel = window.panels["incidents"]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: ctx.events.state == "connected", timeout=10_000)
    assert not panel.alert.active and not panel.alert.isVisible()

    make_incident(other, priority="medium")
    crit = make_incident(other, priority="critical", category="utilities", address="ул. Энергетиков, 44")
    qtbot.waitUntil(lambda: panel.alert.active, timeout=5_000)
    assert panel.alert.isVisible()
    assert crit.number in panel.alert.label.text()
    assert panel.alert.sounds_played == 1  # settings.alert_sound is on by default

    window.actions["ack_alert"].trigger()  # Ctrl+Space
    assert not panel.alert.active and not panel.alert.isVisible()
    assert panel.current_incident_id() == crit.id  # acknowledging shows the incident
    window.close()


def test_alert_sound_respects_the_setting(live_server, make_ctx, qtbot):
    ctx = make_ctx(live_server)
    ctx.settings.alert_sound = False
    panel = _queue(ctx, qtbot)
    qtbot.waitUntil(lambda: ctx.events.state == "connected", timeout=10_000)
    make_incident(other_client(live_server), priority="critical")
    qtbot.waitUntil(lambda: panel.alert.active, timeout=5_000)
    assert panel.alert.sounds_played == 0


def test_address_column_stretches_but_never_collapses(live_server, make_ctx, qtbot):
    from widgets.incidents.model import ADDRESS, ASSIGNEE, SOURCE

    panel = _queue(make_ctx(live_server), qtbot)
    panel.show()
    header = panel.view.horizontalHeader()
    panel.resize(1800, 500)
    qtbot.waitUntil(lambda: header.sectionSize(ADDRESS) > 300, timeout=5_000)  # wide: it takes the spare room
    panel.resize(640, 500)
    # Narrow: the low-value columns give way, the address keeps its room and nothing scrolls sideways.
    qtbot.waitUntil(lambda: header.isSectionHidden(SOURCE) and header.isSectionHidden(ASSIGNEE), timeout=5_000)
    assert header.sectionSize(ADDRESS) >= panel.ADDRESS_MIN
    qtbot.waitUntil(lambda: panel.view.horizontalScrollBar().maximum() == 0, timeout=5_000)
    # The operator may want a column back all the same: then the table scrolls sideways.
    panel.choose_column(SOURCE, True)
    assert not header.isSectionHidden(SOURCE) and header.sectionSize(SOURCE) > 0
    assert header.sectionSize(ADDRESS) >= panel.ADDRESS_MIN
    qtbot.waitUntil(lambda: panel.view.horizontalScrollBar().maximum() > 0, timeout=5_000)
    panel.resize(1800, 500)
    qtbot.waitUntil(lambda: not header.isSectionHidden(ASSIGNEE), timeout=5_000)  # wide again: all back
    panel.reset_columns()
    assert not header.isSectionHidden(SOURCE)


def test_russian_titles_and_cells_fit_their_columns_and_short_names_carry_the_full_one(live_server, make_ctx,
                                                                                      qtbot, qapp):
    from app import i18n
    from backend_client.schemas.incidents import CATEGORY_NAMES, SOURCES
    from widgets.common import incident_labels as labels
    from widgets.incidents.model import ADDRESS, CATEGORY, COLUMN_COUNT
    from widgets.incidents.panel import CELL_PADDING

    other = other_client(live_server)
    for i, (category, source) in enumerate(zip(CATEGORY_NAMES, SOURCES * 2)):
        make_incident(other, category=category, source=source, priority=("critical", "high", "medium", "low")[i % 4])
    i18n.install(qapp, "ru")
    try:
        ctx = make_ctx(live_server)
        panel = _queue(ctx, qtbot)
        panel.resize(1300, 600)  # room for every column
        panel.show()
        qtbot.waitUntil(lambda: panel.proxy.rowCount() == len(CATEGORY_NAMES), timeout=10_000)
        header = panel.view.horizontalHeader()
        from PySide6.QtGui import QFont, QFontMetrics

        bold = QFont(panel.view.font())
        bold.setBold(True)
        fm = header.fontMetrics()
        for col in range(COLUMN_COUNT):
            title = panel.model.headerData(col, Qt.Orientation.Horizontal)
            assert header.sectionSize(col) >= fm.horizontalAdvance(title) + 20, (title, header.sectionSize(col))
            if col == ADDRESS:
                continue
            for row in range(panel.proxy.rowCount()):
                text = panel.proxy.index(row, col).data()
                bold_cell = panel.proxy.index(row, col).data(Qt.ItemDataRole.FontRole) is not None
                cells = QFontMetrics(bold if bold_cell else panel.view.font())  # as the cell is drawn
                assert cells.horizontalAdvance(text) + CELL_PADDING <= header.sectionSize(col), (title, text)
        # "Heating, water and sewerage" is a word in the table and the whole name in the tooltip.
        row = next(r for r in range(panel.proxy.rowCount())
                   if panel.proxy.index(r, CATEGORY).data() == labels.category_short("utilities"))
        assert labels.category_name("utilities") in panel.proxy.index(row, CATEGORY).data(Qt.ItemDataRole.ToolTipRole)
        assert labels.category_name("utilities") != labels.category_short("utilities")
        panel.shutdown()
    finally:
        i18n.install(qapp, "en")


def test_unacknowledged_critical_incidents_are_pinned_above_the_queue_with_the_time_since(live_server, make_ctx,
                                                                                           qtbot):
    other = other_client(live_server)
    make_incident(other, priority="high")
    old = make_incident(other, priority="critical", address="ул. Ленина, 5")
    ctx = make_ctx(live_server)
    panel = _queue(ctx, qtbot)
    panel.show()
    qtbot.waitUntil(lambda: panel.strip.isVisible() and old.id in panel.strip.chips, timeout=10_000)
    chip = panel.strip.chips[old.id]
    assert old.number in chip.text() and "ago" in chip.text()
    assert "1" in panel.strip.title.text()

    qtbot.waitUntil(lambda: ctx.events.state == "connected", timeout=10_000)
    fresh = make_incident(other, priority="critical", address="ул. Мира, 2")
    qtbot.waitUntil(lambda: panel.strip.ids == [old.id, fresh.id], timeout=10_000)  # oldest first

    opened = []
    ctx.bus.incident_open_requested.connect(opened.append)
    panel.strip.chips[fresh.id].click()
    assert opened == [fresh.id] and panel.current_incident_id() == fresh.id

    for inc in (old, fresh):  # acknowledged on any desk: off the strip
        other.change_status(inc.id, "acknowledged")
    qtbot.waitUntil(lambda: not panel.strip.isVisible(), timeout=10_000)
    panel.shutdown()


def test_the_alert_rings_sooner_and_louder_until_acknowledged(qtbot):
    from types import SimpleNamespace

    from widgets.incidents.alert import FASTEST_MS, REPEAT_MS, CriticalAlert

    alert = CriticalAlert(SimpleNamespace(alert_sound=False))
    qtbot.addWidget(alert)
    inc = SimpleNamespace(id=7, number="И-000007", address="ул. Ленина, 1", lat=0.0, lon=0.0, category="roads")
    alert.raise_for(inc)
    intervals, volumes = [alert._repeat.interval()], [alert.volume()]
    for _ in range(5):
        alert._repeat.timeout.emit()
        intervals.append(alert._repeat.interval())
        volumes.append(alert.volume())
    assert intervals[0] < REPEAT_MS and intervals == sorted(intervals, reverse=True) and intervals[-1] == FASTEST_MS
    assert volumes == sorted(volumes) and volumes[-1] == 1.0 and volumes[0] < 1.0
    alert.acknowledge()
    assert not alert._repeat.isActive()
    alert.raise_for(inc)  # a new alert starts calm again
    assert alert._repeat.interval() == intervals[0]
    alert.acknowledge()


def test_a_new_incident_hidden_by_the_filter_says_so_and_opens_with_the_filter_cleared(live_server, make_ctx, qtbot):
    from backend_client.schemas.incidents import IncidentCreate

    other = other_client(live_server)
    make_incident(other, category="roads")
    ctx = make_ctx(live_server)
    panel = _queue(ctx, qtbot)
    panel.show()
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 1, timeout=10_000)
    panel.filter_bar.category.set_selected({"roads"})
    panel.filter_bar.flush()
    made = []
    ctx.incidents.create(IncidentCreate(category="utilities", priority="medium", lat=51.66, lon=35.65,
                                        address="ул. Мира, 4", description="Течь"), on_done=made.append)
    qtbot.waitUntil(lambda: bool(made) and panel.model.incident_by_id(made[0].id) is not None, timeout=10_000)
    panel._created(made[0])  # what the form's "created" does
    assert panel.toast.isVisible() and made[0].number in panel.toast.label.text()
    assert "filter" in panel.toast.open_button.text()
    opened = []
    ctx.bus.incident_open_requested.connect(opened.append)
    panel.toast.open_button.click()
    assert opened == [made[0].id] and panel.current_incident_id() == made[0].id
    assert not panel.toast.isVisible() and panel.proxy.rowCount() == 2
    panel.shutdown()
