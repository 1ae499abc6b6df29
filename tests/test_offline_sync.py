"""Offline store + outbox + sync against a real backend over HTTP (no mocks of our backend)."""

from __future__ import annotations

import base64
import uuid

import pytest

from app.offline.outbox import InvalidOperation, Outbox
from app.offline.store import OfflineStore
from app.offline.sync import SyncEngine
from backend_client.client import ApiClient
from backend_client.errors import ApiError, ConnectionLost
from tests.conftest import TEST_PASSWORD, LiveServer

# A 1×1 PNG: the server checks photos by their magic bytes.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def incident(**kw) -> dict:
    return {"category": "roads", "priority": "medium", "lat": 51.66, "lon": 35.65,
            "address": "ул. Молодёжная, 1", "description": "Яма на дороге", **kw}


class Desk:
    """One workstation: its own store, outbox and sync engine, logged in as a user."""

    def __init__(self, server: LiveServer, tmp_path, role: str = "dispatcher", name: str = "desk") -> None:
        self.client = ApiClient(server.url, retries=0)
        self.client.login(role, TEST_PASSWORD)
        self.store = OfflineStore(tmp_path / name / "store.sqlite3")
        self.outbox = Outbox(self.store, user=role)
        self.sync = SyncEngine(self.store, self.client, workers=4)

    def point_at(self, server: LiveServer) -> None:
        self.client.base_url = server.url


def server_incidents(client: ApiClient) -> list[dict]:
    return client.request("GET", "/api/v1/incidents", params={"limit": 500})["items"]


def restart(server: LiveServer) -> LiveServer:
    return LiveServer(server.backend, server.port).start()


@pytest.fixture
def desk(live_server, tmp_path):
    d = Desk(live_server, tmp_path)
    yield d
    d.store.close()


def test_backend_dies_mid_session_nothing_lost_nothing_doubled(live_server, desk):
    online = [desk.outbox.create(incident(description=f"online {i}"))[0] for i in range(3)]
    assert desk.sync.drain().sent == 3
    known = {i["id"] for i in server_incidents(desk.client)}
    live_server.stop()
    with pytest.raises(ConnectionLost):
        desk.client.request("GET", "/api/v1/health", retry=False)
    # Keep working: new incidents, edits of synced and of local ones, comments, a photo.
    made = [desk.outbox.create(incident(description=f"offline {i}", priority="high"))[1] for i in range(5)]
    # Online creates went through the outbox too (Л-1…Л-3, already renumbered).
    assert [m["number"] for m in made] == [f"Л-{n}" for n in range(4, 9)]
    assert all(m["id"] < 0 for m in made)
    first_server_id = sorted(known)[0]
    desk.outbox.patch(first_server_id, {"priority": "critical"})
    desk.outbox.change_status(first_server_id, "acknowledged", comment="бригада выехала")
    desk.outbox.patch(made[0]["id"], {"description": "Яма, уточнено"})
    desk.outbox.add_comment(made[0]["id"], "Позвонил житель")
    photo = desk.store.path.parent / "photo.png"
    photo.write_bytes(PNG)
    desk.outbox.attach(made[1]["id"], photo)
    report = desk.sync.drain()
    assert report.offline and report.sent == 0
    assert desk.store.waiting() == 10
    # The queue still shows everything: 3 synced + 5 local, with the local edits.
    view = {i["id"]: i for i in desk.store.incidents()}
    assert len(view) == 8 and view[first_server_id]["priority"] == "critical"
    assert view[made[0]["id"]]["description"] == "Яма, уточнено"

    server = restart(live_server)
    try:
        report = desk.sync.drain()
        assert not report.offline and report.failed == 0 and report.conflicts == 0, report
        assert desk.store.waiting() == 0
        # A second drain (as after a retry) sends nothing and makes nothing new.
        assert desk.sync.drain().sent == 0
        items = server_incidents(desk.client)
        descriptions = sorted(i["description"] for i in items)
        assert descriptions == sorted([f"online {i}" for i in range(3)] + ["Яма, уточнено"]
                                      + [f"offline {i}" for i in range(1, 5)])
        assert len({i["client_uuid"] for i in items}) == 8
        by_id = {i["id"]: i for i in items}
        assert by_id[first_server_id]["priority"] == "critical"
        assert by_id[first_server_id]["status"] == "acknowledged"
        # Local numbers were replaced by the server's; the comment and photo followed.
        mapping = desk.store.renumbered()
        assert set(mapping) == {-n for n in range(1, 9)}
        new0, new1 = mapping[-4], mapping[-5]
        assert by_id[new0]["comment_count"] == 1 and by_id[new1]["attachment_count"] == 1
        comments = desk.client.request("GET", f"/api/v1/incidents/{new0}/comments")
        assert [c["text"] for c in comments] == ["Позвонил житель"]
        local_view = {i["id"]: i for i in desk.store.incidents()}
        assert set(local_view) == set(by_id)
        assert local_view[new0]["number"].startswith("И-")
    finally:
        server.stop()


def test_lost_answers_are_resent_without_doubling(live_server, desk):
    """Every operation sent twice (as when the answer is lost): one incident, one comment, one photo."""
    _, v = desk.outbox.create(incident(description="once"))
    desk.outbox.patch(v["id"], {"priority": "low"})
    desk.outbox.add_comment(v["id"], "один раз")
    photo = desk.store.path.parent / "p.png"
    photo.write_bytes(PNG)
    desk.outbox.attach(v["id"], photo)
    desk.outbox.change_status(v["id"], "acknowledged")
    ops = desk.store.ops(("pending",))
    assert desk.sync.drain().sent == 5
    # Pretend none of the answers arrived: the operations are back in flight, as after a crash.
    with desk.store.tx() as c:
        c.execute("UPDATE ops SET state = 'inflight'")
    report = desk.sync.drain()
    assert report.failed == 0 and report.conflicts == 0, report.problems
    assert desk.store.waiting() == 0
    items = server_incidents(desk.client)
    assert len(items) == 1
    inc = items[0]
    assert (inc["priority"], inc["status"], inc["comment_count"], inc["attachment_count"]) == \
        ("low", "acknowledged", 1, 1)
    assert len(ops) == 5


def test_conflict_between_two_desks_one_offline(live_server, tmp_path, desk):
    other = Desk(live_server, tmp_path, role="supervisor", name="other")
    _, v = desk.outbox.create(incident(description="общая яма"))
    desk.sync.drain()
    inc_id = desk.store.resolve(v["id"])
    other.client.request("GET", f"/api/v1/incidents/{inc_id}")
    live_server.stop()
    # Offline, our operator raises the priority and rewrites the address.
    desk.outbox.patch(inc_id, {"priority": "critical", "address": "ул. Курчатова, 5"})
    desk.outbox.add_comment(inc_id, "после правки")
    server = restart(live_server)
    try:
        # Meanwhile the colleague (online) lowers the priority and edits the description.
        cur = other.client.request("GET", f"/api/v1/incidents/{inc_id}")
        other.client.request("PATCH", f"/api/v1/incidents/{inc_id}", json={"priority": "low", "description": "нет ямы"},
                             headers={"If-Match": f'"{cur["version"]}"'})
        report = desk.sync.drain()
        assert report.conflicts == 1 and report.sent == 0
        # Nothing overwritten unseen: the server keeps the colleague's values.
        now = desk.client.request("GET", f"/api/v1/incidents/{inc_id}")
        assert (now["priority"], now["description"]) == ("low", "нет ямы")
        # The comment waits behind the conflict (order per incident).
        assert desk.store.waiting() == 2
        [op] = desk.store.ops(("conflict",))
        assert op.server["priority"] == "low" and op.changes() == {"priority": "critical",
                                                                  "address": "ул. Курчатова, 5"}
        # The operator keeps the colleague's priority but their own address.
        desk.store.resolve_conflict(op.seq, {"address": "ул. Курчатова, 5"}, op.server["version"])
        report = desk.sync.drain()
        assert report.conflicts == 0 and report.sent == 2, report
        final = desk.client.request("GET", f"/api/v1/incidents/{inc_id}")
        assert (final["priority"], final["description"], final["address"], final["comment_count"]) == \
            ("low", "нет ямы", "ул. Курчатова, 5", 1)
        assert desk.store.incident(inc_id)["priority"] == "low"
    finally:
        other.store.close()
        server.stop()


def test_edits_to_other_fields_merge_without_asking(live_server, tmp_path, desk):
    other = Desk(live_server, tmp_path, name="other")
    _, v = desk.outbox.create(incident())
    desk.sync.drain()
    inc_id = desk.store.resolve(v["id"])
    desk.outbox.patch(inc_id, {"priority": "high"})  # queued, based on version 1
    cur = other.client.request("GET", f"/api/v1/incidents/{inc_id}")
    other.client.request("PATCH", f"/api/v1/incidents/{inc_id}", json={"description": "другое поле"},
                         headers={"If-Match": f'"{cur["version"]}"'})
    report = desk.sync.drain()
    assert report.conflicts == 0 and report.sent == 1
    final = desk.client.request("GET", f"/api/v1/incidents/{inc_id}")
    assert (final["priority"], final["description"]) == ("high", "другое поле")
    other.store.close()


def test_deleted_photo_is_kept_as_failed_and_can_be_fixed(live_server, desk):
    _, v = desk.outbox.create(incident())
    photo = desk.store.path.parent / "p.png"
    photo.write_bytes(PNG)
    op, _ = desk.outbox.attach(v["id"], photo)
    desk.outbox.add_comment(v["id"], "после фото")
    _, other = desk.outbox.create(incident(description="другой"))
    desk.outbox.file_of(op).unlink()  # the copy vanished before sync
    report = desk.sync.drain()
    assert report.failed == 1 and "p.png" in report.problems[0] and "no longer" in report.problems[0]
    [failed] = desk.store.ops(("failed",))
    assert failed.seq == op.seq and failed.error
    # The other incident went through; the comment waits behind the photo.
    assert len(server_incidents(desk.client)) == 2
    assert desk.store.waiting() == 2
    # The operator picks the file again: retry sends both.
    photo.write_bytes(PNG)
    desk.store.retry(op.seq, payload=desk.outbox.replace_file(failed, photo))
    report = desk.sync.drain()
    assert report.sent == 2 and desk.store.waiting() == 0
    inc = desk.client.request("GET", f"/api/v1/incidents/{desk.store.resolve(v['id'])}")
    assert (inc["attachment_count"], inc["comment_count"]) == (1, 1)


def test_category_the_server_no_longer_knows(live_server, desk):
    # The server once offered "snow_removal"; offline, the operator used it.
    cats = [{"code": c, "name": c, "sla_hours": {"critical": 2, "high": 8, "medium": 24, "low": 72}}
            for c in ("roads", "other", "snow_removal")]
    desk.outbox.remember_categories(cats)
    op, v = desk.outbox.create(incident(category="snow_removal", description="сугроб"))
    desk.outbox.add_comment(v["id"], "замело")
    with pytest.raises(InvalidOperation):
        desk.outbox.create(incident(category="not_a_category"))
    report = desk.sync.drain()
    assert report.failed == 1 and "category" in report.problems[0]
    [failed] = desk.store.ops(("failed",))
    assert failed.seq == op.seq
    assert desk.store.incident(v["id"])["number"] == "Л-1"  # still shown, still local
    assert server_incidents(desk.client) == []
    # The operator corrects the category: the same client UUID, one incident.
    body = dict(failed.payload["body"], category="roads")
    desk.store.retry(op.seq, payload={**failed.payload, "body": body})
    report = desk.sync.drain()
    assert report.sent == 2 and report.failed == 0
    [inc] = server_incidents(desk.client)
    assert inc["category"] == "roads" and inc["comment_count"] == 1 and inc["client_uuid"] == op.op_id


def test_discarding_a_failed_create_drops_its_dependents_visibly(live_server, desk):
    desk.outbox.remember_categories([{"code": "gone", "name": "gone", "sla_hours": {}}])
    op, v = desk.outbox.create(incident(category="gone"))
    desk.outbox.add_comment(v["id"], "x")
    desk.sync.drain()
    dropped = desk.store.discard(op.seq)
    assert len(dropped) == 2
    assert desk.store.incident(v["id"]) is None and desk.store.waiting() == 0
    assert {o.state for o in desk.store.ops()} == {"discarded"}


def test_status_change_rejected_by_server_is_kept(live_server, tmp_path, desk):
    other = Desk(live_server, tmp_path, role="supervisor", name="other")
    _, v = desk.outbox.create(incident())
    desk.sync.drain()
    inc_id = desk.store.resolve(v["id"])
    desk.outbox.assign(inc_id, "no_such_service")
    report = desk.sync.drain()
    assert report.failed == 1 and "service" in report.problems[0].lower()
    other.store.close()
    assert desk.store.ops(("failed",))[0].kind == "assign"


def test_local_saves_are_committed_when_acknowledged(tmp_path):
    """What record() returned is in the file, read by another connection (the timing is bench/offline_sync.py's)."""
    import sqlite3

    store = OfflineStore(tmp_path / "s.sqlite3")
    outbox = Outbox(store, user="dispatcher")
    for i in range(50):
        op, _ = outbox.create(incident(description=f"n{i}"))
        with sqlite3.connect(tmp_path / "s.sqlite3") as other:
            assert other.execute("SELECT state FROM ops WHERE op_id = ?", (op.op_id,)).fetchone() == ("pending",)
    store.close()
    again = OfflineStore(tmp_path / "s.sqlite3")
    assert again.waiting() == 50
    again.close()


def test_server_validation_errors_are_operator_readable(live_server, desk):
    with pytest.raises(InvalidOperation):
        desk.outbox.create(incident(description="   "))
    with pytest.raises(InvalidOperation):
        desk.outbox.patch(12345, {"priority": "high"})
    with pytest.raises(ApiError):
        desk.client.request("POST", "/api/v1/incidents", json={"category": "bogus"})
    assert uuid.UUID(desk.outbox.create(incident())[0].op_id)


def test_a_blocked_incident_does_not_hold_up_the_others(live_server, desk):
    """Many operations wait behind a refused create; the rest of the outbox still drains."""
    desk.outbox.remember_categories([{"code": c, "name": c, "sla_hours": {}} for c in ("roads", "gone")])
    op, v = desk.outbox.create(incident(category="gone"))
    for i in range(60):
        desk.outbox.add_comment(v["id"], f"ждёт {i}")
    others = [desk.outbox.create(incident(description=f"другое {i}"))[1] for i in range(5)]
    desk.sync.batch = 20
    report = desk.sync.drain()
    assert report.failed == 1 and report.sent == 5
    assert desk.store.waiting() == 61
    assert len(server_incidents(desk.client)) == len(others)


def test_duplicate_of_an_incident_logged_offline(live_server, desk):
    _, original = desk.outbox.create(incident(description="оригинал"))
    _, copy = desk.outbox.create(incident(description="копия"))
    desk.outbox.mark_duplicate(copy["id"], original["id"], comment="то же место")
    report = desk.sync.drain()
    assert report.failed == 0 and desk.store.waiting() == 0, report.problems
    by_desc = {i["description"]: i for i in server_incidents(desk.client)}
    assert by_desc["копия"]["status"] == "duplicate"
    assert by_desc["копия"]["duplicate_of"] == by_desc["оригинал"]["id"]


def test_an_edit_of_an_older_version_than_cached_goes_to_the_operator(live_server, tmp_path, desk):
    """The card showed version 1 while the cache already had 2: no automatic merge over unseen values."""
    other = Desk(live_server, tmp_path, name="other")
    _, v = desk.outbox.create(incident())
    desk.sync.drain()
    inc_id = desk.store.resolve(v["id"])
    newer = other.client.request("PATCH", f"/api/v1/incidents/{inc_id}", json={"priority": "low"},
                                 headers={"If-Match": '"1"'})
    desk.store.remember([newer])  # as the event stream would
    desk.outbox.patch(inc_id, {"priority": "critical"}, version=1)
    report = desk.sync.drain()
    assert report.conflicts == 1
    assert desk.client.request("GET", f"/api/v1/incidents/{inc_id}")["priority"] == "low"
    other.store.close()


def test_one_drain_per_store_across_processes(live_server, desk):
    """While another process drains this store, a second drain sends nothing (no double comments)."""
    import subprocess
    import sys
    import time

    desk.outbox.create(incident())
    lock = desk.store.path.with_name(desk.store.path.name + ".sync-lock")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time; fh = open(sys.argv[1], 'a+'); fcntl.flock(fh, fcntl.LOCK_EX); "
        "print('held', flush=True); time.sleep(30)"), str(lock)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"held"
        report = desk.sync.drain()
        assert report.sent == 0 and report.remaining == 1
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert desk.sync.drain().sent == 1


def test_same_client_uuid_after_a_refusal_and_on_a_double_click(live_server, desk):
    body = incident(assignee="no_such_service", client_uuid=str(uuid.uuid4()))
    op, v = desk.outbox.create(body)
    again, v2 = desk.outbox.create(body)  # a double click: the same operation, not a second one
    assert again.seq == op.seq and v2["id"] == v["id"] and desk.store.waiting() == 1
    report = desk.sync.drain()
    assert report.failed == 1 and "no_such_service" in report.problems[0]
    desk.store.discard(op.seq)
    fixed, _ = desk.outbox.create({**body, "assignee": None})  # corrected, same client UUID
    assert fixed.seq != op.seq
    assert desk.sync.drain().sent == 1
    [inc] = server_incidents(desk.client)
    assert inc["client_uuid"] == body["client_uuid"] and inc["assignee"] is None


def test_undo_of_a_sent_status_change_is_queued_and_undone_on_the_server(live_server, desk):
    """Sent, then the server went away: the undo waits in the outbox and the server takes it back."""
    _, v = desk.outbox.create(incident())
    desk.sync.drain()
    inc_id = desk.store.resolve(v["id"])
    desk.outbox.change_status(inc_id, "acknowledged")
    assert desk.sync.drain().sent == 1
    live_server.stop()
    op, view = desk.outbox.undo_status(inc_id, "new")
    assert op is not None and op.kind == "undo" and view["status"] == "new"
    server = restart(live_server)
    try:
        assert desk.sync.drain().sent == 1
        history = desk.client.request("GET", f"/api/v1/incidents/{inc_id}/history")
        assert [(h["old"], h["new"]) for h in history if h["field"] == "status"] == [
            ("new", "acknowledged"), ("acknowledged", "new")]
        assert desk.store.incident(inc_id)["status"] == "new"
    finally:
        server.stop()


def test_undo_of_a_status_change_still_in_the_queue_drops_it(live_server, desk):
    _, v = desk.outbox.create(incident())
    desk.sync.drain()
    inc_id = desk.store.resolve(v["id"])
    desk.outbox.change_status(inc_id, "acknowledged")
    with pytest.raises(InvalidOperation):
        desk.outbox.undo_status(inc_id, "rejected")  # it came from new, not from rejected
    op, view = desk.outbox.undo_status(inc_id, "new")
    assert op is None and view["status"] == "new" and desk.store.waiting() == 0
    assert desk.sync.drain().sent == 0
    assert server_incidents(desk.client)[0]["status"] == "new"
