"""Demo users: made only by `sc-server seed-demo` / `--demo`, with random passwords per installation
(SC_DEMO_PASSWORD sets one for all), kept in an owner-readable file for sc-demo."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from backend.auth.service import create_user, find_user
from backend.domain import DemoSeed

DEMO_USERS = [("dispatcher", "dispatcher", "Диспетчер ЕДДС Смирнова О. В."),
              ("supervisor", "supervisor", "Старший смены Кузнецов А. П."),
              ("admin", "admin", "Администратор системы")]
CREDENTIALS_FILE = "demo-credentials.txt"


def demo_password() -> str:
    return os.environ.get("SC_DEMO_PASSWORD") or secrets.token_urlsafe(9)


def credentials_path(settings) -> Path:
    """SC_DEMO_CREDENTIALS_FILE (set by sc-demo), else demo-credentials.txt in the server data directory."""
    if settings.demo_credentials_file:
        return Path(settings.demo_credentials_file)
    from backend.config import data_dir

    return data_dir() / CREDENTIALS_FILE


def seed_demo(demo: DemoSeed) -> None:
    """Create the demo users that are missing; their passwords go to demo.created_users and the file."""
    with demo.maker() as s:
        for username, role, full_name in DEMO_USERS:
            if find_user(s, username) is None:
                password = demo_password()
                create_user(s, username=username, role=role, password=password, full_name=full_name)
                demo.created_users[username] = password
        s.commit()
    if demo.created_users:
        write_credentials(credentials_path(demo.settings), demo.created_users)


def write_credentials(path: Path, created: dict[str, str]) -> None:
    """Add the passwords to the file sc-demo reads, owner-readable only."""
    known = read_credentials(path)
    known.update(created)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("# demo users of the situation center: user password\n"
                    + "".join(f"{u} {p}\n" for u, p in known.items()), encoding="utf-8")


def read_credentials(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        user, sep, password = line.partition(" ")
        if sep and not line.startswith("#"):
            out[user] = password.strip()
    return out
