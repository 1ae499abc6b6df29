"""Where files the operator saves go by default: the user's documents folder, never the working directory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def documents_dir() -> Path:
    """The user's documents folder when it exists, else the home folder."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs and Path(docs).is_dir():
        return Path(docs)
    return Path.home()


def suggested_path(name: str) -> str:
    """A save dialog's starting point: ``name`` in the documents folder."""
    return str(documents_dir() / Path(name).name)
