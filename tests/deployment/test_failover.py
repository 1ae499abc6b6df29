"""Desktop failover: a desktop on two instances' URLs, the one it is on killed: no event lost or
doubled, no operation lost, and it shows the server it moved to."""

from __future__ import annotations

import time
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, select

from tests.conftest import TEST_PASSWORD
from tests.deployment.cluster import Instance, add_users, cli

pytestmark = pytest.mark.postgres


def _visible_events(engine, after: int, user_id: int) -> list[tuple[str, dict]]:
    from backend.events.models import Event

    with engine.connect() as conn:
        rows = conn.execute(select(Event.type, Event.data, Event.owner_id).where(
            Event.id > after, Event.min_role == "dispatcher").order_by(Event.id)).all()
    return [(t, d) for t, d, owner in rows if owner is None or owner == user_id]


def test_desktop_fails_over_with_nothing_lost_or_doubled(fresh_pg, tmp_path, make_ctx, qtbot):
    from app.statusbar import ConnectionStatusBar
    from backend.events.models import Event
    from backend_client.incidents import IncidentsApi
    from backend_client.schemas.incidents import IncidentCreate

    cli(fresh_pg, "migrate")
    add_users(fresh_pg, ("dispatcher",), password=TEST_PASSWORD)
    a = Instance(fresh_pg, tmp_path).start()
    b = Instance(fresh_pg, tmp_path).start()
    engine = create_engine(fresh_pg.replace("postgresql://", "postgresql+psycopg://"))
    try:
        ctx = make_ctx(SimpleNamespace(url=f"{a.url},{b.url}"), "dispatcher")
        bar = ConnectionStatusBar(ctx)
        qtbot.waitUntil(lambda: ctx.events.state == "connected", timeout=20000)
        assert ctx.api.base_url == a.url and bar.server_label.text() == a.url
        with engine.connect() as conn:
            start = conn.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0
        received: list[tuple[str, dict]] = []
        ctx.events.received.connect(lambda t, d: received.append((t, d)))

        made: list[str] = []
        errors: list[BaseException] = []

        def log_incident(i: int) -> None:
            uid = str(uuid.uuid4())
            made.append(uid)
            ctx.incidents.create(IncidentCreate(client_uuid=uid, category="roads", lat=51.66, lon=35.65,
                                                description=f"failover test {i}"),
                                 on_error=errors.append)

        for i in range(5):
            log_incident(i)
        qtbot.waitUntil(lambda: len(received) >= 5, timeout=30000)
        a.kill()  # the server this desktop is on, mid-shift
        t_kill = time.monotonic()
        for i in range(5, 15):  # the dispatcher keeps working through it
            log_incident(i)
            qtbot.wait(100)
        qtbot.waitUntil(lambda: ctx.api.base_url == b.url and ctx.events.state == "connected", timeout=20000)
        print(f"desktop on {b.url} {time.monotonic() - t_kill:.2f} s after the kill")
        assert bar.server_label.text() == b.url
        for i in range(15, 20):
            log_incident(i)

        # Every operation reached the server once (the outbox delivered what failed during the kill).
        api = IncidentsApi(ctx.api)

        def on_server() -> list[str]:
            return [str(x.client_uuid) for x in api.iter_all() if x.client_uuid]

        qtbot.waitUntil(lambda: set(on_server()) >= set(made), timeout=60000)
        uuids = on_server()
        assert sorted(u for u in uuids if u in made) == sorted(made) and len(uuids) == len(set(uuids))
        # Every event the dispatcher may see, after the stream began, arrived once and in order.
        expected = _visible_events(engine, start, ctx.user.id)
        qtbot.waitUntil(lambda: len(received) >= len(_visible_events(engine, start, ctx.user.id)), timeout=30000)
        qtbot.wait(500)
        expected = _visible_events(engine, start, ctx.user.id)
        assert received == expected, (len(received), len(expected))
        assert not [e for e in errors if "conflict" in str(e).lower()]
        bar.deleteLater()
    finally:
        engine.dispose()
        a.kill()
        b.kill()
