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
SCHEMA_VERSION = 2
APP_NAME = "situation-center"
SECTIONS: dict[str, type] = {}  # feature name → its settings dataclass (app.features registers them)


def config_dir() -> Path:
    path = Path(os.environ.get("SC_DESK_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    extra: dict = field(default_factory=dict)  # per-panel settings, keyed by panel name

    path: Path | None = field(default=None, repr=False, compare=False)
    _sections: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> "AppSettings":
        path = path or config_dir() / "settings.json"
        raw: dict = {}
        if path.exists():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("settings file %s unreadable (%s); using defaults, keeping a copy", path, exc)
                path.replace(path.with_suffix(".broken.json"))
        raw = migrate(raw)
        known = {f.name for f in fields(cls)} - {"path"}
        unknown = set(raw) - known
        if unknown:
            log.warning("ignoring unknown settings: %s", ", ".join(sorted(unknown)))
        obj = cls(**{k: v for k, v in raw.items() if k in known})
        obj.path = path
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
        data = {k: v for k, v in asdict(self).items() if k not in ("path", "_sections")}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)


def migrate(raw: dict) -> dict:
    """Bring an older settings file to SCHEMA_VERSION, one step at a time."""
    version = raw.get("schema_version", SCHEMA_VERSION if not raw else 1)
    if version < 2:
        # v1 called the map base "offline"; it is the vector base now.
        if raw.get("map_base") == "offline":
            raw["map_base"] = "vector"
        version = 2
    raw["schema_version"] = version
    return raw
