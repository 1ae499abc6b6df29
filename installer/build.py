"""Builds what gets installed (`make dist` = `python -m installer.build all`):

    bundle   dist/sc-desk/: the desktop as a one-folder PyInstaller bundle (installer/sc-desk.spec)
    deb      dist/situation-center-desk_<version>_<arch>.deb from that bundle (dpkg-deb)
    server   dist/situation_center-<version>-py3-none-any.whl and dist/situation-center-server_<version>_all.deb
    all      the three, then their sizes (bench/dist_size.py)

The bundle is the slow part (1-3 minutes), so it is kept in a cache outside the repository keyed
on everything that goes into it: the lock file, the spec, the sources and resources it freezes,
the Python and the platform. SC_BUILD_CACHE moves the cache; a new key builds afresh.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
SPEC = ROOT / "installer" / "sc-desk.spec"
# Sources frozen into the desktop bundle (the backend is not in it).
BUNDLE_INPUTS = ("app", "widgets", "backend_client", "resources", "installer/sc-desk.spec",
                 "installer/version_resource.py",
                 "installer/sc_desk_entry.py", "requirements.lock", "pyproject.toml")
DESK_PACKAGE = "situation-center-desk"
SERVER_PACKAGE = "situation-center-server"


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def cache_root() -> Path:
    env = os.environ.get("SC_BUILD_CACHE")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "situation-center" / "build"


def _files(rel: str) -> list[Path]:
    path = ROOT / rel
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix not in (".pyc", ".qm"))  # .qm are built from the .ts, which count


def bundle_key() -> str:
    h = hashlib.sha256()
    h.update(f"{sys.version}|{platform.machine()}|{sys.platform}".encode())
    for rel in BUNDLE_INPUTS:
        for path in _files(rel):
            h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:20]


def run(cmd: list[str], **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def bundle(*, into: Path | None = None) -> Path:
    """The bundle's folder (…/sc-desk, with the sc-desk executable in it), from the cache when its
    inputs have not changed; copied to ``into`` (e.g. dist/) when given."""
    key = bundle_key()
    cached = cache_root() / f"bundle-{key}"
    folder = cached / "sc-desk"
    if not (cached / "complete").exists():
        run([sys.executable, "-m", "app.i18n", "build"], cwd=ROOT, stdout=subprocess.DEVNULL)
        shutil.rmtree(cached, ignore_errors=True)
        cached.mkdir(parents=True)
        work = Path(tempfile.mkdtemp(prefix="sc-pyinstaller-"))
        try:
            run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                 "--distpath", cached, "--workpath", work, SPEC], cwd=ROOT)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        (cached / "complete").write_text(key)
        _prune(keep=cached)
    else:
        print(f"bundle {key}: unchanged inputs, from the cache {cached}", flush=True)
    if into is None:
        return folder
    target = into / "sc-desk"
    shutil.rmtree(target, ignore_errors=True)
    into.mkdir(parents=True, exist_ok=True)
    shutil.copytree(folder, target, symlinks=True)
    return target


def _prune(keep: Path, count: int = 2) -> None:
    """Keep the newest few bundles: each is hundreds of MB."""
    old = sorted((p for p in cache_root().glob("bundle-*") if p != keep), key=lambda p: p.stat().st_mtime)
    for path in old[:-count + 1] if count > 1 else old:
        shutil.rmtree(path, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    from installer import debian

    argv = sys.argv[1:] if argv is None else argv
    what = argv[0] if argv else "all"
    if what not in ("bundle", "deb", "server", "all"):
        print(__doc__, file=sys.stderr)
        return 2
    DIST.mkdir(exist_ok=True)
    if what in ("bundle", "deb", "all"):
        folder = bundle(into=DIST)
        print(f"bundle: {folder}")
        if what in ("deb", "all"):
            print(f"deb: {debian.desk_deb(folder, DIST, version())}")
    if what in ("server", "all"):
        wheel = debian.server_wheel(DIST)
        print(f"wheel: {wheel}")
        print(f"deb: {debian.server_deb(wheel, DIST, version())}")
    if what == "all":
        run([sys.executable, str(ROOT / "bench" / "dist_size.py"), str(DIST)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
