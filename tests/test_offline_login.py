"""Offline start: argon2-checked password, never stored in clear; token in keyring or a private file."""

from __future__ import annotations

import stat
import subprocess
import sys

import pytest

from backend_client.client import ApiClient
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def creds(tmp_path, monkeypatch):
    monkeypatch.setenv("SC_DESK_DATA_DIR", str(tmp_path / "data"))
    from app.offline import credentials

    monkeypatch.setattr(credentials, "_keyring", lambda: None)  # as on a workstation without a keyring
    return credentials


def test_remembered_login_works_offline_and_keeps_no_password(live_server, creds, tmp_path):
    client = ApiClient(live_server.url)
    user = client.login("dispatcher", TEST_PASSWORD)
    creds.remember_login(live_server.url, "dispatcher", TEST_PASSWORD, user, client.token)
    live_server.stop()
    assert creds.offline_login(live_server.url, "dispatcher", "not-the-password") is None
    assert creds.offline_login(live_server.url, "supervisor", TEST_PASSWORD) is None  # never logged in here
    assert creds.offline_login("http://elsewhere:1", "dispatcher", TEST_PASSWORD) is None
    got = creds.offline_login(live_server.url, "dispatcher", TEST_PASSWORD)
    assert got is not None
    offline_client, offline_user = got
    assert offline_user.username == "dispatcher" and offline_user.role == "dispatcher"
    assert offline_client.token == client.token and offline_client.base_url == live_server.url
    base = tmp_path / "data" / "desk" / "offline"
    for name in ("logins.json", "tokens.json"):
        path = base / name
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == 0o600, (name, oct(mode))
        assert TEST_PASSWORD not in path.read_text()
    assert "$argon2" in (base / "logins.json").read_text()


def test_session_is_renewed_with_the_password_kept_in_memory(live_server, creds):
    client = ApiClient(live_server.url)
    user = client.login("dispatcher", TEST_PASSWORD)
    creds.remember_login(live_server.url, "dispatcher", TEST_PASSWORD, user, "expired-token")
    offline_client, _ = creds.offline_login(live_server.url, "dispatcher", TEST_PASSWORD)
    assert offline_client.token == "expired-token"
    offline_client.relogin()  # the server is up again and the saved token is no good
    assert offline_client.token != "expired-token"
    assert offline_client.request("GET", "/api/v1/auth/me")["username"] == "dispatcher"
    assert creds.load_token(live_server.url, "dispatcher") == offline_client.token


def test_offline_core_is_qt_free():
    code = ("import sys, app.offline.store, app.offline.outbox, app.offline.sync, app.offline.credentials, "
            "app.offline.connection; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))]; print(bad); "
            "sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
