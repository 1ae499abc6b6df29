"""Issue 21's two patterns of false conflicts, reproduced deterministically against a real backend.

Pattern A: the desktop's own earlier edit read as someone else's. Pattern B: one incident
twice in the local cache. Both start from "everything reached the server, the desktop died
before it recorded the answers", made here by a sync pass whose answers are not recorded.
"""

from __future__ import annotations

import pytest

from app.offline.outbox import Outbox
from app.offline.store import OfflineStore
from app.offline.sync import SyncEngine
from backend_client.client import ApiClient
from tests.conftest import TEST_PASSWORD


def incident(**kw) -> dict:
    return {"category": "roads", "priority": "medium", "lat": 51.66, "lon": 35.65,
            "address": "ул. Молодёжная, 1", "description": "Яма на дороге", **kw}


@pytest.fixture
def desk(live_server, tmp_path):
    client = ApiClient(live_server.url, retries=0)
    client.login("dispatcher", TEST_PASSWORD)
    store = OfflineStore(tmp_path / "desk" / "store.sqlite3")
    yield client, store, Outbox(store, user="dispatcher"), SyncEngine(store, client, workers=4)
    store.close()


def killed_before_recording(store: OfflineStore, client: ApiClient) -> None:
    """One pass whose answers all arrive at the server but are never recorded here (a SIGKILL)."""
    doomed = SyncEngine(store, client, workers=4)
    settle = store.settle

    def lost(outcomes) -> list[int]:
        doomed.stop()  # the process is gone: nothing after this batch, nothing recorded
        return []

    store.settle = lost
    try:
        doomed.drain()
    finally:
        store.settle = settle


def server_incidents(client: ApiClient) -> list[dict]:
    return client.request("GET", "/api/v1/incidents", params={"limit": 500})["items"]


def test_pattern_a_own_earlier_edits_are_not_someone_elses(desk):
    client, store, outbox, sync = desk
    _, view = outbox.create(incident())
    outbox.patch(view["id"], {"priority": "high"})            # edit A
    outbox.add_comment(view["id"], "Бригада выехала")          # a comment in between
    outbox.patch(view["id"], {"priority": "low"})             # edit B, the same field
    killed_before_recording(store, client)
    [inc] = server_incidents(client)
    assert (inc["priority"], inc["comment_count"]) == ("low", 1)  # all of it arrived

    report = sync.drain()                                     # the next start
    assert report.conflicts == 0 and report.failed == 0, report.problems
    assert store.waiting() == 0 and not store.ops(("pending", "inflight", "conflict"))
    [inc] = server_incidents(client)
    assert (inc["priority"], inc["comment_count"], inc["version"]) == ("low", 1, 4)


def test_pattern_b_the_server_copy_of_a_local_incident_is_the_same_row(desk):
    client, store, outbox, sync = desk
    op, view = outbox.create(incident())
    local_id, uid = view["id"], op.payload["body"]["client_uuid"]
    outbox.patch(local_id, {"priority": "high"})              # queued on the local copy
    sent = store.sendable
    store.sendable = lambda limit: [o for o in sent(limit) if o.kind == "create"]
    killed_before_recording(store, client)                      # the create arrived, unrecorded
    store.sendable = sent
    # The next start: a refresh (or a live event) brings the server's copy first.
    store.remember(server_incidents(client))
    rows = [v for v in store.incidents() if str(v.get("client_uuid")) == uid]
    assert len(rows) == 1, rows                               # one incident, one row
    [row] = rows
    assert row["id"] > 0 and row["priority"] == "high"        # the server's number, the queued edit on top
    assert store.resolve(local_id) == row["id"]
    outbox.patch(row["id"], {"priority": "critical"})         # the operator edits what the queue shows
    assert {o.incident_id for o in store.ops(("pending", "inflight"))} == {row["id"]}  # one group

    report = sync.drain()
    assert report.conflicts == 0 and report.failed == 0, report.problems
    assert store.waiting() == 0
    [inc] = server_incidents(client)
    assert inc["priority"] == "critical" and inc["client_uuid"] == uid


def test_an_edit_from_a_screen_behind_the_desks_own_edit_is_merged_and_someone_elses_is_a_conflict(
        desk, live_server):
    client, store, outbox, sync = desk
    _, view = outbox.create(incident(description="Яма"))
    sync.drain()
    inc_id = store.resolve(view["id"])
    screen = store.incident(inc_id)                            # what the card shows: version 1
    outbox.patch(inc_id, {"description": "Яма, уточнено"})     # this desk's own edit, delivered
    sync.drain()
    assert store.incident(inc_id)["version"] == 2
    outbox.patch(inc_id, {"description": "Яма у школы"}, version=screen["version"], seen=screen)
    report = sync.drain()
    assert report.conflicts == 0 and report.failed == 0, report.problems
    assert server_incidents(client)[0]["description"] == "Яма у школы"

    other = ApiClient(live_server.url)
    other.login("supervisor", TEST_PASSWORD)
    current = other.request("GET", f"/api/v1/incidents/{inc_id}")
    other.request("PATCH", f"/api/v1/incidents/{inc_id}", json={"description": "Провал"},
                  headers={"If-Match": f'"{current["version"]}"'})
    store.remember([other.request("GET", f"/api/v1/incidents/{inc_id}")])  # the live event
    screen = {**current}                                       # the card has not redrawn yet
    outbox.patch(inc_id, {"description": "Яма у школы, 2 м"}, version=current["version"], seen=screen)
    report = sync.drain()
    assert report.conflicts == 1                               # someone else changed this very field
