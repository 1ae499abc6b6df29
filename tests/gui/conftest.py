"""GUI fixtures: a logged-in AppContext against a real backend; leaked windows fail the test."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD


@pytest.fixture
def desk_settings(tmp_path, monkeypatch):
    from app.settings import AppSettings

    monkeypatch.setenv("SC_DESK_CONFIG_DIR", str(tmp_path / "desk-config"))
    monkeypatch.setenv("SC_DESK_DATA_DIR", str(tmp_path / "desk-data"))
    return AppSettings.load(tmp_path / "desk-settings.json")


@pytest.fixture
def make_ctx(qtbot, desk_settings):
    """make_ctx(live_server, role) → AppContext logged in to that server as that role."""
    from app.main import build_context
    from backend_client.client import ApiClient

    made = []

    def make(server, role: str = "dispatcher", start_events: bool = True):
        client = ApiClient(server.url)
        user = client.login(role, TEST_PASSWORD)
        ctx = build_context(client, user, desk_settings)
        if start_events:
            ctx.events.start()
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.events.stop()
        ctx.tasks.shutdown(wait=True)


@pytest.fixture(autouse=True)
def no_leaked_windows(qapp):
    from PySide6.QtWidgets import QApplication

    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    yield
    QApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before]
    for w in leaked:
        w.close()
    assert not leaked, f"test left windows open: {[type(w).__name__ for w in leaked]}"
