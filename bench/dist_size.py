"""Sizes of what `make dist` builds and what takes the space in the desktop bundle.

    python bench/dist_size.py [DIST_DIR]      # default: dist/ (after make dist), else the cached bundle

Prints the bundle's size on disk, each package's size, and the bundle's biggest parts grouped
by what they are for (sizes do not depend on the machine's load; the load average is printed
as every bench does).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (label, pattern on the path inside _internal/) — first match wins.
GROUPS = [
    ("Qt WebEngine (Chromium: library, resources, locales, helper)", r"QtWebEngine|WebEngine|qtwebengine|Qt/resources/"),
    ("FFmpeg (PyAV's libraries, Qt Multimedia's copy)", r"^av(\.libs)?/|libav|libsw|QtMultimedia|plugins/multimedia"),
    ("OpenCV (cv2 and its libraries)", r"^cv2/|opencv"),
    ("ICU (Unicode data Qt needs)", r"libicu"),
    ("Qt (core, GUI, widgets, Quick, plugins, translations)", r"^PySide6/|^shiboken6/"),
    ("NumPy", r"^numpy"),
    ("Python runtime and standard library", r"libpython|^python3|^base_library|^lib-dynload"),
    ("Our code and resources (map, city, translations, themes, sounds)", r"^resources/|^xstatic/|^folium/|^branca/"),
]


def du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mib(n: int) -> str:
    return f"{n / 1024 ** 2:,.0f} MiB"


def breakdown(bundle: Path) -> list[tuple[str, int]]:
    internal = bundle / "_internal"
    totals: dict[str, int] = {}
    for path in internal.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(internal).as_posix()
        label = next((name for name, rx in GROUPS if re.search(rx, rel)), "other Python packages and libraries")
        totals[label] = totals.get(label, 0) + path.stat().st_size
    return sorted(totals.items(), key=lambda kv: -kv[1])


def main(argv: list[str]) -> int:
    dist = Path(argv[0]) if argv else ROOT / "dist"
    bundle = dist / "sc-desk"
    if not bundle.is_dir():
        from installer.build import bundle as cached_bundle

        bundle = cached_bundle()
    size = du(bundle)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (sizes do not depend on it)")
    print(f"desktop bundle {bundle}: {mib(size)} in {sum(1 for p in bundle.rglob('*') if p.is_file())} files")
    for label, n in breakdown(bundle):
        print(f"  {mib(n):>10}  {n / size:4.0%}  {label}")
    for pattern in ("*.deb", "*.whl", "*setup.exe"):
        for pkg in sorted(dist.glob(pattern)):
            print(f"{pkg.name}: {mib(pkg.stat().st_size) if pkg.stat().st_size > 1024 ** 2 else f'{pkg.stat().st_size / 1024:.0f} KiB'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
