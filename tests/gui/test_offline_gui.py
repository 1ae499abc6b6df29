"""The offline gateway in the real window against a real backend that dies and comes back.

Set SC_SCREENSHOT_DIR to keep the screenshots (docs/screenshots/offline.png, conflict.png).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.incidents import gateway as offline_gateway
from backend_client.schemas.incidents import IncidentCreate
from tests.conftest import LiveServer, free_port
from tests.gui.incident_helpers import add_services, make_incident, other_client
from widgets.incidents.model import ID_ROLE


def _state(gw) -> str:
    """What the gateway is doing, for a failure message."""
    return (f"online={gw.online} waiting={gw.waiting} problems={len(gw.problems)} "
            f"ops={[(o.kind, o.state, o.attempts, o.error) for o in gw.store.ops()]} "
            f"errors={[m for _, _, m in gw.ctx.errors.recent][-5:]}")


def _ids(panel) -> list[int]:
    return [panel.proxy.index(r, 0).data(ID_ROLE) for r in range(panel.proxy.rowCount())]


def _shot(widget, name: str) -> None:
    where = os.environ.get("SC_SCREENSHOT_DIR")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(where) / name))


@pytest.fixture(autouse=True)
def _screenshot_look(qapp):
    """For screenshots (SC_SCREENSHOT_DIR set): the dark theme and Russian, as operators see it."""
    if not os.environ.get("SC_SCREENSHOT_DIR"):
        yield
        return
    from app import i18n, theme

    theme.apply(qapp, "dark")
    i18n.install(qapp, os.environ.get("SC_SCREENSHOT_LANG", "ru"))
    yield
    i18n.install(qapp, "en")
    qapp.setStyleSheet("")


@pytest.fixture
def offline_window(live_server, make_ctx, qtbot, monkeypatch):
    """The main window with the queue and card, using the offline gateway; closed at the end."""
    from app.mainwindow import MainWindow
    
    monkeypatch.setattr(offline_gateway, "PROBE_MS", 300)
    add_services(live_server)
    made = []

    def make(server=live_server):
        ctx = make_ctx(server)
        gw = offline_gateway.install(ctx)
        window = MainWindow(ctx, features=[p for p in ctx.features if p.name in ("incidents", "incident_card")])
        window.resize(1280, 720)
        window.show()
        made.append((window, gw))
        return ctx, gw, window

    yield make
    for window, gw in made:
        gw.shutdown()
        window.close()
        gw.store.close()


def test_backend_dies_operator_keeps_working_server_gets_exactly_their_incidents(live_server, offline_window, qtbot):
    other = other_client(live_server)
    seen = make_incident(other, description="видели до обрыва")
    ctx, gw, window = offline_window()
    panel = window.panels["incidents"]
    qtbot.waitUntil(lambda: _ids(panel) == [seen.id], timeout=10_000)
    banner = window.offline_banner
    assert not banner.isVisible()

    live_server.stop()
    saved = []
    for i in range(3):
        gw.create(IncidentCreate(category="street_lighting", priority="high", lat=51.67, lon=35.65,
                                 address=f"ул. Советская, {i + 1}", description=f"Не горит фонарь {i + 1}"),
                  on_done=saved.append)
    qtbot.waitUntil(lambda: len(saved) == 3, timeout=5_000)
    assert sorted(s.number for s in saved) == ["Л-1", "Л-2", "Л-3"] and all(s.id < 0 for s in saved)
    saved.sort(key=lambda s: -s.id)
    gw.patch(seen.id, seen.version, {"priority": "critical"})
    gw.add_comment(saved[0].id, "Сообщил житель по телефону")
    qtbot.waitUntil(lambda: not gw.online, timeout=10_000)
    qtbot.waitUntil(lambda: gw.waiting == 5, timeout=5_000)
    # The window says so: banner on top, the status bar offline with the counter.
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=5_000)
    assert "5" in banner.text.text()
    assert window.statusBar().state == "offline"
    assert "5" in window.offline_counter.text()
    # The queue shows the cached incident with the local edit and the local ones.
    qtbot.waitUntil(lambda: set(_ids(panel)) == {seen.id, -1, -2, -3}, timeout=5_000)
    assert panel.model.incident_by_id(seen.id).priority == "critical"
    # Loading details offline works from the cache, with the waiting comment.
    got = []
    gw.load_details(saved[0].id, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5_000)
    assert [c.text for c in got[0].comments] == ["Сообщил житель по телефону"]
    card = window.panels["incident_card"]
    ctx.bus.incident_selected.emit(saved[0].id)
    qtbot.waitUntil(lambda: card.title.text() == saved[0].number, timeout=5_000)
    _shot(window, "offline.png")

    server = LiveServer(live_server.backend, live_server.port).start()
    try:
        try:
            qtbot.waitUntil(lambda: gw.online and gw.waiting == 0, timeout=20_000)
        except Exception:
            raise AssertionError(_state(gw)) from None
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5_000)
        items = other.list().items
        assert sorted(i.description for i in items) == sorted(
            ["видели до обрыва"] + [f"Не горит фонарь {i}" for i in (1, 2, 3)])
        assert next(i for i in items if i.id == seen.id).priority == "critical"
        # Local numbers gave way to the server's in the queue.
        qtbot.waitUntil(lambda: all(i > 0 for i in _ids(panel)) and len(_ids(panel)) == 4, timeout=10_000)
        assert all(panel.model.incident_by_id(i).number.startswith("И-") for i in _ids(panel))
        # The card open on a local incident follows it to the server's id and number.
        qtbot.waitUntil(lambda: card.incident.id > 0 and card.title.text().startswith("И-"), timeout=10_000)
        assert card.title.text() == panel.model.incident_by_id(card.incident.id).number
    finally:
        server.stop()


def test_conflict_dialog_both_versions_operator_chooses(live_server, offline_window, qtbot, monkeypatch):
    from widgets.offline import banner as banner_mod

    other = other_client(live_server)
    inc = make_incident(other, description="Засор ливнёвки", category="utilities", address="ул. Мира, 2")
    chosen = {}

    def fake_exec(dlg):  # the operator: keep my priority, keep the server's description
        chosen["dialog"] = dlg
        assert set(dlg.groups) == {"priority", "description"}
        dlg.show()
        _shot(dlg, "conflict.png")
        dlg.choose("priority", mine=True)
        dlg.choose("description", mine=False)
        dlg.hide()
        return banner_mod.ConflictDialog.DialogCode.Accepted

    monkeypatch.setattr(banner_mod.ConflictDialog, "exec", fake_exec)
    ctx, gw, window = offline_window()
    panel = window.panels["incidents"]
    qtbot.waitUntil(lambda: _ids(panel) == [inc.id], timeout=10_000)
    # This workstation's link goes down (the server stays up for the colleague).
    real_url = ctx.api.base_url
    ctx.api.base_url = f"http://127.0.0.1:{free_port()}"
    gw.patch(inc.id, inc.version, {"priority": "critical", "description": "Засор ливнёвки, вода на дороге"})
    qtbot.waitUntil(lambda: gw.waiting == 1 and not gw.online, timeout=15_000)
    # The colleague changes the same fields meanwhile.
    from backend_client.schemas.incidents import IncidentPatch

    other.patch(inc.id, inc.version, IncidentPatch(priority="low", description="Ливнёвку прочистили"))
    ctx.api.base_url = real_url  # the link is back
    try:
        qtbot.waitUntil(lambda: "dialog" in chosen, timeout=20_000)
    except Exception:
        raise AssertionError(f"no conflict dialog: online={gw.online}, ops="
                             f"{[(o.kind, o.state, o.error) for o in gw.store.ops()]}") from None
    qtbot.waitUntil(lambda: gw.waiting == 0, timeout=10_000)
    final = other.get(inc.id)
    assert (final.priority, final.description) == ("critical", "Ливнёвку прочистили")
    # Closing a live event stream waits for the server's next ping (backend_client.sse); stopping
    # the server first ends it at once.
    live_server.stop()


def test_offline_login_on_a_workstation_used_before(live_server, qtbot, desk_settings):
    from app.login import LoginDialog
    from app.errors import ErrorSink
    from app.offline import credentials
    from app.tasks import TaskRunner
    from backend_client.client import ApiClient
    from tests.conftest import TEST_PASSWORD

    client = ApiClient(live_server.url)
    user = client.login("dispatcher", TEST_PASSWORD)
    credentials.remember_login(live_server.url, "dispatcher", TEST_PASSWORD, user, client.token)
    live_server.stop()
    tasks = TaskRunner(ErrorSink())
    try:
        dlg = LoginDialog(tasks, server_url=live_server.url, username="dispatcher",
                          offline_login=credentials.offline_login)
        qtbot.addWidget(dlg)
        dlg.password.setText("wrong-password")
        dlg.submit()
        qtbot.waitUntil(lambda: dlg.buttons.isEnabled(), timeout=10_000)
        assert dlg.result() != LoginDialog.DialogCode.Accepted and "offline" in dlg.error.text()
        dlg.password.setText(TEST_PASSWORD)
        dlg.submit()
        qtbot.waitUntil(lambda: dlg.result() == LoginDialog.DialogCode.Accepted, timeout=10_000)
        assert dlg.offline and dlg.user.username == "dispatcher" and dlg.client.token == client.token
    finally:
        tasks.shutdown(wait=True)


def test_refused_offline_change_is_kept_and_fixed_by_the_operator(live_server, offline_window, qtbot, monkeypatch):
    """A category the server no longer knows: a clear message, a kept operation, fixed from the dialog."""
    from PySide6.QtWidgets import QComboBox, QPushButton

    from widgets.offline.conflict import ProblemsDialog

    ctx, gw, window = offline_window()
    qtbot.waitUntil(lambda: gw.online and not gw.loading, timeout=10_000)
    # The server once offered "snow_removal"; the operator logs one offline.
    gw.outbox.remember_categories([{"code": c, "name": c, "sla_hours": {}} for c in ("roads", "snow_removal")])
    live_server.stop()
    qtbot.waitUntil(lambda: not gw.online, timeout=10_000)
    saved = []
    gw.create(IncidentCreate.model_construct(category="snow_removal", priority="medium", lat=51.67, lon=35.65,
                                             address="ул. Строителей, 4", description="Сугроб на остановке",
                                             source="operator", client_uuid=None, assignee=None),
              on_done=saved.append)
    qtbot.waitUntil(lambda: len(saved) == 1, timeout=5_000)
    failures = []
    gw.operation_failed.connect(lambda what, msg: failures.append(msg))
    server = LiveServer(live_server.backend, live_server.port).start()
    try:
        try:
            qtbot.waitUntil(lambda: len(gw.problems) == 1, timeout=20_000)
        except Exception:
            raise AssertionError(_state(gw)) from None
        qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
        assert "category" in failures[0]                        # the operator is told why
        assert gw.waiting == 1                                  # and the operation is kept
        banner = window.offline_banner
        qtbot.waitUntil(lambda: banner.problems_button.isVisible(), timeout=5_000)
        dlg = ProblemsDialog(gw, window)
        qtbot.addWidget(dlg)
        dlg.show()
        combo = dlg.findChild(QComboBox, "fixCategory")
        combo.setCurrentIndex(combo.findData("roads"))
        retry = next(b for b in dlg.findChildren(QPushButton) if b.text() == dlg.tr("Retry with this category"))
        retry.click()
        qtbot.waitUntil(lambda: gw.waiting == 0 and not gw.problems, timeout=20_000)
        [inc] = other_client(server).list().items
        assert inc.category == "roads" and inc.description == "Сугроб на остановке"
        dlg.close()
    finally:
        server.stop()


def test_offline_start_then_server_returns_with_the_token_expired(live_server, qtbot, desk_settings, monkeypatch):
    """Start offline (remembered login), log incidents, server returns: session renewed, all sent once."""
    from app.main import build_context
    from app.offline import credentials
    from backend_client.client import ApiClient
    from tests.conftest import TEST_PASSWORD

    monkeypatch.setattr(offline_gateway, "PROBE_MS", 300)
    monkeypatch.setattr(credentials, "_keyring", lambda: None)
    client = ApiClient(live_server.url)
    user = client.login("dispatcher", TEST_PASSWORD)
    credentials.remember_login(live_server.url, "dispatcher", TEST_PASSWORD, user, "a-token-that-expired")
    live_server.stop()
    offline_client, offline_user = credentials.offline_login(live_server.url, "dispatcher", TEST_PASSWORD)
    ctx = build_context(offline_client, offline_user, desk_settings, online=False)
    gw = ctx.incidents
    try:
        assert isinstance(gw, offline_gateway.IncidentGateway) and not gw.online
        saved = []
        for i in range(2):
            gw.create(IncidentCreate(category="waste", lat=51.67, lon=35.65, address=f"ул. Мира, {i}",
                                     description=f"Переполнен контейнер {i}"), on_done=saved.append)
        qtbot.waitUntil(lambda: len(saved) == 2 and gw.waiting == 2, timeout=5_000)
        server = LiveServer(live_server.backend, live_server.port).start()
        try:
            qtbot.waitUntil(lambda: gw.online and gw.waiting == 0, timeout=20_000)
            assert offline_client.token != "a-token-that-expired"
            items = other_client(server).list().items
            assert sorted(i.description for i in items) == ["Переполнен контейнер 0", "Переполнен контейнер 1"]
        finally:
            server.stop()
    finally:
        gw.shutdown()
        ctx.events.stop()
        ctx.tasks.shutdown(wait=True)
        gw.store.close()
