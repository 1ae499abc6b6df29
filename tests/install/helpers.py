"""Shared pieces of the installation tests: running `sc-desk --self-test` in a clean user profile
and reading its report, and putting a few incidents on a live server."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import TEST_PASSWORD


@dataclass
class SelfTest:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> dict[str, str]:
        """check name → "PASS"/"FAIL" from the report's lines "PASS  name: detail"."""
        found = {}
        for line in self.out.splitlines():
            status, _, rest = line.partition("  ")
            if status in ("PASS", "FAIL") and not rest.startswith("self-test:"):
                found[rest.split(":", 1)[0]] = status
        return found

    def explain(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr (tail)\n{self.err[-4000:]}"


def desk_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A workstation user nobody has used yet: own config, data and cache dirs, no site file."""
    env = dict(os.environ)
    for name in ("config", "data", "cache"):
        (tmp / name).mkdir(parents=True, exist_ok=True)
    env.update(SC_DESK_CONFIG_DIR=str(tmp / "config"), SC_DESK_DATA_DIR=str(tmp / "data"),
               SC_DESK_CACHE_DIR=str(tmp / "cache"), SC_DESK_SITE_CONFIG=str(tmp / "site-desk.json"),
               QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(tmp / "cache"), XDG_DATA_HOME=str(tmp / "data"),
               XDG_CONFIG_HOME=str(tmp / "config"))
    env.pop("PYTHONPATH", None)  # a frozen app must not pick up the source tree
    env.update(extra)
    return env


def run_selftest(cmd: list[str], server_url: str, tmp: Path, *, camera_url: str | None = None,
                 user: str = "dispatcher", timeout: float = 300, cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> SelfTest:
    password = tmp / "password.txt"
    password.write_text(TEST_PASSWORD, encoding="utf-8")
    argv = [*cmd, "--self-test", "--server", server_url, "--user", user, "--password-file", str(password)]
    if camera_url:
        argv += ["--camera-url", camera_url]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=cwd or tmp,
                          env=env or desk_env(tmp))
    return SelfTest(proc.returncode, proc.stdout, proc.stderr)


def add_incidents(server, count: int = 3) -> None:
    """A few incidents on the live server, made through the API like an operator would."""
    from backend_client.client import ApiClient
    from backend_client.incidents import IncidentsApi
    from backend_client.schemas.incidents import IncidentCreate

    client = ApiClient(server.url)
    client.login("dispatcher", TEST_PASSWORD)
    api = IncidentsApi(client)
    for i in range(count):
        api.create(IncidentCreate(category="roads", lat=51.66 + i * 0.001, lon=35.65, address=f"Lenina {i + 1}",
                                  description=f"pothole {i + 1}"))


ALL_CHECKS = {"installed files", "translations and theme", "server", "login", "main window", "incident queue",
              "map page"}
