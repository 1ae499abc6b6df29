"""The shell's own menu actions with their shortcuts; features declare theirs in their FeatureSpec."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QKeySequence


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str          # English, translated in context "Actions"
    shortcut: str = ""
    checkable: bool = False


ACTIONS = [
    ActionSpec("settings", QT_TRANSLATE_NOOP("Actions", "Settings…"), "Ctrl+,"),
    ActionSpec("reset_layout", QT_TRANSLATE_NOOP("Actions", "Reset layout")),
    ActionSpec("fullscreen", QT_TRANSLATE_NOOP("Actions", "Full screen"), "F11", checkable=True),
    ActionSpec("quit", QT_TRANSLATE_NOOP("Actions", "Quit"), "Ctrl+Q"),
]


def build_actions(parent) -> dict[str, QAction]:
    actions = {}
    for spec in ACTIONS:
        a = QAction(QCoreApplication.translate("Actions", spec.text), parent)
        a.setObjectName(f"action_{spec.name}")
        if spec.shortcut:
            a.setShortcut(QKeySequence(spec.shortcut))
        a.setCheckable(spec.checkable)
        actions[spec.name] = a
    return actions
