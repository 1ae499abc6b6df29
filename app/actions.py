"""Menu and toolbar actions with their shortcuts, declared in one place."""

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
    ActionSpec("new_incident", QT_TRANSLATE_NOOP("Actions", "New incident"), "Ctrl+N"),
    ActionSpec("refresh", QT_TRANSLATE_NOOP("Actions", "Refresh"), "F5"),
    ActionSpec("find", QT_TRANSLATE_NOOP("Actions", "Find incident"), "Ctrl+F"),
    ActionSpec("acknowledge", QT_TRANSLATE_NOOP("Actions", "Acknowledge"), "Ctrl+K"),
    ActionSpec("start_work", QT_TRANSLATE_NOOP("Actions", "Start work"), "Ctrl+W"),
    ActionSpec("resolve", QT_TRANSLATE_NOOP("Actions", "Resolve"), "Ctrl+R"),
    ActionSpec("assign", QT_TRANSLATE_NOOP("Actions", "Assign…"), "Ctrl+Shift+A"),
    ActionSpec("comment", QT_TRANSLATE_NOOP("Actions", "Add comment…"), "Ctrl+M"),
    ActionSpec("ack_alert", QT_TRANSLATE_NOOP("Actions", "Acknowledge alert"), "Ctrl+Space"),
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
