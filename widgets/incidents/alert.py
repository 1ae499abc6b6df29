"""The critical-incident alert: a red banner and a repeated chime until the operator acknowledges."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy

from backend_client.schemas.incidents import IncidentOut
from widgets.common import incident_labels as labels

log = logging.getLogger(__name__)
SOUND = Path(__file__).resolve().parents[2] / "resources" / "sounds" / "critical_alert.wav"
REPEAT_MS = 15_000  # the chime repeats while nobody has acknowledged, more often each time
FASTEST_MS = 4_000
VOLUMES = (0.6, 0.75, 0.9, 1.0)


class CriticalAlert(QFrame):
    """Hidden until raise_for(); acknowledge() silences it and reports the incidents it covered."""

    acknowledged = Signal(list)  # ids of the incidents the operator has now seen

    def __init__(self, settings, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("criticalAlert")
        self.pending: list[IncidentOut] = []
        self.label = QLabel()
        self.label.setProperty("role", "banner-alert")
        # A long address must not widen the window: the banner clips instead (full text in the tooltip).
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.ack_button = QPushButton(self.tr("Acknowledge (Ctrl+Space)"))
        self.ack_button.setProperty("danger", True)
        self.ack_button.clicked.connect(self.acknowledge)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.ack_button)
        self.setStyleSheet("#criticalAlert { background: #e5484d; }")
        self._repeat = QTimer(self, interval=REPEAT_MS, timeout=self._play)
        self._blink = QTimer(self, interval=600, timeout=self._toggle_blink)
        self._blink_on = False
        self._effect = None
        self.sounds_played = 0
        self.rings = 0  # since the alert was raised: each one louder and sooner
        self.hide()

    @property
    def active(self) -> bool:
        return bool(self.pending)

    def raise_for(self, incident: IncidentOut) -> None:
        if any(i.id == incident.id for i in self.pending):
            return
        self.pending.append(incident)
        self._update_text()
        self.show()
        if not self._repeat.isActive():
            self.rings = 0
            self._repeat.setInterval(REPEAT_MS)
        self._play()
        self._repeat.start()
        self._blink.start()

    def acknowledge(self) -> None:
        if not self.pending:
            return
        ids = [i.id for i in self.pending]
        self.pending.clear()
        self._repeat.stop()
        self._blink.stop()
        if self._effect is not None:
            self._effect.stop()
        self.hide()
        self.acknowledged.emit(ids)

    def _update_text(self) -> None:
        last = self.pending[-1]
        text = self.tr("CRITICAL  {0} · {1} · {2}").format(
            last.number, last.address or f"{last.lat:.5f}, {last.lon:.5f}", labels.category_name(last.category))
        if len(self.pending) > 1:
            text += "   " + self.tr("(+{0} more not acknowledged)").format(len(self.pending) - 1)
        self.label.setText("⚠  " + text)
        self.label.setToolTip(text)

    def _toggle_blink(self) -> None:
        self._blink_on = not self._blink_on
        self.label.setStyleSheet("background: #b3262b;" if self._blink_on else "")

    def _escalate(self) -> None:
        self.rings += 1
        self._repeat.setInterval(max(FASTEST_MS, REPEAT_MS // (self.rings + 1)))
        if self._effect is not None:
            self._effect.setVolume(self.volume())

    def volume(self) -> float:
        return VOLUMES[min(self.rings, len(VOLUMES) - 1)]

    def _play(self) -> None:
        self._escalate()
        if not getattr(self.settings, "alert_sound", True):
            return
        self.sounds_played += 1
        try:
            if self._effect is None and SOUND.exists():
                from PySide6.QtMultimedia import QSoundEffect

                self._effect = QSoundEffect(self)
                # No usable audio output (decoding fails asynchronously): the system bell instead.
                self._effect.statusChanged.connect(
                    lambda: self._effect is not None and self._effect.status() == QSoundEffect.Status.Error
                    and QApplication.beep())
                self._effect.setSource(QUrl.fromLocalFile(str(SOUND)))
                self._effect.setVolume(self.volume())
            if self._effect is not None and self._effect.status() != self._effect.Status.Error:
                self._effect.play()
                return
        except Exception:  # no multimedia backend on this machine: fall back to the system bell
            log.warning("alert sound unavailable; using the system beep", exc_info=True)
            self._effect = None
        QApplication.beep()
