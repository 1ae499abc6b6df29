"""What a site sets without editing code, applied once at start-up: the log files, the HTTP proxy,
the CA certificate of an HTTPS server and the renderer (app.settings.AppSettings holds the values,
usually from the site file /etc/situation-center/desk.json or %ProgramData%)."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from app import logs
from app.settings import AppSettings, data_dir

LOG_NAME = "sc-desk.log"
# Small on purpose: offline, the outbox must get the disk, not the log (repeats are folded too).
LOG_BYTES = logs.MAX_BYTES
LOG_KEEP = logs.BACKUPS
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_log_file: Path | None = None


def log_dir(settings: AppSettings) -> Path:
    return Path(settings.log_dir).expanduser() if settings.log_dir else data_dir() / "logs"


def log_file() -> Path | None:
    """The file this process logs to (shown in Help → About); None before setup_logging()."""
    return _log_file


def setup_logging(settings: AppSettings, *, console: bool = True) -> Path | None:
    """Rotating log files under the user's data directory (or the site's log_dir), and stderr; repeats
    folded (app.logs). A directory that cannot be written leaves the desktop running with stderr only."""
    global _log_file
    level = logging.getLevelName(str(settings.log_level).upper())
    level = level if isinstance(level, int) else logging.INFO
    try:
        _log_file = logs.setup(log_dir(settings), level=level, name=LOG_NAME, max_bytes=LOG_BYTES,
                               backups=LOG_KEEP, console=console)
    except OSError as exc:
        logs.setup(None, level=level, console=console)
        logging.getLogger(__name__).warning("cannot write logs to %s (%s); logging to the console only",
                                            log_dir(settings), exc)
        _log_file = None
    return _log_file


def apply_network(settings: AppSettings) -> None:
    """The proxy and the CA certificate, for the API client (requests) and the map's web page (Qt)."""
    from backend_client.client import configure

    ca = str(Path(settings.ca_cert_path).expanduser()) if settings.ca_cert_path else ""
    if ca and not Path(ca).exists():
        logging.getLogger(__name__).error("ca_cert_path %s does not exist; HTTPS uses the built-in CA bundle", ca)
        ca = ""
    configure(ca_cert=ca, proxy=settings.proxy_url)
    if settings.proxy_url:
        from urllib.parse import urlsplit

        from PySide6.QtNetwork import QNetworkProxy

        # Qt WebEngine (map tiles from a tile server) follows the application proxy.
        u = urlsplit(settings.proxy_url)
        proxy = QNetworkProxy(QNetworkProxy.ProxyType.HttpProxy, u.hostname or "", u.port or 3128,
                              u.username or "", u.password or "")
        QNetworkProxy.setApplicationProxy(proxy)


def prepare(*, console: bool = True) -> AppSettings:
    """Load the settings and apply the site's choices; call first thing, before the QApplication."""
    settings = AppSettings.load()
    setup_logging(settings, console=console)
    if settings.renderer and not os.environ.get("SC_DESK_RENDERER"):
        os.environ["SC_DESK_RENDERER"] = settings.renderer  # app.main.choose_renderer reads it
    apply_network(settings)
    return settings
