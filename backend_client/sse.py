"""A Server-Sent Events reader that resumes with Last-Event-ID after every drop."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests

from backend_client.client import ApiClient, _unsent
from backend_client.errors import AuthExpired


@dataclass(frozen=True)
class Event:
    id: int
    type: str
    data: Any


class EventStream:
    """Iterates events forever, reconnecting with backoff; `stop()` ends it from another thread."""

    def __init__(self, client: ApiClient, *, last_event_id: int | None = None,
                 on_state: Callable[[str, str], None] | None = None, read_timeout: float = 40.0,
                 max_backoff: float = 10.0, on_beat: Callable[[], None] | None = None) -> None:
        self.client = client
        self.last_event_id = last_event_id
        self.on_state = on_state or (lambda state, detail: None)
        self.read_timeout = read_timeout  # the server pings every 2 s, so silence means a dead link
        self.on_beat = on_beat or (lambda: None)  # every line the server sends, pings included
        self.max_backoff = max_backoff
        self._stopped = False
        self._response: requests.Response | None = None

    def stop(self) -> None:
        """End the stream now, even while a read is blocked waiting for the next event."""
        self._stopped = True
        r = self._response
        if r is None:
            return
        # close() does not wake a recv() blocked in another thread; shutdown() does.
        sock = getattr(getattr(getattr(getattr(r.raw, "_fp", None), "fp", None), "raw", None), "_sock", None)
        try:
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
            r.close()
        except Exception:  # closing a half-dead socket may raise anything
            pass

    def __iter__(self) -> Iterator[Event]:
        """Events in id order, each once: after a drop (or a move to another server of the
        deployment) the stream resumes after the last id it yielded."""
        backoff = 0.5
        hops = 0  # servers tried in a row without a connection; after all of them, back off
        while not self._stopped:
            base = self.client.base_url
            going_away = False
            try:
                headers = {"Accept": "text/event-stream", **self.client.auth_headers()}
                if self.last_event_id is not None:
                    headers["Last-Event-ID"] = str(self.last_event_id)
                self.on_state("connecting", base)
                with requests.get(self.client.url("/api/v1/events", base), headers=headers, stream=True,
                                  timeout=(3.05, self.read_timeout), verify=self.client.verify,
                                  proxies=self.client.proxies or None) as r:
                    self._response = r
                    if r.status_code == 401:
                        self.on_state("unauthorized", "session expired")
                        raise AuthExpired(401, "unauthorized", "Your session has expired; log in again")
                    if r.status_code != 200:
                        raise requests.ConnectionError(f"event stream answered {r.status_code}")
                    backoff = 0.5
                    for ev in self._parse(r):
                        self.on_beat()
                        if ev is None:  # a ping
                            continue
                        if ev.type == "hello":
                            hops = 0
                            self.on_state("connected", base)
                            if self.last_event_id is None:
                                self.last_event_id = ev.id
                            continue
                        if ev.type == "reconnect":  # the server is stopping: resume at once, elsewhere if need be
                            if ev.id:
                                self.last_event_id = ev.id
                            going_away = True
                            break
                        self.last_event_id = ev.id
                        yield ev
            except AuthExpired:
                raise
            except (requests.RequestException, ValueError, OSError, AttributeError) as exc:
                if self._stopped:
                    break
                self.on_state("disconnected", str(exc) or type(exc).__name__)
                if _unsent(exc) and hops < len(self.client.base_urls) and self.client.fail_over(base) != base:
                    hops += 1
                    continue  # another server of the deployment: try it now, from the same id
            finally:
                self._response = None
            if self._stopped:
                break
            if going_away:
                continue
            time.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)
            hops = 0

    @staticmethod
    def _parse(r: requests.Response) -> Iterator[Event | None]:
        """The events of the stream, and None for each comment line (the server's heartbeat)."""
        eid, etype, data = None, "message", []
        for raw in r.iter_lines(decode_unicode=True, chunk_size=None):
            if raw is None:
                continue
            line = raw.rstrip("\r")
            if not line:
                if data or etype == "hello":
                    text = "\n".join(data)
                    yield Event(int(eid) if eid and eid.isdigit() else 0, etype, json.loads(text) if text else None)
                eid, etype, data = None, "message", []
                continue
            if line.startswith(":"):
                yield None
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "id":
                eid = value
            elif field == "event":
                etype = value
            elif field == "data":
                data.append(value)
