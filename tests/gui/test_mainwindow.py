"""The main window composes every registered panel and keeps the operator's layout."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


def test_main_window_builds_every_registered_panel_and_restores_its_layout(live_server, make_ctx, qtbot):
    from app.mainwindow import MainWindow

    ctx = make_ctx(live_server, role="supervisor")  # a supervisor sees every panel, the archive too
    errors = []
    ctx.errors.reported.connect(lambda where, message: errors.append((where, message)))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert set(window.panels) == {spec.name for spec in ctx.features}, errors
    central = [s.name for s in ctx.features if s.placement.area == "central"]
    assert window.centralWidget() is window.panels[central[0]]
    assert set(window.docks) == {s.name for s in ctx.features if s.placement.area != "central"}

    # "All panels": the control-room arrangement, applied once the window has its size —
    # energy and the video wall side by side below, the archive tabbed with the wall.
    assert window.workspace == "supervisor"  # a supervisor's first start: the review workspace
    window.switch_workspace("all")
    d = window.docks
    qtbot.waitUntil(lambda: window.dockWidgetArea(d["video_wall"]) == Qt.DockWidgetArea.BottomDockWidgetArea,
                    timeout=5_000)
    qtbot.waitUntil(lambda: d["video_wall"].geometry().left() > d["energy"].geometry().right(), timeout=5_000)
    assert d["archive"] in window.tabifiedDockWidgets(d["video_wall"])
    assert window.centralWidget().height() > d["energy"].height()

    # The operator rearranges: the card floats off to the left and the energy dock is closed.
    card = window.docks["incident_card"]
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, card)
    if "energy" in window.docks:
        window.docks["energy"].hide()
    window.close()  # closing saves the layout in the settings
    assert ctx.settings.window_state

    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show()
    assert again.dockWidgetArea(again.docks["incident_card"]) == Qt.DockWidgetArea.LeftDockWidgetArea
    if "energy" in again.docks:
        assert again.docks["energy"].isHidden()
    again.actions["reset_layout"].trigger()
    assert again.dockWidgetArea(again.docks["incident_card"]) == Qt.DockWidgetArea.RightDockWidgetArea
    if "energy" in again.docks:
        assert not again.docks["energy"].isHidden()
    again.close()


SIGNAL_CHILD = r"""
import os, signal, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from app.main import quit_on_signals

class Window(QWidget):
    def closeEvent(self, event):
        print("closed", flush=True)  # where the main window saves its layout
        super().closeEvent(event)

app = QApplication(sys.argv[:1])
quit_on_signals(app)
window = Window()
window.show()
QTimer.singleShot(300, lambda: os.kill(os.getpid(), getattr(signal, sys.argv[1])))
QTimer.singleShot(10_000, lambda: (print("still running", flush=True), app.exit(3)))
sys.exit(app.exec())
"""


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_sigterm_and_ctrl_c_close_the_windows_and_end_the_loop(signame):
    """Qt's loop runs in C++: without the wake-up socket a signal would wait for Python to run."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", SIGNAL_CHILD, signame], cwd=root, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)})
    assert done.stdout.split() == ["closed"] and done.returncode == 0, (done.stdout, done.stderr[-2000:])


EARLY_SIGNAL_CHILD = r"""
import os, signal, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from app.main import quit_on_signals, run_loop

class Window(QWidget):
    def closeEvent(self, event):
        print("closed", flush=True)
        super().closeEvent(event)

app = QApplication(sys.argv[:1])
quit_on_signals(app)
os.kill(os.getpid(), signal.SIGTERM)  # while the desktop starts: its window does not exist yet
time.sleep(0.05)
window = Window()
window.show()
QTimer.singleShot(5_000, lambda: (print("still running", flush=True), app.exit(3)))
sys.exit(run_loop(app))
"""


def test_a_sigterm_during_start_up_still_ends_the_desktop():
    """QApplication.quit() before exec() does nothing: the signal must not be lost with it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", EARLY_SIGNAL_CHILD], cwd=root, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)})
    assert done.stdout.split() == ["closed"] and done.returncode == 0, (done.stdout, done.stderr[-2000:])
