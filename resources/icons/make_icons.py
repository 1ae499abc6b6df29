"""Render situation-center.svg to the PNG (Linux .desktop, window icon) and ICO (Windows exe,
installer) the packages use; run after editing the SVG: python resources/icons/make_icons.py"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(HERE / "situation-center.svg")).render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - painting needs it
    render(256).save(str(HERE / "situation-center.png"))
    # Qt's ICO writer stores one size per file; 256 px is what Windows scales from for every view.
    if not render(256).save(str(HERE / "situation-center.ico"), "ICO"):
        raise SystemExit("Qt has no ICO writer here (PySide6's imageformats plugins)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
