"""The dependency lock: current with pyproject.toml, hash-pinned, and what this venv holds."""

from __future__ import annotations

import importlib.metadata as md
import re
import subprocess
import sys
from pathlib import Path

from tools import lock

ROOT = Path(__file__).resolve().parents[2]


def test_lock_is_current_with_pyproject():
    assert lock.lock_hash() == lock.inputs_hash(), "pyproject.toml's dependencies changed: run `make lock`"


def test_a_new_dependency_makes_the_lock_stale(tmp_path):
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    changed = tmp_path / "pyproject.toml"
    changed.write_text(text.replace('"keyring>=25",', '"keyring>=25",\n  "shapely>=2,<3",'), encoding="utf-8")
    assert lock.inputs_hash(changed) != lock.inputs_hash()
    # An extra's change counts too, and formatting alone does not.
    changed.write_text(text.replace('"pytest>=8"', '"pytest>=9"'), encoding="utf-8")
    assert lock.inputs_hash(changed) != lock.inputs_hash()
    changed.write_text(text.replace("dependencies = [", "dependencies = [  "), encoding="utf-8")
    assert lock.inputs_hash(changed) == lock.inputs_hash()


def test_make_venv_refuses_a_stale_lock(tmp_path):
    """`tools/lock.py check` (the first step of `make venv`) fails with the remedy in its message."""
    repo = tmp_path / "repo"
    (repo / "tools").mkdir(parents=True)
    (repo / "tools" / "lock.py").write_text((ROOT / "tools" / "lock.py").read_text())
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (repo / "pyproject.toml").write_text(text.replace('"keyring>=25",', '"keyring>=25",\n  "icalendar>=6",'))
    (repo / "requirements.lock").write_text((ROOT / "requirements.lock").read_text())
    res = subprocess.run([sys.executable, str(repo / "tools" / "lock.py"), "check"], capture_output=True, text=True)
    assert res.returncode == 1 and "run `make lock`" in res.stderr
    (repo / "pyproject.toml").write_text(text)
    ok = subprocess.run([sys.executable, str(repo / "tools" / "lock.py"), "check"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr


def test_every_locked_package_is_hash_pinned_and_installed_at_its_version():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 4)[4])
    pins = {}
    for block in blocks:
        m = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)(.*)", block, re.S)
        assert m, block[:80]
        assert "--hash=sha256:" in block, f"{m.group(1)} has no hash"
        pins[m.group(1).lower()] = (m.group(2), m.group(3))
    wrong = []
    for name, (version, rest) in pins.items():
        marker = re.search(r";\s*([^\\\n]+)", rest.split("\n")[0])
        if marker:
            from packaging.markers import Marker

            if not Marker(marker.group(1).strip()).evaluate():
                continue  # another platform's package (pywin32-ctypes, macholib, …)
        try:
            have = md.version(name)
        except md.PackageNotFoundError:
            wrong.append(f"{name} missing")
            continue
        if have != version:
            wrong.append(f"{name} {have} != {version}")
    assert not wrong, f"the venv differs from requirements.lock (make venv installs from it): {wrong}"
    for must in ("pyside6", "fastapi", "pyinstaller", "pytest"):
        assert must in pins
