"""backend_client with several servers (Qt-free): a server that does not answer is left for the next."""

from __future__ import annotations

import pytest

from backend_client.client import ApiClient
from backend_client.errors import ConnectionLost
from backend_client.sse import EventStream
from tests.conftest import TEST_PASSWORD, free_port


def test_calls_and_login_move_to_the_next_server(live_server):
    dead = f"http://127.0.0.1:{free_port()}"
    client = ApiClient(f"{dead}, {live_server.url}/")
    moves: list[str] = []
    client.server_changed.append(moves.append)
    assert client.base_urls == [dead, live_server.url]
    # A POST that surely was not sent (connection refused) may go to the next server.
    client.login("dispatcher", TEST_PASSWORD)
    assert client.base_url == live_server.url and moves == [live_server.url]
    assert client.request("GET", "/api/v1/auth/me")["username"] == "dispatcher"
    assert moves == [live_server.url]  # stays where it works


def test_all_servers_down_is_connection_lost():
    client = ApiClient([f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"], retries=0)
    with pytest.raises(ConnectionLost):
        client.request("GET", "/api/v1/health")


def test_event_stream_resumes_on_the_next_server(live_server):
    client = ApiClient(live_server.url)
    client.login("dispatcher", TEST_PASSWORD)
    client.base_url = [f"http://127.0.0.1:{free_port()}", live_server.url]
    states: list[tuple[str, str]] = []
    stream = EventStream(client, last_event_id=0, on_state=lambda s, d: states.append((s, d)))
    it = iter(stream)
    with live_server.backend.sessionmaker() as s:
        from backend.events.service import publish

        publish(s, "test.hello", {"n": 1})
        s.commit()
    ev = next(it)
    stream.stop()
    assert ev.type == "test.hello" and ("connected", live_server.url) in states
    assert client.base_url == live_server.url
