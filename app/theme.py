"""Applies a theme: the ordered QSS parts with @variables filled in, and a matching QPalette."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from widgets.common.palette import THEMES

THEME_DIR = Path(__file__).resolve().parent.parent / "resources" / "themes"


def stylesheet(name: str) -> str:
    variables = THEMES.get(name, THEMES["dark"])
    parts = [THEME_DIR / "base.qss", *sorted(p for p in THEME_DIR.glob("*.qss") if p.name != "base.qss")]
    css = "\n".join(p.read_text(encoding="utf-8") for p in parts)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    # Longest names first so @bg_alt is not eaten by @bg.
    for key in sorted(variables, key=len, reverse=True):
        css = css.replace("@" + key, variables[key])
    leftover = re.findall(r"@[a-z_]+", css)
    if leftover:
        raise ValueError(f"unknown theme variables: {sorted(set(leftover))}")
    return css


def apply(app: QApplication, name: str = "dark") -> None:
    v = THEMES.get(name, THEMES["dark"])
    app.setStyle("Fusion")
    pal = QPalette()
    for role, key in ((QPalette.ColorRole.Window, "bg"), (QPalette.ColorRole.Base, "panel"),
                      (QPalette.ColorRole.AlternateBase, "bg_alt"), (QPalette.ColorRole.Text, "text"),
                      (QPalette.ColorRole.WindowText, "text"), (QPalette.ColorRole.Button, "raised"),
                      (QPalette.ColorRole.ButtonText, "text"), (QPalette.ColorRole.Highlight, "selection"),
                      (QPalette.ColorRole.HighlightedText, "text"), (QPalette.ColorRole.ToolTipBase, "panel"),
                      (QPalette.ColorRole.ToolTipText, "text"), (QPalette.ColorRole.PlaceholderText, "text_dim")):
        pal.setColor(role, QColor(v[key]))
    app.setPalette(pal)
    app.setStyleSheet(stylesheet(name))
    app.setProperty("sc_theme", name)
