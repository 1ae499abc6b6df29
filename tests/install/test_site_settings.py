"""Site settings without editing code: the site file under the user's settings, the v2 → v3
migration, rotating logs, and the proxy and the city CA's certificate actually used on the wire
(a real HTTPS backend signed by a CA made here, a real forwarding proxy)."""

from __future__ import annotations

import json
import logging
import logging.handlers
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port, make_backend
from tests.install.helpers import desk_env, run_selftest

SOURCE = [sys.executable, "-m", "app.main"]


def test_site_file_gives_defaults_the_user_can_override(tmp_path):
    from app.settings import AppSettings

    site = tmp_path / "desk.json"
    site.write_text(json.dumps({"server_url": "https://sc.city:8765", "proxy_url": "http://proxy:3128",
                                "language": "ru", "no_such_key": 1}))
    user = tmp_path / "settings.json"
    s = AppSettings.load(user, site=site)
    assert (s.server_url, s.proxy_url, s.language) == ("https://sc.city:8765", "http://proxy:3128", "ru")
    s.language = "en"           # the operator's own choice
    s.save()
    saved = json.loads(user.read_text())
    assert saved["language"] == "en"
    assert "server_url" not in saved and "proxy_url" not in saved  # the site's values stay the site's
    site.write_text(json.dumps({"server_url": "https://sc2.city:8765", "language": "ru"}))
    again = AppSettings.load(user, site=site)
    assert again.server_url == "https://sc2.city:8765"  # a new server in the site file reaches everyone
    assert again.language == "en"                       # and the operator's choice survives


def test_version_2_settings_migrate(tmp_path):
    from app.settings import SCHEMA_VERSION, AppSettings

    old = tmp_path / "settings.json"
    old.write_text(json.dumps({"schema_version": 2, "server_url": "http://old:8765", "map_base": "vector"}))
    s = AppSettings.load(old, site=tmp_path / "none.json")
    assert SCHEMA_VERSION == 3 and s.schema_version == 3
    assert (s.server_url, s.renderer, s.proxy_url, s.ca_cert_path, s.log_dir) == ("http://old:8765", "auto", "", "", "")


def test_logs_rotate_under_the_data_dir(tmp_path, monkeypatch):
    from app import site
    from app.settings import AppSettings

    monkeypatch.setenv("SC_DESK_DATA_DIR", str(tmp_path / "data"))
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = site.setup_logging(AppSettings(), console=False)
        handler = next(h for h in root.handlers if h not in before)
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        assert path == tmp_path / "data" / "desk" / "logs" / "sc-desk.log" == site.log_file()
        assert handler.maxBytes == site.LOG_BYTES and handler.backupCount == site.LOG_KEEP
        handler.maxBytes = 2000  # rotate now rather than after 5 MB
        for i in range(100):
            logging.getLogger("test").warning("line %d %s", i, "x" * 40)
        assert (path.parent / "sc-desk.log.1").exists()
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
                h.close()


# ----------------------------------------------------------------- HTTPS with the city's CA

def make_ca_and_server_cert(tmp: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1 signed by it (openssl, as a city's PKI would)."""
    def ssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp)

    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Kurchatov city CA")
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1")
    (tmp / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return tmp / "ca.pem", tmp / "server.pem", tmp / "server.key"


@pytest.fixture
def https_server(tmp_path):
    import uvicorn

    ca, cert, key = make_ca_and_server_cert(tmp_path)
    b = make_backend(f"sqlite:///{tmp_path / 'tls.sqlite3'}", tmp_path)
    for role in ("dispatcher", "supervisor", "admin"):
        b.add_user(role, role)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(b.app, host="127.0.0.1", port=port, log_level="warning",
                                           ssl_certfile=str(cert), ssl_keyfile=str(key)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 15
    while not server.started and time.monotonic() < end:
        time.sleep(0.02)
    yield f"https://127.0.0.1:{port}", ca
    server.should_exit = True
    thread.join(10)
    b.app.state.engine.dispose()


def test_client_trusts_the_site_ca_only_when_configured(https_server):
    from backend_client import client as client_mod
    from backend_client.client import ApiClient
    from backend_client.errors import ConnectionLost

    url, ca = https_server
    with pytest.raises((ConnectionLost, requests.exceptions.SSLError)):
        ApiClient(url, retries=0).health()
    try:
        client_mod.configure(ca_cert=str(ca))
        assert ApiClient(url).health()["status"] == "ok"
    finally:
        client_mod.configure()


def test_selftest_reaches_an_https_server_through_the_site_ca(https_server, tmp_path):
    url, ca = https_server
    (tmp_path / "site-desk.json").write_text(json.dumps({"ca_cert_path": str(ca)}))
    result = run_selftest(SOURCE, url, tmp_path, env=desk_env(tmp_path))
    assert result.lines.get("login") == "PASS", result.explain()
    assert result.code == 0, result.explain()
    # Without the site's CA the same server is refused, as it must be.
    (tmp_path / "site-desk.json").write_text("{}")
    refused = run_selftest(SOURCE, url, tmp_path, env=desk_env(tmp_path))
    assert refused.lines["server"] == "FAIL" and refused.code != 0


# ----------------------------------------------------------------- the site's HTTP proxy

class ForwardingProxy(BaseHTTPRequestHandler):
    """A plain HTTP forward proxy (absolute-URI requests), recording the paths it carried."""
    seen: list[str] = []

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "proxy-connection",
                                                                              "content-length", "connection")}
        ForwardingProxy.seen.append(requests.utils.urlparse(self.path).path)
        r = requests.request(self.command, self.path, headers=headers, data=body, timeout=10, stream=True,
                             proxies={"http": None, "https": None})
        content = r.raw.read()
        self.send_response(r.status_code)
        for k, v in r.headers.items():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "content-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _forward

    def log_message(self, *args) -> None:
        pass


def test_selftest_goes_through_the_site_proxy(live_server, tmp_path):
    ForwardingProxy.seen = []
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), ForwardingProxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        proxy_url = f"http://127.0.0.1:{proxy.server_address[1]}"
        (tmp_path / "site-desk.json").write_text(json.dumps({"proxy_url": proxy_url}))
        env = desk_env(tmp_path)
        for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
            env.pop(name, None)
        result = run_selftest(SOURCE, live_server.url, tmp_path, env=env)
        assert result.code == 0, result.explain()
        assert "/api/v1/auth/token" in ForwardingProxy.seen and "/api/v1/health" in ForwardingProxy.seen
    finally:
        proxy.shutdown()


def test_login_dialog_offers_the_sites_servers(qtbot):
    from app.errors import ErrorSink
    from app.login import LoginDialog
    from app.tasks import TaskRunner

    tasks = TaskRunner(ErrorSink())
    try:
        dlg = LoginDialog(tasks, server_url="https://sc.city:8765",
                          servers=["https://sc-reserve.city:8765", "https://sc.city:8765"])
        qtbot.addWidget(dlg)
        model = dlg.server.completer().model()
        offered = [model.index(i, 0).data() for i in range(model.rowCount())]
        assert offered == ["https://sc.city:8765", "https://sc-reserve.city:8765"]
    finally:
        tasks.shutdown()
