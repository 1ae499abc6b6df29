"""The desktop's settings: declared once, typed, versioned, kept as JSON in the config dir."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)
SCHEMA_VERSION = 3
APP_NAME = "situation-center"
SECTIONS: dict[str, type] = {}  # feature name → its settings dataclass (app.features registers them)


def config_dir() -> Path:
    path = Path(os.environ.get("SC_DESK_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def site_file() -> Path:
    """Site-wide defaults an installer or administrator puts down once for every operator of a
    workstation (same keys as the user's settings.json; the user's own values win).
    SC_DESK_SITE_CONFIG overrides; Linux: /etc/situation-center/desk.json,
    Windows: C:\\ProgramData\\situation-center\\desk.json."""
    env = os.environ.get("SC_DESK_SITE_CONFIG")
    if env:
        return Path(env)
    if os.name == "nt":
        return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / "desk.json"
    return Path("/etc") / APP_NAME / "desk.json"


def data_dir() -> Path:
    path = Path(os.environ.get("SC_DESK_DATA_DIR") or platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "desk"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class AppSettings:
    schema_version: int = SCHEMA_VERSION
    server_url: str = "http://127.0.0.1:8765"
    last_username: str = ""
    language: str = "system"          # system | ru | en
    theme: str = "dark"               # dark | light
    alert_sound: bool = True
    # Map base: "vector" (built-in city GeoJSON), "tiles" (URL template), "mbtiles" (file)
    map_base: str = "vector"
    map_tile_url: str = ""
    map_mbtiles_path: str = ""
    window_geometry: str = ""         # base64 of QMainWindow.saveGeometry()
    window_state: str = ""            # base64 of QMainWindow.saveState()
    queue_columns: list[str] = field(default_factory=list)
    # Site settings (v3): what a deployment sets without editing code, usually in site_file().
    server_urls: list[str] = field(default_factory=list)  # other servers the login dialog offers (e.g. a reserve)
    renderer: str = "auto"            # auto | software | opengl (SC_DESK_RENDERER still wins)
    proxy_url: str = ""               # http(s)://host:port for the API and map tiles; "" = none
    ca_cert_path: str = ""            # PEM file of the CA that signed the HTTPS server's certificate
    log_dir: str = ""                 # "" = <user data dir>/desk/logs
    log_level: str = "INFO"
    extra: dict = field(default_factory=dict)  # per-panel settings, keyed by panel name

    path: Path | None = field(default=None, repr=False, compare=False)
    _sections: dict = field(default_factory=dict, repr=False, compare=False)
    _site: dict = field(default_factory=dict, repr=False, compare=False)  # the site file's values

    @classmethod
    def load(cls, path: Path | None = None, *, site: Path | None = None) -> "AppSettings":
        path = path or config_dir() / "settings.json"
        raw: dict = {}
        if path.exists():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("settings file %s unreadable (%s); using defaults, keeping a copy", path, exc)
                path.replace(path.with_suffix(".broken.json"))
        raw = migrate(raw)
        site = site or site_file()
        site_defaults: dict = {}
        if site.exists():
            try:
                defaults = migrate(json.loads(site.read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                log.warning("site settings %s unreadable (%s); ignored", site, exc)
            else:
                defaults.pop("schema_version", None)
                site_defaults = {k: v for k, v in defaults.items() if k in known_fields(cls)}
                raw = {**site_defaults, **raw}  # the user's own values win
        known = known_fields(cls)
        unknown = set(raw) - known
        if unknown:
            log.warning("ignoring unknown settings: %s", ", ".join(sorted(unknown)))
        obj = cls(**{k: v for k, v in raw.items() if k in known})
        obj.path = path
        obj._site = site_defaults
        return obj

    def section(self, name: str) -> Any:
        """A feature's typed settings (the dataclass its FeatureSpec declares), kept under ``extra[name]``;
        unknown keys in the file are dropped, missing ones take the defaults."""
        found = self._sections.get(name)
        if found is None:
            kind = SECTIONS.get(name)
            if kind is None:
                raise KeyError(f"no settings section {name!r} is registered")
            raw = self.extra.get(name)
            raw = raw if isinstance(raw, dict) else {}
            known = {f.name for f in fields(kind)}
            found = self._sections[name] = kind(**{k: v for k, v in raw.items() if k in known})
        return found

    def save(self) -> None:
        if self.path is None:
            return
        for name, section in self._sections.items():
            self.extra[name] = asdict(section)
        data = {k: v for k, v in asdict(self).items() if k not in ("path", "_sections", "_site")}
        # A value equal to the site's is not copied into the user's file, so that a later change
        # of the site file (a new server, proxy or CA) reaches every operator who did not override it.
        data = {k: v for k, v in data.items() if k == "schema_version" or k not in self._site or v != self._site[k]}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)


def known_fields(cls: type | None = None) -> set[str]:
    return {f.name for f in fields(cls or AppSettings)} - {"path", "_sections", "_site"}


def migrate(raw: dict) -> dict:
    """Bring an older settings file to SCHEMA_VERSION, one step at a time."""
    version = raw.get("schema_version", SCHEMA_VERSION if not raw else 1)
    if version < 2:
        # v1 called the map base "offline"; it is the vector base now.
        if raw.get("map_base") == "offline":
            raw["map_base"] = "vector"
        version = 2
    if version < 3:
        # v3 added the site settings (server_urls, renderer, proxy_url, ca_cert_path, log_dir,
        # log_level); their defaults are what v2 did (SC_DESK_RENDERER keeps overriding the renderer).
        version = 3
    raw["schema_version"] = version
    return raw
