"""Core API behaviour: health, auth, roles, the error shape, the event stream."""

from __future__ import annotations

import json
import threading
import time

import jwt
import pytest
import requests

from tests.conftest import TEST_PASSWORD


def test_migrations_make_exactly_the_schema_the_models_declare(backend):
    """Alembic is the only thing that makes tables: its result must match the models, indexes
    included (the list queries depend on them). Column types are left out: SQLite reports a
    float column as FLOAT where the model says Double, which is the same storage there."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from backend import models  # noqa: F401  every domain's tables
    from backend.db import Base

    with backend.app.state.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diffs == []


def test_health_and_openapi(api):
    c = api()
    assert c.get("/api/v1/health").json()["status"] == "ok"
    spec = c.get("/openapi.json").json()
    ops = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"auth_token", "health", "events_stream", "audit_list"} <= ops


def test_login_wrong_password_is_401_with_message(api):
    r = api().post("/api/v1/auth/token", data={"username": "dispatcher", "password": "nope-nope"})
    assert r.status_code == 401
    assert r.json()["error"]["message"] == "Wrong user name or password"


def test_repeated_failures_slow_down_then_lock(api, monkeypatch):
    from backend.auth import service

    slept = []

    async def sleep(seconds):
        slept.append(seconds)

    monkeypatch.setattr(service, "_sleep", sleep)
    c = api()
    for _ in range(service.LOCK_AFTER):
        assert c.post("/api/v1/auth/token", data={"username": "dispatcher", "password": "bad-bad-bad"}).status_code == 401
    assert slept and slept == sorted(slept), "later failures must wait longer"
    r = c.post("/api/v1/auth/token", data={"username": "dispatcher", "password": TEST_PASSWORD})
    assert r.status_code == 429 and "try again" in r.json()["error"]["message"]
    assert int(r.headers["Retry-After"]) > 0


def test_passwords_are_argon2(backend):
    from backend.auth.models import User

    with backend.sessionmaker() as s:
        user = s.query(User).filter_by(username="dispatcher").one()
        assert user.password_hash.startswith("$argon2") and TEST_PASSWORD not in user.password_hash


def test_expired_and_forged_tokens(api, backend):
    c = api()
    past = {"sub": "1", "role": "admin", "exp": int(time.time()) - 10}
    expired = jwt.encode(past, backend.settings.secret_key, algorithm="HS256")
    r = c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]
    forged = jwt.encode({"sub": "1", "exp": int(time.time()) + 100}, "x" * 40, algorithm="HS256")
    r = c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and "not valid" in r.json()["error"]["message"]


@pytest.mark.parametrize("cache_seconds", [0, 0.5])
def test_disabled_account_is_refused_once_the_user_cache_lapses(database_url, tmp_path, cache_seconds):
    """Requests remember a token's user for SC_AUTH_CACHE_SECONDS; a disabled account stops working
    at the latest when that time is up (at once with 0), while its token is still unexpired."""
    from fastapi.testclient import TestClient

    from backend.auth.models import User
    from tests.conftest import make_backend

    b = make_backend(database_url, tmp_path, auth_cache_seconds=cache_seconds)
    b.add_user("petrov", "dispatcher")
    with TestClient(b.app, raise_server_exceptions=False) as c:
        token = c.post("/api/v1/auth/token", data={"username": "petrov", "password": TEST_PASSWORD}).json()
        c.headers["Authorization"] = f"Bearer {token['access_token']}"
        for _ in range(3):
            assert c.get("/api/v1/auth/me").json()["username"] == "petrov"
            assert c.get("/api/v1/incidents").status_code == 200
        with b.sessionmaker() as s:
            s.query(User).filter_by(username="petrov").update({"active": False})
            s.commit()
        time.sleep(cache_seconds + 0.05)
        r = c.get("/api/v1/incidents")
        assert r.status_code == 401 and "disabled" in r.json()["error"]["message"]
    b.app.state.engine.dispose()


def test_a_remembered_token_still_expires_on_time(database_url, tmp_path):
    """The user cache never outlives the token it was made for."""
    from fastapi.testclient import TestClient

    from tests.conftest import make_backend

    b = make_backend(database_url, tmp_path, auth_cache_seconds=60)
    user = b.add_user("sidorov", "dispatcher")
    exp = int(time.time()) + 2
    token = jwt.encode({"sub": str(user.id), "role": "dispatcher", "exp": exp}, b.settings.secret_key,
                       algorithm="HS256")
    with TestClient(b.app, raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        assert c.get("/api/v1/auth/me").status_code == 200  # remembered from here on
        time.sleep(max(0.0, exp - time.time()) + 0.2)
        r = c.get("/api/v1/auth/me")
        assert r.status_code == 401 and "expired" in r.json()["error"]["message"]
    b.app.state.engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("idle_ping_seconds", [0.0, 3600.0])
def test_connections_cut_by_the_database_server(pg_url, tmp_path, monkeypatch, idle_ping_seconds):
    """Pooled connections are pinged only after sitting idle (pinging at every checkout cost a
    fifth of a list request). Cut while idle, they are replaced unseen; cut while still fresh,
    one request fails with the error shape and the next one works."""
    import psycopg
    from fastapi.testclient import TestClient

    import backend.db
    from tests.conftest import PG_ADMIN_URL, make_backend

    monkeypatch.setattr(backend.db, "IDLE_PING_SECONDS", idle_ping_seconds)
    b = make_backend(pg_url, tmp_path)
    b.add_user("kozlov", "dispatcher")
    with TestClient(b.app, raise_server_exceptions=False) as c:
        token = c.post("/api/v1/auth/token", data={"username": "kozlov", "password": TEST_PASSWORD}).json()
        c.headers["Authorization"] = f"Bearer {token['access_token']}"
        assert c.get("/api/v1/incidents").status_code == 200
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (pg_url.rsplit("/", 1)[1],))
        r = c.get("/api/v1/incidents")
        if idle_ping_seconds:
            assert r.status_code == 503 and r.json()["error"]["code"] == "database_unavailable"
        else:
            assert r.status_code == 200, r.text
        assert c.get("/api/v1/incidents").status_code == 200
    b.app.state.engine.dispose()


def test_roles_are_checked_on_the_server(api):
    assert api("dispatcher").get("/api/v1/audit").status_code == 403
    assert api("supervisor").get("/api/v1/audit").status_code == 200
    assert api("supervisor").get("/api/v1/users").status_code == 403
    admin = api("admin")
    r = admin.post("/api/v1/users", json={"username": "ivanov", "role": "dispatcher", "password": "short"})
    assert r.status_code == 422 and "password" in r.json()["error"]["message"]
    r = admin.post("/api/v1/users", json={"username": "ivanov", "role": "dispatcher", "password": "long-enough-1"})
    assert r.status_code == 201
    assert admin.post("/api/v1/users", json={"username": "ivanov", "role": "dispatcher",
                                             "password": "long-enough-1"}).status_code == 409


def test_malformed_json_is_422_with_message(api):
    r = api("admin").post("/api/v1/users", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert "JSON" in r.json()["error"]["message"]


def test_unknown_endpoint_has_the_error_shape(api):
    r = api().get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def _read_events(url, token, headers=None, want=1, timeout=10.0):
    got = []
    with requests.get(url, headers={"Authorization": f"Bearer {token}", **(headers or {})},
                      stream=True, timeout=timeout) as r:
        assert r.status_code == 200
        event = {}
        for line in r.iter_lines(decode_unicode=True):
            if line == "":
                if event.get("event") not in (None, "hello"):
                    got.append(event)
                    if len(got) >= want:
                        return got
                event = {}
            elif not line.startswith(":"):
                k, _, v = line.partition(": ")
                event[k] = v
    return got


def test_event_stream_delivers_and_resumes(live_server):
    from backend.events.service import publish

    url = live_server.url
    token = requests.post(f"{url}/api/v1/auth/token",
                          data={"username": "dispatcher", "password": TEST_PASSWORD}).json()["access_token"]

    def emit(n, start=0):
        with live_server.backend.sessionmaker() as s:
            for i in range(start, start + n):
                publish(s, "test.ping", {"n": i})
            s.commit()

    result = {}
    t = threading.Thread(target=lambda: result.setdefault("ev", _read_events(f"{url}/api/v1/events", token, want=3)))
    t.start()
    time.sleep(0.5)
    emit(3)
    t.join(10)
    first = result["ev"]
    assert [json.loads(e["data"])["n"] for e in first] == [0, 1, 2]
    # Disconnected now; two more happen; resuming from the last id gets exactly those.
    emit(2, start=3)
    resumed = _read_events(f"{url}/api/v1/events", token, headers={"Last-Event-ID": first[-1]["id"]}, want=2)
    assert [json.loads(e["data"])["n"] for e in resumed] == [3, 4]
    assert int(resumed[0]["id"]) > int(first[-1]["id"])


@pytest.mark.postgres
def test_other_instances_events_wake_streams_through_listen_notify(pg_url, tmp_path):
    """An event committed by another server instance wakes this instance's streams."""
    import asyncio

    from backend.events.service import PgEventListener, notifier, publish
    from tests.conftest import make_backend

    other = make_backend(pg_url, tmp_path)  # stands in for a second server instance
    listener = PgEventListener(pg_url)
    listener.start()

    async def wait_for_wakeup() -> bool:
        waiter = notifier.subscribe()
        try:
            await asyncio.sleep(1.5)  # the listener is connected and LISTENing by then
            waiter[1].clear()

            def commit_elsewhere():
                with other.sessionmaker() as s:
                    publish(s, "test.remote", {"x": 1})
                    # Commit through a raw connection so this process's after_commit hook
                    # does not fire: only NOTIFY can wake us.
                    s.info.pop("sc_events_pending")
                    s.commit()

            await asyncio.to_thread(commit_elsewhere)
            await asyncio.wait_for(waiter[1].wait(), 10)
            return True
        finally:
            notifier.unsubscribe(waiter)

    try:
        assert asyncio.run(wait_for_wakeup())
    finally:
        listener.stop()
        other.app.state.engine.dispose()


def test_event_stream_stops_at_once_while_waiting(live_server):
    """stop() from another thread ends a read that is blocked waiting for the next event."""
    from backend_client.client import ApiClient
    from backend_client.sse import EventStream

    client = ApiClient(live_server.url)
    client.login("dispatcher", TEST_PASSWORD)
    states = []
    stream = EventStream(client, on_state=lambda s, d: states.append(s))
    t = threading.Thread(target=lambda: list(stream), daemon=True)
    t.start()
    deadline = time.monotonic() + 10
    while "connected" not in states and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "connected" in states
    time.sleep(0.3)  # now blocked in a read; the server's next heartbeat is 15 s away
    started = time.monotonic()
    stream.stop()
    t.join(10)
    assert not t.is_alive()
    assert time.monotonic() - started < 5, "stop() must not wait for the next heartbeat (15 s)"
