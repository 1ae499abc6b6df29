"""The Debian packages: the desktop from its PyInstaller bundle, the server from its wheel.

situation-center-desk    /opt/situation-center/desk/ (the bundle), /usr/bin/sc-desk, the menu entry
                         and icon; Depends: the system libraries the bundle links to and does not carry
                         (found from the ELF files' NEEDED entries, mapped to packages with dpkg -S).
situation-center-server  /opt/situation-center/server/ (the wheel and the locked requirements; the
                         post-install script makes the venv), sc-server.service running as the
                         sc-server user, settings in /etc/situation-center/server.env.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "installer"
MAINTAINER = "Smart Kurchatov situation center <sc@kurchatov.example>"
DESK_PREFIX = "opt/situation-center/desk"
SERVER_PREFIX = "opt/situation-center/server"
# Always needed though no ELF file names them: fonts for Qt to draw text with, and Qt's xcb
# platform plugin is loaded at run time (its NEEDED entries are scanned like the rest).
DESK_EXTRA_DEPENDS = ["fonts-dejavu-core | fonts-liberation2", "libfontconfig1"]
# Desktop-only packages of the lock that the server does not install (it never imports Qt).
NOT_ON_SERVER = re.compile(r"^(pyside6(-[a-z0-9]+)*|shiboken6|pyqtgraph|pyinstaller"
                           r"|pyinstaller-hooks-contrib|altgraph|macholib|pefile|pywin32-ctypes|pytest|pytest-qt"
                           r"|pluggy|iniconfig|import-linter|grimp|schemathesis|georeport|pytest-[a-z0-9-]+)$", re.I)
# (rich & co. stay: ibis, which ATSPM runs on, needs them; test-only roots go with what only they need)


def arch() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def _elf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def needed_sonames(folder: Path) -> tuple[set[str], set[str]]:
    """(sonames the bundle's ELF files need, sonames the bundle carries itself)."""
    needed, carried = set(), set()
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file() or not _elf(path):
            continue
        carried.add(path.name)
        out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
        needed.update(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))
    return needed, carried


def system_packages(sonames: set[str]) -> tuple[list[str], list[str]]:
    """The Debian packages that hold these libraries here (and the sonames no package holds)."""
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    want_64 = arch() in ("amd64", "arm64", "ppc64el", "riscv64", "s390x")
    where: dict[str, str] = {}
    for line in cache.splitlines():
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m and (not want_64 or "64" in m.group(2)):  # "(libc6,x86-64)"; 32-bit entries say "(libc6)"
            where.setdefault(m.group(1), m.group(3))
    packages, missing = set(), []
    for soname in sorted(sonames):
        path = where.get(soname)
        if path is None:
            missing.append(soname)
            continue
        res = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True, text=True)
        if res.returncode != 0:
            res = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if res.returncode != 0:
            missing.append(soname)
            continue
        packages.add(res.stdout.split(":", 1)[0].strip())
    return sorted(packages), missing


def desk_depends(folder: Path) -> list[str]:
    needed, carried = needed_sonames(folder)
    external = {s for s in needed if s not in carried and not s.startswith("ld-linux")}
    packages, missing = system_packages(external)
    if missing:
        # A library the bundle needs that neither it nor any package here provides: the bundle
        # would not start on a clean machine either. Say which, rather than ship a broken .deb.
        raise SystemExit(f"no Debian package provides {', '.join(missing)} (needed by the bundle)")
    # The bundle's own binaries (Python, the bootloader) were linked against this machine's glibc.
    glibc = os.confstr("CS_GNU_LIBC_VERSION").split()[-1]
    packages = [f"libc6 (>= {glibc})" if p == "libc6" else p for p in packages]
    return packages + DESK_EXTRA_DEPENDS


def _link_tree(src: Path, dest: Path) -> None:
    """The bundle into the package root by hard links where the file system allows (hundreds of
    MB need not be copied to be archived), by copies elsewhere."""
    def link_or_copy(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)

    shutil.copytree(src, dest, symlinks=True, copy_function=link_or_copy)


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def _control(fields: dict[str, str], description: str) -> str:
    lines = [f"{k}: {v}" for k, v in fields.items() if v]
    short, _, long = description.partition("\n")
    lines.append(f"Description: {short}")
    for para in long.strip().splitlines():
        lines.append(" " + (para or "."))
    return "\n".join(lines) + "\n"


def _installed_size(root: Path) -> int:
    return sum(p.lstat().st_size for p in root.rglob("*") if not p.is_symlink() and p.is_file()) // 1024 + 1


def _build(root: Path, out: Path, name: str, version: str, architecture: str) -> Path:
    deb = out / f"{name}_{version}_{architecture}.deb"
    # zstd (dpkg >= 1.21.18, Debian 12, Ubuntu 21.10): nearly xz's size at a fraction of its time.
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zzstd", "-z6", "--build", str(root), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    return deb


def desk_deb(folder: Path, out: Path, version: str) -> Path:
    """The desktop's .deb from the bundle folder; nothing is downloaded when it is installed."""
    architecture = arch()
    with tempfile.TemporaryDirectory(prefix="sc-deb-") as tmp:
        root = Path(tmp) / "root"
        _link_tree(folder, root / DESK_PREFIX)
        _write(root / "usr/bin/sc-desk", f'#!/bin/sh\nexec /{DESK_PREFIX}/sc-desk "$@"\n', 0o755)
        (root / "usr/share/applications").mkdir(parents=True)
        shutil.copy(HERE / "sc-desk.desktop", root / "usr/share/applications/situation-center.desktop")
        icons = ROOT / "resources" / "icons"
        for src, dest in ((icons / "situation-center.png", "usr/share/icons/hicolor/256x256/apps/situation-center.png"),
                          (icons / "situation-center.svg", "usr/share/icons/hicolor/scalable/apps/situation-center.svg")):
            (root / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, root / dest)
        doc = root / "usr/share/doc/situation-center-desk"
        _write(doc / "copyright", "Situation Center of the city of Kurchatov.\n"
                                  "The bundle carries Qt (LGPLv3), FFmpeg via PyAV (LGPL), OpenCV (Apache-2.0) "
                                  "and other libraries under their own licences.\n")
        shutil.copy(HERE / "desk.json.example", doc / "desk.json.example")
        for path in root.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        control = _control({
            "Package": "situation-center-desk", "Version": version, "Architecture": architecture,
            "Maintainer": MAINTAINER, "Section": "misc", "Priority": "optional",
            "Installed-Size": str(_installed_size(root)), "Depends": ", ".join(desk_depends(folder)),
            "Homepage": "https://kurchatov.example/situation-center",
        }, "Situation Center operator desktop (Smart Kurchatov)\n"
           "The dispatcher's workstation of the city situation center: incident queue, live city map,\n"
           "video wall and city systems. Run `sc-desk --self-test --server URL --user U --password-file F`\n"
           "after installing; site settings go in /etc/situation-center/desk.json.")
        _write(root / "DEBIAN/control", control)
        return _build(root, out, "situation-center-desk", version, architecture)


def server_wheel(out: Path) -> Path:
    """The backend (the whole situation_center distribution) as a wheel."""
    for old in out.glob("situation_center-*.whl"):
        old.unlink()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
                   check=True)
    return next(out.glob("situation_center-*.whl"))


def server_requirements(lock: Path = ROOT / "requirements.lock") -> str:
    """The lock without the desktop-only packages: what the server's venv installs (with hashes)."""
    blocks = re.split(r"\n(?=\S)", lock.read_text(encoding="utf-8"))
    kept = []
    for block in blocks:
        m = re.match(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==", block)
        if m and NOT_ON_SERVER.match(m.group(1)):
            continue
        kept.append(block.rstrip("\n"))
    return "\n".join(kept) + "\n"


def server_deb(wheel: Path, out: Path, version: str) -> Path:
    with tempfile.TemporaryDirectory(prefix="sc-deb-") as tmp:
        root = Path(tmp) / "root"
        prefix = root / SERVER_PREFIX
        prefix.mkdir(parents=True)
        shutil.copy(wheel, prefix / wheel.name)
        _write(prefix / "requirements.txt", server_requirements())
        # The command an administrator types gets the service's settings too (when allowed to read them).
        _write(root / "usr/bin/sc-server",
               "#!/bin/sh\n"
               'if [ -z "$SC_DATABASE_URL" ] && [ -r /etc/situation-center/server.env ]; then\n'
               "  set -a; . /etc/situation-center/server.env; set +a\n"
               "fi\n"
               f'exec /{SERVER_PREFIX}/venv/bin/sc-server "$@"\n', 0o755)
        _write(root / "lib/systemd/system/sc-server.service", (HERE / "server" / "sc-server.service").read_text())
        for unit in ("sc-server-backup.service", "sc-server-backup.timer"):
            _write(root / "usr/share/doc/situation-center-server/examples" / unit, (HERE / "server" / unit).read_text())
        _write(root / "etc/situation-center/server.env", (HERE / "server" / "server.env").read_text(), 0o640)
        _write(root / "DEBIAN/conffiles", "/etc/situation-center/server.env\n")
        _write(root / "DEBIAN/postinst", (HERE / "server" / "postinst").read_text().replace("@WHEEL@", wheel.name),
               0o755)
        _write(root / "DEBIAN/prerm", (HERE / "server" / "prerm").read_text(), 0o755)
        _write(root / "DEBIAN/postrm", (HERE / "server" / "postrm").read_text(), 0o755)
        _write(root / "usr/share/doc/situation-center-server/copyright",
               "Situation Center of the city of Kurchatov: the city server.\n")
        for path in root.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        control = _control({
            "Package": "situation-center-server", "Version": version, "Architecture": "all",
            "Maintainer": MAINTAINER, "Section": "net", "Priority": "optional",
            "Installed-Size": str(_installed_size(root)),
            # requires-python >= 3.12: Debian 13 (trixie), Ubuntu 24.04 and later.
            "Depends": "python3 (>= 3.12), python3-venv, adduser, systemd | systemd-sysv",
            "Recommends": "postgresql-client, mosquitto",
            "Suggests": "postgresql",
        }, "Situation Center city server (Smart Kurchatov)\n"
           "The backend of the city situation center as a systemd service (sc-server.service) with its own\n"
           "user and virtual environment; settings in /etc/situation-center/server.env. `sc-server check`\n"
           "verifies a deployment; `sc-server backup DEST` and `restore SRC` keep the database and media.")
        _write(root / "DEBIAN/control", control)
        return _build(root, out, "situation-center-server", version, "all")

