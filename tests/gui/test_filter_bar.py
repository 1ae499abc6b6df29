"""The queue's filter bar, narrowed: every label whole (it wraps), full texts in tooltips, a truthful counter."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QLabel, QToolButton

from tests.gui.incident_helpers import make_incident, other_client

# What the dock's frame gives a panel before it scrolls (README, "A shift at the console").
DOCK_SCROLLS_BELOW = 280


def _texts_cut(bar) -> list[str]:
    """Labels of the bar drawn narrower than their text, or reaching past the bar's edge."""
    cut = []
    for w in bar.findChildren(QAbstractButton) + bar.findChildren(QLabel):
        if not w.isVisibleTo(bar) or not w.text():
            continue
        text = w.text().replace("&", "")
        need = QFontMetrics(w.font()).horizontalAdvance(text)
        if isinstance(w, QCheckBox):
            need += 20  # the box itself
        elif isinstance(w, QToolButton):
            need += 8
        if need > w.width() or w.width() < w.sizeHint().width() or w.geometry().right() > bar.width():
            cut.append(f"{text!r}: {w.width()} px for {max(need, w.sizeHint().width())}")
    return cut


@pytest.mark.parametrize("language", ["ru", "en"])
def test_narrowest_panel_wraps_the_filter_bar_and_cuts_no_label(live_server, make_ctx, qtbot, qapp, language):
    from app import i18n, theme
    from backend_client.schemas.incidents import CATEGORY_NAMES, OPEN_STATUSES
    from widgets.common import incident_labels as labels
    from widgets.incidents.panel import IncidentQueuePanel

    other = other_client(live_server)
    for _ in range(3):
        make_incident(other)
    theme.apply(qapp, "dark")
    i18n.install(qapp, language)
    try:
        ctx = make_ctx(live_server)
        panel = IncidentQueuePanel(ctx)
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitUntil(lambda: panel.proxy.rowCount() == 3, timeout=10_000)
        bar = panel.filter_bar
        assert bar.status.selected() == set(OPEN_STATUSES)  # shown as its preset's name, "Открытые"
        # The longest texts it can show: the widest category chosen, a map area, a large count.
        longest = max(CATEGORY_NAMES, key=lambda c: QFontMetrics(bar.category.font()).horizontalAdvance(
            labels.category_short(c)))
        bar.category.set_selected({longest})
        bar.set_area([(51.66, 35.64), (51.67, 35.64), (51.67, 35.66)])
        bar.set_counts(12_345, 100_000)
        narrowest = panel.minimumSizeHint().width()  # the dock scrolls rather than go below it
        for width in sorted({narrowest, max(narrowest, DOCK_SCROLLS_BELOW)}):
            panel.resize(width, 600)
            qtbot.waitUntil(lambda: panel.width() == width, timeout=2_000)
            qapp.processEvents()
            assert bar.width() <= width and bar.height() >= bar.heightForWidth(bar.width())
            assert _texts_cut(bar) == [], (width, _texts_cut(bar))
            assert bar.height() > bar.search.height() * 2  # it wrapped rather than squeezed
        # The full name is a hover away; the counter says what it counts.
        assert labels.category_name(longest) in bar.category.toolTip()
        assert "12\u2009345" in bar.count_label.text() and "100\u2009000" in bar.count_label.text()
        assert "100\u2009000" in bar.count_label.toolTip()
        panel.resize(1400, 600)
        qapp.processEvents()
        assert bar.height() < bar.search.height() * 2 + 12  # wide: one row again
        panel.shutdown()
    finally:
        i18n.install(qapp, "en")
        qapp.setStyleSheet("")
