"""Live language switch for texts set once with tr(): every text a widget shows that is a
catalogue entry (an English source or its Russian translation) is looked up again in the
language now installed.

Panels set their static labels once in __init__; rewriting each as a retranslateUi method would
touch every feature. Texts built with format() or computed by models are not catalogue entries:
their owners redraw them in changeEvent(QEvent.LanguageChange) instead.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QStandardItemModel
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QDockWidget, QGroupBox, QHeaderView,
                               QLabel, QLineEdit, QMenu, QPlainTextEdit, QTabWidget, QTableWidget, QTextEdit,
                               QTreeWidget, QWidget)

from app import i18n


@lru_cache(maxsize=1)
def catalogue() -> dict[str, list[tuple[str, str]]]:
    """Every shown form of a message (the English source and each translation) → its (context, source)s."""
    out: dict[str, list[tuple[str, str]]] = {}
    for ts in sorted(i18n.TRANSLATIONS.glob("*.ts")):
        for (context, source), translation in i18n._messages(ts).items():
            if not source:
                continue
            for shown in {source, translation} - {""}:
                keys = out.setdefault(shown, [])
                if (context, source) not in keys:
                    keys.append((context, source))
    return out


def _contexts_of(obj: QObject) -> list[str]:
    """Class names from the object up to its window: tr() contexts, nearest first."""
    names = []
    while obj is not None:
        for cls in type(obj).__mro__:
            if cls.__module__.split(".")[0] in ("app", "widgets", "tests"):
                names.append(cls.__name__)
        obj = obj.parent()
    return names


def again(text: str, where: QObject) -> str | None:
    """The text in the language now installed, or None when it is not a catalogue entry."""
    if not text:
        return None
    keys = catalogue().get(text)
    if not keys:
        return None
    if len(keys) > 1:
        near = _contexts_of(where)
        keys = sorted(keys, key=lambda k: near.index(k[0]) if k[0] in near else len(near))
    context, source = keys[0]
    new = QCoreApplication.translate(context, source)
    return None if new == text else new


def _set(get, put, where) -> None:
    new = again(get(), where)
    if new is not None:
        put(new)


def retranslate(root: QWidget) -> None:
    """Look every static text under root (itself included) up again in the current language."""
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        _set(w.toolTip, w.setToolTip, w)
        if w.isWindow() or isinstance(w, QDockWidget):
            _set(w.windowTitle, w.setWindowTitle, w)
        if isinstance(w, (QLabel, QAbstractButton)):
            _set(w.text, w.setText, w)
        if isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
            _set(w.placeholderText, w.setPlaceholderText, w)
        if isinstance(w, QGroupBox):
            _set(w.title, w.setTitle, w)
        if isinstance(w, QMenu):
            _set(w.title, w.setTitle, w)
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                _set(lambda i=i: w.tabText(i), lambda t, i=i: w.setTabText(i, t), w)
                _set(lambda i=i: w.tabToolTip(i), lambda t, i=i: w.setTabToolTip(i, t), w)
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                _set(lambda i=i: w.itemText(i), lambda t, i=i: w.setItemText(i, t), w)
        if isinstance(w, QTreeWidget):
            head = w.headerItem()
            for c in range(head.columnCount()):
                _set(lambda c=c: head.text(c), lambda t, c=c: head.setText(c, t), w)
        if isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                item = w.horizontalHeaderItem(c)
                if item is not None:
                    _set(item.text, item.setText, w)
        elif isinstance(w, QAbstractItemView) and not isinstance(w, QHeaderView):
            model = w.model()
            if isinstance(model, QStandardItemModel):  # column titles set once with setHorizontalHeaderLabels
                for c in range(model.columnCount()):
                    item = model.horizontalHeaderItem(c)
                    if item is not None:
                        _set(item.text, item.setText, w)
    for a in root.findChildren(QAction):
        _set(a.text, a.setText, a)
        _set(a.statusTip, a.setStatusTip, a)
        _set(a.toolTip, a.setToolTip, a)
