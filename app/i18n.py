"""Translations: build .qm files, refresh .ts sources, and load them at start-up.

    python -m app.i18n update [AREA ...]  # add new strings to resources/translations/<area>_ru.ts
    python -m app.i18n build    # compile every .ts to .qm (make does this on install)
    python -m app.i18n check    # list visible strings that lack a Russian translation
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("ru",)
_installed: list[QTranslator] = []
log = logging.getLogger(__name__)


def _tool(name: str) -> str:
    exe = Path(sys.executable).parent / name
    return str(exe) if exe.exists() else (shutil.which(name) or name)


def areas() -> dict[str, list[Path]]:
    """Source files per translation area: app/ is "app", widgets/<x>/ is "<x>"."""
    result: dict[str, list[Path]] = {"app": sorted((ROOT / "app").rglob("*.py"))}
    for sub in sorted((ROOT / "widgets").iterdir()):
        if sub.is_dir() and not sub.name.startswith("_"):
            files = sorted(sub.rglob("*.py"))
            if files:
                result[sub.name] = files
    return result


def update(only: list[str] | None = None) -> None:
    """Refresh the .ts sources of the named areas (all when none are named)."""
    known = areas()
    unknown = set(only or ()) - set(known)
    if unknown:
        raise SystemExit(f"unknown translation areas: {', '.join(sorted(unknown))}; known: {', '.join(known)}")
    for area, files in known.items():
        if only and area not in only:
            continue
        for lang in LANGUAGES:
            ts = TRANSLATIONS / f"{area}_{lang}.ts"
            subprocess.run([_tool("pyside6-lupdate"), *map(str, files), "-ts", str(ts),
                            "-target-language", lang, "-locations", "none", "-no-obsolete"], check=True)


def build() -> None:
    for ts in sorted(TRANSLATIONS.glob("*.ts")):
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))],
                       check=True)


def _messages(ts: Path) -> dict[tuple[str, str], str]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            done = tr is not None and (tr.text or "").strip() and tr.get("type") not in ("unfinished", "obsolete", "vanished")
            out[(name, msg.findtext("source"))] = (tr.text or "") if done else ""
    return out


def missing(lang: str = "ru") -> list[tuple[str, str]]:
    """(context, source) pairs found in the code that have no finished translation."""
    have: dict[tuple[str, str], str] = {}
    for ts in TRANSLATIONS.glob(f"*_{lang}.ts"):
        have.update({k: v for k, v in _messages(ts).items() if v})
    files = [str(p) for fs in areas().values() for p in fs]
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / f"probe_{lang}.ts"
        subprocess.run([_tool("pyside6-lupdate"), *files, "-ts", str(probe), "-target-language", lang,
                        "-locations", "none"], check=True, capture_output=True)
        found = _messages(probe)
    return sorted(k for k in found if k not in have)


def choose_language(setting: str) -> str:
    if setting in ("ru", "en"):
        return setting
    return "ru" if QLocale.system().language() == QLocale.Language.Russian else "en"


def _qt_translation_dirs() -> list[str]:
    """Where Qt's own .qm files are: Qt's configured folder, else the one inside the PySide6
    package (a bundle's qt.conf may point Qt elsewhere)."""
    import PySide6

    dirs = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
            str(Path(PySide6.__file__).parent / "Qt" / "translations"),
            str(Path(PySide6.__file__).parent / "translations")]
    return list(dict.fromkeys(d for d in dirs if d and Path(d).is_dir()))


def install(app: QCoreApplication, setting: str = "system") -> str:
    """Load Qt's own and our translations for the chosen language; returns the language.

    Called again at run time (the settings dialog): Qt then sends every window LanguageChange
    and the main window follows at once (app/retranslate.py)."""
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    lang = choose_language(setting)
    QLocale.setDefault(QLocale(QLocale.Language.Russian if lang == "ru" else QLocale.Language.English))
    if lang == "en":
        return lang
    for base in ("qtbase", "qtmultimedia", "qtwebengine"):
        t = QTranslator()
        if any(t.load(f"{base}_{lang}", d) for d in _qt_translation_dirs()):
            app.installTranslator(t)
            _installed.append(t)
        elif base == "qtbase":
            log.warning("Qt's own %s translation not found in %s: Qt's dialogs stay English", lang,
                        ", ".join(_qt_translation_dirs()))
    if not any(TRANSLATIONS.glob(f"*_{lang}.qm")) and any(TRANSLATIONS.glob(f"*_{lang}.ts")):
        build()  # a fresh checkout run without `make`: compile once
    for qm in sorted(TRANSLATIONS.glob(f"*_{lang}.qm")):
        t = QTranslator()
        if t.load(str(qm)):
            app.installTranslator(t)
            _installed.append(t)
    return lang


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "build"
    if cmd == "update":
        update(sys.argv[2:])
    elif cmd == "build":
        build()
    elif cmd == "check":
        gaps = missing()
        for ctx, src in gaps:
            print(f"{ctx}: {src}")
        sys.exit(1 if gaps else 0)
    else:
        sys.exit(__doc__)
