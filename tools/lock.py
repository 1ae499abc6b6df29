"""The dependency lock: requirements.lock pins every package (with hashes) that the venv, CI and
`make dist` install, so the bundle built today and the one built next month hold the same libraries.

    python tools/lock.py compile   # `make lock`: resolve pyproject.toml's ranges again
    python tools/lock.py check     # fail when pyproject.toml's dependencies changed since the lock

pyproject.toml keeps the ranges (what people install the library with); the lock is the one
resolution of them that we build and test. Its header keeps a hash of the dependency lists it
was made from, so a dependency added to pyproject.toml without `make lock` stops `make venv`
with a clear message instead of installing something nobody resolved.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
EXTRAS = ("test", "dist")
PYTHON_VERSION = "3.12"
# The resolver itself is pinned: a newer uv may resolve the same ranges differently.
UV = "uv==0.13.9"
HASH_PREFIX = "# inputs-sha256: "


def inputs_hash(pyproject: Path = PYPROJECT) -> str:
    """A hash of what the lock is resolved from: requires-python, dependencies, the locked extras."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    inputs = {
        "requires-python": project.get("requires-python", ""),
        "dependencies": sorted(project.get("dependencies", [])),
        "extras": {name: sorted(extras.get(name, [])) for name in EXTRAS},
        "python": PYTHON_VERSION,
        "resolver": UV,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def lock_hash(lock: Path = LOCK) -> str | None:
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines()[:20]:
        if line.startswith(HASH_PREFIX):
            return line[len(HASH_PREFIX):].strip()
    return None


def check() -> int:
    found, wanted = lock_hash(), inputs_hash()
    if found == wanted:
        return 0
    why = "is missing" if found is None and not LOCK.exists() else "was made from other dependencies"
    print(f"requirements.lock {why} than pyproject.toml's: run `make lock` (and commit requirements.lock)",
          file=sys.stderr)
    return 1


def _uv() -> Path:
    """uv in a small venv of its own, outside the project's venv (which is installed FROM the lock)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "situation-center"
    tools = cache / f"lock-tools-{UV.replace('==', '-')}"
    exe = tools / ("Scripts" if os.name == "nt" else "bin") / ("uv.exe" if os.name == "nt" else "uv")
    if not exe.exists():
        venv.create(tools, with_pip=True)
        py = tools / ("Scripts" if os.name == "nt" else "bin") / "python"
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", UV], check=True)
    return exe


def compile_lock() -> int:
    wanted = inputs_hash()
    tmp = LOCK.with_suffix(".tmp")
    cmd = [str(_uv()), "pip", "compile", str(PYPROJECT.relative_to(ROOT)), "--universal", "--generate-hashes",
           "--python-version", PYTHON_VERSION, "--no-header", "--quiet", "--output-file", str(tmp.name),
           "--index-url", "https://pypi.org/simple"]
    for extra in EXTRAS:
        cmd += ["--extra", extra]
    subprocess.run(cmd, check=True, cwd=ROOT)
    header = [
        "# The locked dependencies of situation-center: `make lock` writes this file, do not edit it.",
        f"# Resolved by {UV} for Python {PYTHON_VERSION} on every platform from pyproject.toml's",
        f"# dependencies and the extras {', '.join(EXTRAS)}; installed with `pip install --require-hashes -r`.",
        HASH_PREFIX + wanted,
        "",
    ]
    LOCK.write_text("\n".join(header) + tmp.read_text(encoding="utf-8"), encoding="utf-8")
    tmp.unlink()
    count = sum(1 for line in LOCK.read_text().splitlines() if line and not line[0] in " #")
    print(f"requirements.lock: {count} packages pinned")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["check"]:
        return check()
    if argv == ["compile"]:
        return compile_lock()
    if argv == ["hash"]:
        print(inputs_hash())
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
