"""Keeps the tiles' figures: reads each stats endpoint once for all its tiles, again on live events and
on a timer, and remembers the last answer and since when the server has not answered."""

from __future__ import annotations

import logging
import weakref
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from backend_client.errors import ApiError
from backend_client.stats import StatsApi
from widgets.common.feature import TileDef
from widgets.common.protocols import PanelContext

Key = tuple[str, tuple[tuple[str, str], ...]]
log = logging.getLogger(__name__)


def key_of(tile: TileDef) -> Key:
    return tile.endpoint, tile.params


def all_tiles(ctx: PanelContext) -> list[TileDef]:
    """Every registered feature's tiles the user's role may see: the city-wide figures (the room's
    own: incidents, SLA, energy) first, then each system's in registry order."""
    seen: set[str] = set()
    out = []
    for spec in sorted(ctx.features, key=lambda s: s.name != "room"):
        if not ctx.has_role(spec.min_role):
            continue
        for tile in spec.tiles:
            if tile.name not in seen and ctx.has_role(tile.min_role):
                seen.add(tile.name)
                out.append(tile)
    return out


class TileBoard(QObject):
    changed = Signal()                 # some endpoint's data or the connection state changed
    connection = Signal(object)        # None when answering, else the datetime it stopped

    def __init__(self, ctx: PanelContext, tiles: list[TileDef], *, refresh_seconds: float = 15.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.api = ctx.service(StatsApi)
        self.tiles = tiles
        self.data: dict[Key, Any] = {}
        self.hidden: set[Key] = set()  # endpoints this user may not read, absent ones, wrongly asked ones
        self.offline_since: datetime | None = None
        self._inflight: set[Key] = set()
        self._stopped = False
        self._pending: set[Key] = set()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(int(refresh_seconds * 1000))
        # Bursts of events (a dispatcher working the queue) make one read per endpoint a second.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(1000)
        self._debounce.timeout.connect(self._flush)
        me = weakref.ref(self)
        for prefix in {t.events for t in tiles if t.events}:
            # The hub keeps subscriptions for ever: hold the board weakly so a closed wall is let go.
            ctx.events.subscribe(prefix, partial(_event, me, prefix))
        ctx.events.connection_changed.connect(self._on_connection)

    def keys(self) -> list[Key]:
        return list(dict.fromkeys(key_of(t) for t in self.tiles))

    def refresh(self, keys: list[Key] | None = None) -> None:
        if self._stopped:
            return
        for key in keys or self.keys():
            if key in self._inflight or key in self.hidden:
                continue
            self._inflight.add(key)
            path, params = key
            self.ctx.tasks.run(self.api.get, path, dict(params) or None, on_done=partial(self._done, key),
                               on_error=partial(self._failed, key), what="stats")

    def on_event(self, prefix: str) -> None:
        self._pending.update(key_of(t) for t in self.tiles if t.events == prefix)
        if not self._debounce.isActive():
            self._debounce.start()

    def _flush(self) -> None:
        keys, self._pending = list(self._pending), set()
        self.refresh(keys)

    def _done(self, key: Key, data: Any) -> None:
        self._inflight.discard(key)
        if self._stopped:
            return
        self.data[key] = data
        if self.offline_since is not None:
            self.offline_since = None
            self.connection.emit(None)
        self.changed.emit()

    def _failed(self, key: Key, exc: BaseException) -> None:
        self._inflight.discard(key)
        if self._stopped:
            return
        if isinstance(exc, ApiError) and 400 <= exc.status < 500 and exc.status not in (401, 408, 429):
            # Not for this user (403), not on this server (404), or a tile asking wrongly (422): no tile.
            log.warning("stats %s answered %s: %s; its tiles are left out", key[0], exc.status, exc.message)
            self.hidden.add(key)
            self.changed.emit()
            return
        # The server is unreachable or failing: keep the last figures, say since when.
        self._went_offline()

    def _on_connection(self, state: str, _detail: str) -> None:
        if state == "disconnected":
            self._went_offline()
        elif state == "connected" and self.offline_since is not None:
            self.refresh()

    def _went_offline(self) -> None:
        if self.offline_since is None:
            self.offline_since = datetime.now().astimezone()
            self.connection.emit(self.offline_since)
            self.changed.emit()

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self._debounce.stop()


def _event(board_ref, prefix: str, _type: str, _data: object) -> None:
    board = board_ref()
    if board is not None:
        board.on_event(prefix)
