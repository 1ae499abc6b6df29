"""One intersection at a glance: mode, plan, a phase bar with the cycle position, detector lamps."""

from __future__ import annotations

import time

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QFrame, QSizePolicy, QWidget

from backend_client.schemas.signals import ControllerOut, ControllerState, PlanOut
from widgets.common.palette import STATE_COLORS

SIGNAL_COLORS = {"green": "#3ecf6e", "yellow": "#f5c524", "red": "#e5484d", "flashing": "#f5a524",
                 "dark": "#3a3f4b"}
MODE_COLORS = {"coordinated": STATE_COLORS["ok"], "free": STATE_COLORS["info"], "flash": STATE_COLORS["warning"],
               "manual": STATE_COLORS["warning"], "offline": STATE_COLORS["offline"], "unknown": STATE_COLORS["offline"]}
INTERGREEN_S = (3.0, 2.0)  # yellow, red clearance: what the phase bar draws between greens


def stage_segments(plan: PlanOut | None, stages: list[list[int]], cycle: float | None) -> list[tuple[int, str, float]]:
    """(stage, colour, seconds) around the cycle: each stage's green then its yellow and red clearance."""
    if plan is None or not cycle:
        return []
    n = len(stages)
    inter = sum(INTERGREEN_S) * n
    splits = [plan.splits.get(i, 0.0) for i in range(n)]
    scale = (cycle - inter) / sum(splits) if sum(splits) > 0 else 0
    out = []
    for i in plan.sequence or range(n):
        out += [(i, "green", splits[i] * scale), (i, "yellow", INTERGREEN_S[0]), (i, "red", INTERGREEN_S[1])]
    return out


class IntersectionTile(QFrame):
    """Painted tile: name, mode badge, plan and cycle, phase bar with cursor, group and detector lamps."""

    clicked = Signal(str)

    def __init__(self, controller: ControllerOut, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.state: ControllerState | None = controller.state
        self.plan: PlanOut | None = None
        self.selected = False
        self._received = time.monotonic()
        self.setMinimumSize(260, 132)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.texts = {"coordinated": self.tr("coordinated"), "free": self.tr("free"), "flash": self.tr("flash"),
                      "manual": self.tr("manual"), "offline": self.tr("offline"), "unknown": self.tr("no data")}

    def set_state(self, state: ControllerState) -> None:
        self.state = state
        self._received = time.monotonic()
        self.update()

    def set_plan(self, plan: PlanOut | None) -> None:
        self.plan = plan
        self.update()

    def cycle_position(self) -> float | None:
        s = self.state
        if s is None or s.cycle_second is None or not s.cycle_length or s.mode in ("flash", "offline"):
            return None
        return (s.cycle_second + time.monotonic() - self._received) % s.cycle_length

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt)
        self.clicked.emit(self.controller.id)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(QPen(QColor("#3e9eff" if self.selected else "#343a46"), 2 if self.selected else 1))
        p.setBrush(QColor("#1c1f26"))
        p.drawRoundedRect(r, 6, 6)
        s = self.state
        mode = s.mode if s else "unknown"
        # Title and mode badge.
        p.setPen(QColor("#e3e6eb"))
        f = QFont(self.font())
        f.setBold(True)
        p.setFont(f)
        p.drawText(QRectF(10, 6, r.width() - 136, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.controller.name)
        badge = QRectF(r.width() - 122, 7, 114, 18)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(MODE_COLORS.get(mode, "#8b8d98")))
        p.drawRoundedRect(badge, 9, 9)
        p.setPen(QColor("#15171c"))
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, self.texts.get(mode, mode))
        f.setBold(False)
        p.setFont(f)
        p.setPen(QColor("#9aa2b1"))
        plan_text = self.tr("plan {0} · cycle {1} s").format(
            s.plan if s and s.plan is not None else "—", f"{s.cycle_length:.0f}" if s and s.cycle_length else "—")
        if self.plan is not None:
            plan_text += f" · {self.plan.name}"
        if s and s.faults:
            plan_text = "⚠ " + plan_text
        p.drawText(QRectF(10, 26, r.width() - 20, 18), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   plan_text)
        # Phase bar.
        bar = QRectF(10, 48, r.width() - 20, 18)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#2a2f39"))
        p.drawRect(bar)
        segs = stage_segments(self.plan, self.controller.stages, s.cycle_length if s else None)
        total = sum(d for _, _, d in segs)
        x = bar.left()
        if segs and total > 0 and mode not in ("flash", "offline"):
            for stage, colour, dur in segs:
                w = bar.width() * dur / total
                c = QColor(SIGNAL_COLORS[colour])
                c.setAlpha(200 if colour == "green" else 230)
                p.setBrush(c)
                p.drawRect(QRectF(x, bar.top(), w, bar.height()))
                if colour == "green" and w > 30:
                    p.setPen(QColor("#15171c"))
                    p.drawText(QRectF(x, bar.top(), w, bar.height()), Qt.AlignmentFlag.AlignCenter,
                               "Ф " + "+".join(str(ph) for ph in self.controller.stages[stage]))
                    p.setPen(Qt.PenStyle.NoPen)
                x += w
        elif mode == "flash":
            p.setBrush(QColor(SIGNAL_COLORS["flashing"]))
            if int(time.monotonic() * 2) % 2 == 0:
                p.drawRect(bar)
        pos = self.cycle_position()
        if pos is not None and s and s.cycle_length:
            cx = bar.left() + bar.width() * pos / s.cycle_length
            p.setPen(QPen(QColor("#ffffff"), 2))
            p.drawLine(int(cx), int(bar.top() - 3), int(cx), int(bar.bottom() + 3))
        # Groups: a lamp per phase in its state; what comes next.
        y = 72
        x = 10.0
        for g in (s.groups if s else []):
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(SIGNAL_COLORS.get(g.state, "#3a3f4b")))
            p.drawEllipse(QRectF(x, y + 3, 12, 12))
            p.setPen(QColor("#e3e6eb"))
            p.drawText(QRectF(x + 15, y, 34, 18), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       f"Ф{g.phase}")
            x += 46
        p.setPen(QColor("#9aa2b1"))
        if s and s.next_phases and mode not in ("flash", "offline"):
            nxt = self.tr("next: Ф{0}").format("+".join(str(ph) for ph in s.next_phases))
            if pos is not None:
                nxt += " · " + self.tr("{0}/{1} s").format(f"{pos:.0f}", f"{s.cycle_length:.0f}")
            p.drawText(QRectF(x + 6, y, r.width() - x - 14, 18),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, nxt)
        # Detector lamps: lit when occupied, red ring when unhealthy.
        y = 98
        p.setPen(QColor("#9aa2b1"))
        p.drawText(QRectF(10, y, 90, 18), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.tr("detectors"))
        x = 104.0
        for d in (s.detectors if s else []):
            colour = "#ffd34d" if d.on else "#3a3f4b"
            p.setBrush(QColor(colour))
            bad = d.health in ("stuck_on", "stuck_off")
            p.setPen(QPen(QColor("#e5484d" if bad else "#5b6472"), 2 if bad else 1))
            p.drawRect(QRectF(x, y + 4, 10, 10))
            x += 15
            if x > r.width() - 20:
                break
        p.end()
