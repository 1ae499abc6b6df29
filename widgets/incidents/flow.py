"""A layout that wraps its widgets onto more rows instead of squeezing their text ("О…е")."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QSizePolicy, QWidgetItem


class FlowLayout(QLayout):
    """Left to right, wrapping; every widget keeps at least its size hint. A row's spare width
    goes to its horizontally expanding widgets (the search field), so a wide bar is one full row."""

    def __init__(self, parent=None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list = []
        self._spacing = spacing

    def addItem(self, item) -> None:
        self._items.append(item)

    def addWidget(self, widget) -> None:  # noqa: N802 (Qt's name)
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, apply=True)

    def sizeHint(self) -> QSize:
        visible = self._visible()
        m = self.contentsMargins()
        width = sum(i.sizeHint().width() for i in visible) + self._spacing * max(0, len(visible) - 1)
        height = max((i.sizeHint().height() for i in visible), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """As narrow as the widest single widget: everything else wraps."""
        m = self.contentsMargins()
        width = max((i.sizeHint().width() for i in self._visible()), default=0)
        return QSize(width + m.left() + m.right(), self.heightForWidth(width + m.left() + m.right()))

    def _visible(self) -> list:
        return [i for i in self._items if not (i.widget() is not None and i.widget().isHidden())]

    def _rows(self, width: int) -> list[list]:
        rows: list[list] = [[]]
        used = 0
        for item in self._visible():
            w = item.sizeHint().width()
            if rows[-1] and used + self._spacing + w > width:
                rows.append([])
                used = 0
            used += (self._spacing if rows[-1] else 0) + w
            rows[-1].append(item)
        return [r for r in rows if r]

    def _place(self, rect: QRect, *, apply: bool) -> int:
        m = self.contentsMargins()
        inner = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        y = inner.y()
        for row in self._rows(inner.width()):
            height = max(i.sizeHint().height() for i in row)
            spare = inner.width() - sum(i.sizeHint().width() for i in row) - self._spacing * (len(row) - 1)
            growing = [i for i in row if i.widget() is not None and i.widget().sizePolicy().horizontalPolicy()
                       in (QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding)]
            x = inner.x()
            for item in row:
                w = item.sizeHint().width()
                if growing and item in growing and spare > 0:
                    w += spare // len(growing)
                if apply:
                    h = item.sizeHint().height()
                    item.setGeometry(QRect(QPoint(x, y + (height - h) // 2), QSize(w, h)))
                x += w + self._spacing
            y += height + self._spacing
        return y - self._spacing - rect.y() + m.bottom() if y > inner.y() else m.top() + m.bottom()
