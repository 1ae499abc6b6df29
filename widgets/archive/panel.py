"""The archive player panel: up to 4 cameras on one timeline, audited playback, export."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QKeySequence, QPainter, QPixmap, QPolygonF, QShortcut
from PySide6.QtWidgets import (QComboBox, QDockWidget, QFrame, QGridLayout, QHBoxLayout, QInputDialog, QLabel,
                               QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget)

from backend_client.cameras import CamerasApi
from backend_client.recordings import RecordingsApi
from backend_client.schemas.recordings import PlaybackOut, Timeline
from widgets.archive.decoder import CameraDecoder, FrameSignals, SegmentRef
from widgets.archive.export import ExportDialog
from widgets.archive.timeline import Lane, TimelineWidget, local
from widgets.archive.view import VideoView

log = logging.getLogger(__name__)
MAX_CAMERAS = 4
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
DAY = 86400.0
FAST = 4.0            # from this speed on, playback shows key frames only (what the eye can follow)
FRAME = 0.04          # a frame step when the stream does not say otherwise (25 fps)
TICK_MS = 40
LIVE_WINDOW = 3.0     # a request for the present moment comes from live video ...
LIVE_BACK = 300.0     # ... and opens 5 minutes back (the newest segment is still being written)
GROUP_WINDOW = 0.5    # seconds: archive requests for one moment this close together open side by side


GLYPHS = ("play", "pause", "skip_back", "skip_fwd")


def glyph_icon(kind: str) -> QIcon:
    """Transport icons drawn light on transparent, so they read on the dark theme."""
    pm = QPixmap(32, 32)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#e3e6eb"))
    if kind == "play":
        p.drawPolygon(QPolygonF([QPointF(9, 6), QPointF(26, 16), QPointF(9, 26)]))
    elif kind == "pause":
        p.drawRect(8, 7, 6, 18)
        p.drawRect(18, 7, 6, 18)
    elif kind == "skip_back":
        p.drawRect(6, 7, 4, 18)
        p.drawPolygon(QPolygonF([QPointF(26, 6), QPointF(11, 16), QPointF(26, 26)]))
    else:
        p.drawRect(22, 7, 4, 18)
        p.drawPolygon(QPolygonF([QPointF(6, 6), QPointF(21, 16), QPointF(6, 26)]))
    p.end()
    return QIcon(pm)


def _ts(d: datetime) -> float:
    return d.timestamp()


def _dt(t: float) -> datetime:
    return datetime.fromtimestamp(t, timezone.utc)


class ArchivePanel(QWidget):
    position_changed = Signal(float)

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.api = ctx.service(RecordingsApi)
        self.cameras_api = ctx.service(CamerasApi)
        self.camera_ids: list[int] = []
        self.camera_names: dict[int, str] = {}
        self.timelines: dict[int, Timeline] = {}
        self.permit: PlaybackOut | None = None
        self.reason = ""
        self.position = time.time()
        self.speed = 1.0
        self.direction = 0           # -1 backwards, 0 paused, +1 forwards
        self._seq = 0
        self._pending_permit = False
        self._last_tick = time.monotonic()
        self._last_open: tuple[str, float] = ("", 0.0)
        self.export_dialog: ExportDialog | None = None
        self.signals = FrameSignals()
        self.signals.frame.connect(self._on_frame)
        self.signals.no_video.connect(self._on_no_video)
        self.signals.failed.connect(lambda slot, msg: self.ctx.bus.status_message.emit(msg))
        self.decoders: list[CameraDecoder] = []
        self._build()
        self._clock = QTimer(self)
        self._clock.setInterval(TICK_MS)
        self._clock.timeout.connect(self._tick)
        self._reload = QTimer(self)            # coalesces timeline reloads while zooming/dragging
        self._reload.setSingleShot(True)
        self._reload.setInterval(200)
        self._reload.timeout.connect(self._load_timelines)
        self._fresh = QTimer(self)             # new segments close every minute: keep "now" current
        self._fresh.setInterval(30_000)
        self._fresh.timeout.connect(self._refresh_recent)
        self._fresh.start()
        ctx.bus.archive_requested.connect(self.open_at)
        ctx.tasks.run(self.cameras_api.list, on_done=self._cameras_loaded, what="cameras")

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(6, 6, 6, 6)
        root.setSpacing(6)
        bar = QHBoxLayout()
        self.camera_combo = QComboBox()
        self.camera_combo.setMinimumWidth(220)
        self.add_button = QPushButton(self.tr("Add camera"))
        self.add_button.setToolTip(self.tr("Play up to 4 cameras in step on one timeline"))
        self.add_button.clicked.connect(self._add_selected)
        self.switch_button = QPushButton(self.tr("Show"))
        self.switch_button.setToolTip(self.tr("Switch to this camera, keeping the time"))
        self.switch_button.clicked.connect(self._switch_selected)
        self.clear_button = QPushButton(self.tr("Remove extra cameras"))
        self.clear_button.setToolTip(self.tr("Keep only the first camera"))
        self.clear_button.clicked.connect(lambda: self.set_cameras(self.camera_ids[:1]))
        self.bookmark_button = QPushButton(self.tr("Bookmark"))
        self.bookmark_button.clicked.connect(self._ask_bookmark)
        self.lock_button = QPushButton(self.tr("Keep as evidence"))
        self.lock_button.setToolTip(self.tr("Keep ±5 minutes around this moment past retention"))
        self.lock_button.clicked.connect(self._lock_here)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(self.open_export)
        for w in (self.camera_combo, self.switch_button, self.add_button, self.clear_button):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.bookmark_button, self.lock_button, self.export_button):
            bar.addWidget(w)
        root.addLayout(bar)

        self.reason_bar = QFrame()
        self.reason_bar.setObjectName("archiveReasonBar")
        self.reason_bar.setStyleSheet("#archiveReasonBar { background: #2a2f39; border: 1px solid #f5a524;"
                                      " border-radius: 4px; }")
        rl = QHBoxLayout(self.reason_bar)
        self.reason_label = QLabel(self.tr("Viewing recordings is logged. Why are you viewing them?"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("Reason (incident number, request, check)"))
        self.reason_edit.returnPressed.connect(self.confirm_reason)
        self.reason_button = QPushButton(self.tr("Start playback"))
        self.reason_button.clicked.connect(self.confirm_reason)
        rl.addWidget(self.reason_label)
        rl.addWidget(self.reason_edit, 1)
        rl.addWidget(self.reason_button)
        self.reason_bar.hide()
        root.addWidget(self.reason_bar)

        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        self.views: list[VideoView] = []
        for i in range(MAX_CAMERAS):
            v = VideoView()
            v.resized.connect(lambda w, h, i=i: self._view_resized(i, w, h))
            v.hide()
            self.views.append(v)
            self.grid.addWidget(v, i // 2, i % 2)
        root.addLayout(self.grid, 1)

        transport = QHBoxLayout()

        def tool(text, tip: str, slot) -> QToolButton:
            b = QToolButton()
            if text in GLYPHS:
                b.setIcon(glyph_icon(text))
            else:
                b.setText(text)
            b.setToolTip(tip)
            b.setMinimumWidth(34)
            b.clicked.connect(slot)
            transport.addWidget(b)
            return b

        self.prev_event_button = tool("skip_back", self.tr("Previous event or bookmark"), self.previous_event)
        self.reverse_button = tool("◀", self.tr("Play backwards"), lambda: self.play(-1))
        self.step_back_button = tool("◀|", self.tr("One frame back"), lambda: self.step(-1))
        self.pause_button = tool("pause", self.tr("Pause"), self.pause)
        self.step_button = tool("|▶", self.tr("One frame forward"), lambda: self.step(1))
        self.play_button = tool("play", self.tr("Play"), lambda: self.play(1))
        self.next_event_button = tool("skip_fwd", self.tr("Next event or bookmark"), self.next_event)
        self.speed_combo = QComboBox()
        for s in SPEEDS:
            self.speed_combo.addItem({0.25: "¼×", 0.5: "½×"}.get(s, f"{s:g}×"), s)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_combo.currentIndexChanged.connect(lambda i: self.set_speed(SPEEDS[i]))
        self.speed_combo.setToolTip(self.tr("Playback speed"))
        transport.addWidget(self.speed_combo)
        self.time_label = QLabel()
        self.time_label.setMinimumWidth(190)
        transport.addWidget(self.time_label)
        transport.addStretch(1)
        for text, tip, span in ((self.tr("5 min"), self.tr("Show 5 minutes"), 300),
                                (self.tr("1 h"), self.tr("Show an hour"), 3600),
                                (self.tr("1 d"), self.tr("Show a day"), DAY),
                                (self.tr("7 d"), self.tr("Show a week"), 7 * DAY)):
            tool(text, tip, lambda _=False, s=span: self.timeline.set_view(self.position - s / 2,
                                                                          self.position + s / 2))
        tool("−", self.tr("Zoom out"), lambda: self.timeline.zoom(1.6))
        tool("+", self.tr("Zoom in"), lambda: self.timeline.zoom(1 / 1.6))
        root.addLayout(transport)

        self.timeline = TimelineWidget()
        self.timeline.seek_requested.connect(self.seek)
        self.timeline.view_changed.connect(self._view_changed)
        root.addWidget(self.timeline)
        self.legend = QLabel(self.tr("green: recorded · dark red: gap · orange: motion · red: lost signal · "
                                     "blue flag: bookmark"))
        self.legend.setStyleSheet("color: #9aa2b1;")
        root.addWidget(self.legend)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.toggle_play)
        QShortcut(QKeySequence(Qt.Key.Key_Period), self, lambda: self.step(1))
        QShortcut(QKeySequence(Qt.Key.Key_Comma), self, lambda: self.step(-1))
        self._update_label()

    # ------------------------------------------------------------------ cameras
    def _cameras_loaded(self, cams) -> None:
        self.camera_combo.clear()
        for c in cams:
            self.camera_names[c.id] = c.name
            self.camera_combo.addItem(c.name, c.id)
        self._retitle()

    def _selected_camera(self) -> int | None:
        return self.camera_combo.currentData()

    def _add_selected(self) -> None:
        cid = self._selected_camera()
        if cid is not None and cid not in self.camera_ids and len(self.camera_ids) < MAX_CAMERAS:
            self.set_cameras(self.camera_ids + [cid])

    def _switch_selected(self) -> None:
        cid = self._selected_camera()
        if cid is not None:
            rest = [c for c in self.camera_ids[1:] if c != cid]
            self.set_cameras([cid] + rest)

    def open_at(self, camera_id: int, iso_time: str) -> None:
        """From the camera list, a wall tile or an incident card: this camera at this moment.

        Requests for the same moment that arrive together (an incident card asking for the
        cameras near it) open side by side, up to 4, on one timeline.
        """
        now = time.monotonic()
        if (iso_time == self._last_open[0] and now - self._last_open[1] < GROUP_WINDOW
                and camera_id not in self.camera_ids and len(self.camera_ids) < MAX_CAMERAS):
            self._last_open = (iso_time, now)
            self.set_cameras(self.camera_ids + [camera_id])
            return
        self._last_open = (iso_time, now)
        try:
            t = datetime.fromisoformat(iso_time.replace("Z", "+00:00"))
            if t.tzinfo is None:
                t = t.astimezone()
        except ValueError:
            t = datetime.now(timezone.utc)
        self.reason = ""          # a new review, a new reason
        self.permit = None
        self._raise_dock()
        self.position = t.timestamp()
        if abs(time.time() - self.position) < LIVE_WINDOW:
            self.position -= LIVE_BACK     # asked from a live tile: "go back 5 minutes"
        self.pause()
        self.timeline.set_view(self.position - DAY / 2, self.position + DAY / 2)
        self.set_cameras([camera_id])

    def _raise_dock(self) -> None:
        w = self.parentWidget()
        while w is not None and not isinstance(w, QDockWidget):
            w = w.parentWidget()
        if w is not None:
            w.show()
            w.raise_()

    def set_cameras(self, camera_ids: list[int]) -> None:
        camera_ids = list(dict.fromkeys(camera_ids))[:MAX_CAMERAS]
        for d in self.decoders:
            d.stop()
        self.decoders = []
        self.camera_ids = camera_ids
        headers = self.api.segment_headers()
        for slot, cid in enumerate(camera_ids):
            dec = CameraDecoder(slot, self.signals, headers)
            dec.fit = (self.views[slot].width(), self.views[slot].height())
            dec.start()
            self.decoders.append(dec)
        for i, v in enumerate(self.views):
            v.setVisible(i < len(camera_ids))
            v.clear()
        self._retitle()
        if self.permit is not None and not set(camera_ids) <= set(self.permit.camera_ids):
            self.permit = None
        self._load_timelines()
        self._ensure_permit()

    def _view_resized(self, slot: int, w: int, h: int) -> None:
        if slot < len(self.decoders):
            self.decoders[slot].fit = (w, h)

    def _retitle(self) -> None:
        for i, cid in enumerate(self.camera_ids):
            self.views[i].title = self.camera_names.get(cid, self.tr("Camera {0}").format(cid))
            self.views[i].update()

    # ------------------------------------------------------------------ data
    def _window(self) -> tuple[float, float]:
        span = self.timeline.view_end - self.timeline.view_start
        return self.timeline.view_start - span / 2, self.timeline.view_end + span / 2

    def _load_timelines(self) -> None:
        start, end = self._window()
        for cid in self.camera_ids:
            self.ctx.tasks.run(self.api.timeline, cid, _dt(start), _dt(end),
                               on_done=self._timeline_loaded, what="archive timeline")

    def _view_changed(self, start: float, end: float) -> None:
        have = [tl for tl in self.timelines.values() if tl.camera_id in self.camera_ids]
        if not have or any(_ts(tl.start) > start or _ts(tl.end) < end for tl in have):
            self._reload.start()

    def _refresh_recent(self) -> None:
        if self.camera_ids and self.timeline.view_end > time.time() - 300:
            self._load_timelines()

    def _timeline_loaded(self, tl: Timeline) -> None:
        if tl.camera_id not in self.camera_ids:
            return
        self.timelines[tl.camera_id] = tl
        self._apply_segments()
        lanes = []
        for cid in self.camera_ids:
            t = self.timelines.get(cid)
            lane = Lane(cid, self.camera_names.get(cid, str(cid)))
            if t is not None:
                lane.ranges = [(_ts(r.start), _ts(r.end)) for r in t.ranges]
                now = time.time()
                lane.events = [(e.kind, _ts(e.start), _ts(e.end) if e.end else now) for e in t.events]
                lane.bookmarks = [(_ts(b.at), b.note) for b in t.bookmarks]
                lane.locks = [(_ts(lk.start), _ts(lk.end)) for lk in t.locks]
            lanes.append(lane)
        self.timeline.set_lanes(lanes)
        self.timeline.set_position(self.position)
        self._show_now()

    def _apply_segments(self) -> None:
        if self.permit is None:
            return
        for slot, cid in enumerate(self.camera_ids):
            tl = self.timelines.get(cid)
            if tl is not None and slot < len(self.decoders):
                self.decoders[slot].set_segments([SegmentRef(s.id, _ts(s.start), _ts(s.end),
                                                             self.api.segment_url(s.id, self.permit.id))
                                                  for s in tl.segments])

    # ------------------------------------------------------------------ the audited permit
    def _ensure_permit(self) -> bool:
        if not self.camera_ids:
            return False
        p = self.permit
        if p is not None and set(self.camera_ids) <= set(p.camera_ids) and \
                _ts(p.start) <= self.position <= _ts(p.end):
            return True
        if not self.reason:
            self.reason_bar.show()
            self.reason_edit.setFocus()
            for v in self.views[:len(self.camera_ids)]:
                v.show_message(self.tr("Give the reason to start playback"))
            return False
        if not self._pending_permit:
            self._pending_permit = True
            start, end = self.position - DAY / 2, self.position + DAY / 2
            self.ctx.tasks.run(self.api.start_playback, list(self.camera_ids), _dt(start), _dt(end),
                               _dt(self.position), self.reason, on_done=self._permitted,
                               on_error=self._permit_failed, what="start playback")
        return False

    def confirm_reason(self) -> None:
        text = self.reason_edit.text().strip()
        if len(text) < 3:
            self.reason_label.setText(self.tr("The reason is required (at least 3 characters)."))
            return
        self.reason = text
        self.reason_bar.hide()
        self.play_button.setFocus()   # the box goes away; Space plays from here
        self._ensure_permit()

    def _permitted(self, permit: PlaybackOut) -> None:
        self._pending_permit = False
        self.permit = permit
        self._apply_segments()
        self._show_now()
        if self.direction:
            self._last_tick = time.monotonic()
            self._clock.start()

    def _permit_failed(self, exc: BaseException) -> None:
        self._pending_permit = False
        self.ctx.errors.report(self.tr("Start playback"), exc)

    # ------------------------------------------------------------------ transport
    def seek(self, t: float) -> None:
        self.position = t
        self.timeline.set_position(t)
        self._show_now()

    def play(self, direction: int) -> None:
        self.direction = direction
        self._last_tick = time.monotonic()
        if self._ensure_permit() or self.reason:
            self._clock.start()

    def pause(self) -> None:
        was_fast = self.direction and self.speed >= FAST
        self.direction = 0
        self._clock.stop()
        self._update_label()
        if was_fast:
            self._show_now()     # fast playback showed key frames; settle on the exact frame

    def toggle_play(self) -> None:
        self.pause() if self.direction else self.play(1)

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        self._update_label()

    def step(self, frames: int) -> None:
        """Exactly one frame on: from the frame on screen, not from the clock (which sits between frames)."""
        self.pause()
        shown = self.views[0].frame_time if self.camera_ids else None
        base = shown if shown is not None else self.position
        self.seek(base + frames * FRAME + 0.001)

    def _marks(self) -> list[float]:
        return self.timeline.events_sorted()

    def next_event(self) -> None:
        later = [t for t in self._marks() if t > self.position + 0.5]
        if later:
            self.seek(later[0])

    def previous_event(self) -> None:
        earlier = [t for t in self._marks() if t < self.position - 0.5]
        if earlier:
            self.seek(earlier[-1])

    def _tick(self) -> None:
        now = time.monotonic()
        dt, self._last_tick = now - self._last_tick, now
        if not self.direction:
            return
        t = self.position + self.direction * self.speed * dt
        t = self._skip_gap(t)
        self.position = t
        self.timeline.set_position(t)
        self._show_now()

    def _skip_gap(self, t: float) -> float:
        """Playing into a gap jumps to where recording goes on (or back to where it stopped)."""
        ranges = sorted(r for lane in self.timeline.lanes for r in lane.ranges)
        if not ranges or any(a <= t < b for a, b in ranges):
            return t
        if self.direction > 0:
            nxt = [a for a, _ in ranges if a > t]
            if nxt:
                return nxt[0]
            self.pause()
        else:
            prev = [b for _, b in ranges if b <= t]
            if prev:
                return prev[-1] - FRAME
            self.pause()
        return t

    def _show_now(self) -> None:
        self._update_label()
        self.position_changed.emit(self.position)
        if not self._ensure_permit():
            return
        self._seq += 1
        exact = not self.direction or self.speed < FAST
        for d in self.decoders:
            d.request(self.position, self._seq, exact)

    def _on_frame(self, slot: int, t: float, image: QImage, seq: int) -> None:
        if slot < len(self.camera_ids):
            self.views[slot].show_frame(t, image)

    def _on_no_video(self, slot: int, t: float, seq: int) -> None:
        if slot < len(self.camera_ids):
            self.views[slot].show_message(self.tr("No recording at this moment"))

    def _update_label(self) -> None:
        state = {1: "▶", -1: "◀", 0: "‖"}[self.direction]
        speed = {0.25: "¼×", 0.5: "½×"}.get(self.speed, f"{self.speed:g}×")
        self.time_label.setText(f"{state} {speed}  {local(self.position):%d.%m.%Y %H:%M:%S}")

    # ------------------------------------------------------------------ bookmarks, evidence, export
    def _ask_bookmark(self) -> None:
        if not self.camera_ids:
            return
        note, ok = QInputDialog.getText(self, self.tr("Bookmark"), self.tr("Note for this moment:"))
        if ok:
            self.add_bookmark(note)

    def add_bookmark(self, note: str) -> None:
        cid = self.camera_ids[0]
        self.ctx.tasks.run(self.api.add_bookmark, cid, _dt(self.position), note,
                           on_done=lambda _b: self._load_timelines(), what="bookmark")

    def _lock_here(self) -> None:
        if not self.camera_ids or not self.reason:
            self.ctx.bus.status_message.emit(self.tr("Start playback with a reason first"))
            return
        cid = self.camera_ids[0]
        self.ctx.tasks.run(self.api.add_lock, cid, _dt(self.position - 300), _dt(self.position + 300), self.reason,
                           on_done=lambda _l: self._load_timelines(), what="evidence lock")

    def attach_window(self, window) -> None:
        action = window.actions.get("archive_export")
        if action is not None:
            action.triggered.connect(self.open_export)
            self.export_button.setToolTip(self.tr("Export a clip of the first camera ({0})").format(
                action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)))

    def open_export(self) -> ExportDialog | None:
        if not self.camera_ids:
            self.ctx.bus.status_message.emit(self.tr("Open a camera in the archive first"))
            return None
        cid = self.camera_ids[0]
        dlg = ExportDialog(self.ctx, self.api, cid, self.camera_names.get(cid, str(cid)),
                           self.position - 30, self.position + 30, self.reason, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        dlg.start_button.setFocus()
        self.export_dialog = dlg
        dlg.destroyed.connect(lambda: setattr(self, "export_dialog", None))
        return dlg

    def shutdown(self) -> None:
        self._clock.stop()
        for d in self.decoders:
            d.stop()
        for d in self.decoders:
            d.join(2)
        self.decoders = []
