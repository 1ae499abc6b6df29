"""The event stream under stress and under watch: concurrent writers lose nothing, and each user
sees only the events meant for their role and for them (issue 18, findings 1 and 5)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import TEST_PASSWORD, Backend, LiveServer, make_backend

INCIDENT = {"category": "roads", "priority": "medium", "lat": 51.66, "lon": 35.65,
            "address": "ул. Ленинградская, 12", "description": "Яма на дороге у остановки"}


def _token(url: str, role: str) -> str:
    r = requests.post(f"{url}/api/v1/auth/token", data={"username": role, "password": TEST_PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


class StreamReader(threading.Thread):
    """Reads /api/v1/events into `events` (id, type, data) until `until(events)` or a timeout."""

    def __init__(self, url: str, token: str, *, last_event_id: int | None = None, until=None,
                 timeout: float = 120.0) -> None:
        super().__init__(daemon=True)
        self.url, self.token, self.last_event_id = url, token, last_event_id
        self.until = until or (lambda events: False)
        self.timeout = timeout
        self.events: list[tuple[int, str, dict]] = []
        self.connected = threading.Event()

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = str(self.last_event_id)
        deadline = time.monotonic() + self.timeout
        with requests.get(f"{self.url}/api/v1/events", headers=headers, stream=True, timeout=30) as r:
            assert r.status_code == 200
            fields: dict[str, str] = {}
            for line in r.iter_lines(decode_unicode=True):
                if line == "":
                    if fields.get("event") == "hello":
                        self.connected.set()
                    elif "event" in fields:
                        self.events.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
                        if self.until(self.events):
                            return
                    fields = {}
                elif not line.startswith(":"):
                    k, _, v = line.partition(": ")
                    fields[k] = v
                if time.monotonic() > deadline:
                    return


def _created_ids(events) -> list[int]:
    return [eid for eid, etype, _ in events if etype == "incident.created"]


def test_concurrent_writers_on_two_instances_lose_no_event(database_url, tmp_path):
    """16 writers post 300 incidents through two server instances on one database while a client
    streams from one of them: it gets every committed event exactly once, in id order; resuming with
    Last-Event-ID from the middle gets exactly the rest. (Before the fix ids were visible at commit
    but taken at insert, and a reader that moved past an open transaction's id never saw it.)"""
    from sqlalchemy import select

    from backend.app import create_app
    from backend.events.models import Event

    first = make_backend(database_url, tmp_path / "a")
    for role in ("dispatcher", "supervisor", "admin"):
        first.add_user(role, role)
    # A second instance on the same database (make_backend would empty it: built by hand).
    second_app = create_app(first.settings.model_copy(update={"media_dir": str(tmp_path / "b")}))
    servers = [LiveServer(first).start(),
               LiveServer(Backend(app=second_app, settings=first.settings, tmp=tmp_path)).start()]
    total, writers = 300, 16
    try:
        urls = [s.url for s in servers]
        reader = StreamReader(urls[0], _token(urls[0], "dispatcher"),
                              until=lambda ev: len(_created_ids(ev)) >= total)
        reader.start()
        assert reader.connected.wait(30)
        tokens = [_token(u, "dispatcher") for u in urls]

        def write(w: int) -> list[int]:
            http = requests.Session()
            made = []
            for i in range(w, total, writers):
                k = i % 2
                r = http.post(f"{urls[k]}/api/v1/incidents", json={**INCIDENT, "description": f"#{i}"},
                              headers={"Authorization": f"Bearer {tokens[k]}"}, timeout=60)
                assert r.status_code == 201, r.text
                made.append(r.json()["id"])
            return made

        with ThreadPoolExecutor(writers) as pool:
            made = [i for part in pool.map(write, range(writers)) for i in part]
        assert len(set(made)) == total
        reader.join(120)
        with first.sessionmaker() as s:
            committed = list(s.scalars(select(Event.id).where(Event.type == "incident.created").order_by(Event.id)))
        got = _created_ids(reader.events)
        assert len(committed) == total
        missing = sorted(set(committed) - set(got))
        assert not missing, f"the stream missed {len(missing)} of {total} events: {missing[:20]}"
        assert got == committed, "every event exactly once, in id order"
        all_ids = [eid for eid, _, _ in reader.events]
        assert all_ids == sorted(set(all_ids))

        # A client that dropped after the 100th event resumes from it and gets exactly the rest.
        resumed = StreamReader(urls[1], tokens[1], last_event_id=got[99],
                               until=lambda ev: len(_created_ids(ev)) >= total - 100, timeout=60)
        resumed.start()
        resumed.join(60)
        assert _created_ids(resumed.events) == committed[100:]
    finally:
        for s in servers:
            s.stop()
        second_app.state.engine.dispose()
        first.app.state.engine.dispose()


@pytest.fixture
def live(database_url, tmp_path):
    """A real server on each database, with the three role users and a second dispatcher."""
    b = make_backend(database_url, tmp_path)
    for role in ("dispatcher", "supervisor", "admin"):
        b.add_user(role, role)
    b.add_user("dispatcher2", "dispatcher")
    server = LiveServer(b).start()
    yield server
    server.stop()
    b.app.state.engine.dispose()


def test_stream_shows_each_user_only_what_is_theirs_to_see(live):
    """Bookmark notes and export updates reach supervisors only; a private layout's name reaches only
    its owner, a shared one everyone; Last-Event-ID: 0 replays only what the reader may see."""
    from backend.auth.models import User
    from backend.db import utcnow
    from backend.recordings.exports import runner_for
    from backend.recordings.models import RecordingExport

    url = live.url
    tok = {r: _token(url, r) for r in ("dispatcher", "dispatcher2", "supervisor", "admin")}

    def call(role, method, path, **kw):
        r = requests.request(method, f"{url}{path}", headers={"Authorization": f"Bearer {tok[role]}"},
                             timeout=30, **kw)
        assert r.status_code < 300, r.text
        return r.json() if r.content else None

    cam = call("admin", "POST", "/api/v1/cameras", json={"name": "Площадь", "lat": 51.66, "lon": 35.65,
                                                         "main_url": "rtsp://cam.local/1"})
    call("supervisor", "POST", "/api/v1/recordings/bookmarks",
         json={"camera_id": cam["id"], "at": "2026-11-27T10:00:00Z", "note": "подозреваемый у киоска"})
    call("dispatcher2", "POST", "/api/v1/cameras/layouts", json={"name": "мой тайный план", "shared": False})
    call("dispatcher", "POST", "/api/v1/cameras/layouts", json={"name": "свой план", "shared": False})
    call("admin", "POST", "/api/v1/cameras/layouts", json={"name": "общий план", "shared": True})
    with live.backend.sessionmaker() as s:
        sup = s.query(User).filter_by(username="supervisor").one()
        exp = RecordingExport(camera_id=cam["id"], start=utcnow(), end=utcnow(), reason="дело 12", status="running",
                              progress=0.5, error="", path="", size=0, sha256="", manifest={}, user_id=sup.id,
                              username=sup.username, created_at=utcnow())
        s.add(exp)
        s.commit()
        exp_id = exp.id
    runner_for(live.backend.app)._update(exp_id, status="failed", error="test")
    marker = call("dispatcher", "POST", "/api/v1/incidents", json=INCIDENT)

    def replay(role):
        reader = StreamReader(url, tok[role], last_event_id=0, timeout=30,
                              until=lambda ev: any(t == "incident.created" and d["id"] == marker["id"]
                                                   for _, t, d in ev))
        reader.run()
        return [(t, d) for _, t, d in reader.events]

    seen = {role: replay(role) for role in tok}
    layouts = {role: {d["name"] for t, d in ev if t.startswith("camera.layout_")} for role, ev in seen.items()}
    types = {role: {t for t, _ in ev} for role, ev in seen.items()}

    for role in ("dispatcher", "dispatcher2"):
        assert not {t for t in types[role] if t.startswith("recording.")}, seen[role]
        assert "подозреваемый у киоска" not in json.dumps(seen[role], ensure_ascii=False)
    assert {"recording.bookmark_added", "recording.export_updated"} <= types["supervisor"]
    assert {"recording.bookmark_added", "recording.export_updated"} <= types["admin"]
    assert layouts["dispatcher"] == {"свой план", "общий план"}
    assert layouts["dispatcher2"] == {"мой тайный план", "общий план"}
    assert layouts["supervisor"] == {"общий план"}
    assert "camera.created" in types["dispatcher"] and "incident.created" in types["dispatcher"]


def test_a_last_event_id_beyond_any_id_is_400_not_500(api):
    c = api("dispatcher")
    for value in ("9" * 30, str(2**63)):
        r = c.get("/api/v1/events", headers={"Last-Event-ID": value})
        assert r.status_code == 400 and r.json()["error"]["code"]
        assert c.get("/api/v1/events", params={"last_event_id": value}).status_code == 422
