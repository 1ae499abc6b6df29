"""Incidents API on SQLite and PostgreSQL: CRUD, filters, concurrency, lifecycle, attachments, bad input."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone

import jwt
import pytest

BASE = "/api/v1/incidents"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
WEBP = b"RIFF\x00\x01\x00\x00WEBPVP8 " + b"\x00" * 200


@pytest.fixture
def services(backend):
    from backend.incidents.models import CityService

    with backend.sessionmaker() as s:
        s.add_all([CityService(code="vodokanal", name="МУП «Водоканал»", phone="", categories=["utilities"]),
                   CityService(code="gorelektroset", name="Горэлектросеть", phone="", categories=["street_lighting"])])
        s.commit()
    return ["gorelektroset", "vodokanal"]


def body(**kw):
    b = {"category": "roads", "priority": "medium", "lat": 51.66, "lon": 35.65,
         "address": "ул. Ленинградская, 12", "description": "Яма на дороге у остановки"}
    b.update(kw)
    return b


def create(c, **kw):
    r = c.post(BASE, json=body(**kw))
    assert r.status_code == 201, r.text
    return r.json()


def err(r, status):
    assert r.status_code == status, r.text
    e = r.json()["error"]
    assert e["message"] and isinstance(e["message"], str)
    return e


# ---------------------------------------------------------------- CRUD

def test_create_get_and_fields(api):
    c = api("dispatcher")
    r = c.post(BASE, json=body(priority="critical", category="utilities", source="citizen"))
    assert r.status_code == 201
    inc = r.json()
    assert inc["number"] == f"И-{inc['id']:06d}"
    assert inc["status"] == "new" and inc["version"] == 1 and inc["created_by"] == "dispatcher"
    assert r.headers["ETag"] == '"1"' and r.headers["Location"].endswith(f"/{inc['id']}")
    created = datetime.fromisoformat(inc["created_at"])
    due = datetime.fromisoformat(inc["sla_due_at"])
    assert timedelta(hours=1) <= due - created <= timedelta(hours=2)  # critical utilities is fast
    assert inc["overdue"] is False and inc["comment_count"] == 0 and inc["attachment_count"] == 0
    g = c.get(f"{BASE}/{inc['id']}")
    assert g.status_code == 200 and g.json() == inc and g.headers["ETag"] == '"1"'
    assert c.get(f"{BASE}/{inc['id']}", headers={"If-None-Match": '"1"'}).status_code == 304
    assert c.get(BASE).json()["items"] == [inc]  # the fast list path serialises exactly like get


def test_openapi_operation_ids(api):
    spec = api().get("/openapi.json").json()
    ops = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"incidents_create", "incidents_list", "incidents_get", "incidents_update", "incidents_change_status",
            "incidents_assign", "incidents_mark_duplicate", "incidents_comments", "incidents_comment_add",
            "incidents_history", "incidents_attachment_add", "incidents_attachment_download",
            "incidents_categories", "city_services_list"} <= ops


def test_categories_and_services(api, services):
    c = api("dispatcher")
    cats = c.get(f"{BASE}/categories").json()
    assert [x["code"] for x in cats][:2] == ["street_lighting", "roads"]
    assert all(x["sla_hours"]["critical"] < x["sla_hours"]["low"] for x in cats)
    assert sorted(s["code"] for s in c.get("/api/v1/services").json()) == services


def test_patch_needs_if_match_and_rejects_stale(api):
    c = api("dispatcher")
    inc = create(c)
    url = f"{BASE}/{inc['id']}"
    e = err(c.patch(url, json={"priority": "high"}), 428)
    assert "If-Match" in e["message"]
    r = c.patch(url, json={"priority": "high", "description": "Яма глубиной 20 см"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.headers["ETag"] == '"2"'
    assert r.json()["priority"] == "high"
    assert r.json()["sla_due_at"] < inc["sla_due_at"]  # higher priority → sooner
    e = err(c.patch(url, json={"priority": "low"}, headers={"If-Match": '"1"'}), 412)
    assert e["details"]["current_version"] == 2 and e["details"]["incident"]["priority"] == "high"
    assert "changed by someone else" in e["message"]
    err(c.patch(url, json={"priority": "low"}, headers={"If-Match": "banana"}), 400)
    err(c.patch(url, json={"description": None}, headers={"If-Match": '"2"'}), 422)
    assert "status" in err(c.patch(url, json={"status": "closed"}, headers={"If-Match": '"2"'}), 422)["message"]
    # If-Match compares strongly (RFC 9110): W/"2" never matches; a bare 2 is taken as "2";
    # an unchanged value is no new version.
    err(c.patch(url, json={"priority": "high"}, headers={"If-Match": 'W/"2"'}), 412)
    r = c.patch(url, json={"priority": "high"}, headers={"If-Match": "2"})
    assert r.status_code == 200 and r.json()["version"] == 2


def test_history_records_who_when_old_new(api):
    d, s = api("dispatcher"), api("supervisor")
    inc = create(d)
    url = f"{BASE}/{inc['id']}"
    d.patch(url, json={"address": "ул. Космонавтов, 3"}, headers={"If-Match": '"1"'})
    s.post(f"{url}/status", json={"status": "acknowledged", "comment": "Принято"})
    h = d.get(f"{url}/history").json()
    fields = [(x["field"], x["old"], x["new"], x["who"]) for x in h]
    assert fields[0] == ("created", None, "new", "dispatcher")
    assert ("address", "ул. Ленинградская, 12", "ул. Космонавтов, 3", "dispatcher") in fields
    assert ("status", "new", "acknowledged", "supervisor") in fields
    assert ("comment", None, "Принято", "supervisor") in fields
    assert all(datetime.fromisoformat(x["when"]).tzinfo is not None for x in h)


def test_comments(api):
    c = api("dispatcher")
    inc = create(c)
    url = f"{BASE}/{inc['id']}/comments"
    r = c.post(url, json={"text": "Позвонили заявителю"})
    assert r.status_code == 201 and r.json()["author"] == "dispatcher"
    err(c.post(url, json={"text": "   "}), 422)
    err(c.post(url, json={}), 422)
    assert [x["text"] for x in c.get(url).json()] == ["Позвонили заявителю"]
    got = c.get(f"{BASE}/{inc['id']}").json()
    assert got["comment_count"] == 1 and got["version"] == 2


# ---------------------------------------------------------------- idempotency

def test_idempotency_key_same_body_gives_first_result(api):
    c = api("dispatcher")
    h = {"Idempotency-Key": "abc-1"}
    r1 = c.post(BASE, json=body(), headers=h)
    r2 = c.post(BASE, json=body(), headers=h)
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["id"] == r2.json()["id"]
    assert c.get(BASE).json()["total"] == 1
    e = err(c.post(BASE, json=body(description="Совсем другое"), headers=h), 422)
    assert "Idempotency-Key" in e["message"] and "different" in e["message"]
    # Another user's identical key is their own.
    r3 = api("supervisor").post(BASE, json=body(), headers=h)
    assert r3.status_code == 201 and r3.json()["id"] != r1.json()["id"]


def test_every_change_with_a_key_is_done_once_and_a_repeat_gets_the_first_answer(api):
    """Issue 21: a retry after a lost answer is the client's own earlier write, not a 412 or a double."""
    c = api("dispatcher")
    inc = create(c)
    url = f"{BASE}/{inc['id']}"
    h = {"If-Match": '"1"', "Idempotency-Key": "edit-1"}
    first = c.patch(url, json={"priority": "high"}, headers=h)
    assert first.status_code == 200 and first.json()["version"] == 2
    comment = c.post(f"{url}/comments", json={"text": "Выехала бригада"}, headers={"Idempotency-Key": "c-1"})
    assert comment.status_code == 201
    status = c.post(f"{url}/status", json={"status": "acknowledged", "comment": "Принято"},
                    headers={"If-Match": '"3"', "Idempotency-Key": "s-1"})
    assert status.status_code == 200 and status.json()["version"] == 4
    # The same requests again, as after a crash before the answers were recorded.
    again = c.patch(url, json={"priority": "high"}, headers=h)
    assert again.status_code == 200 and again.json() == first.json() and again.headers["ETag"] == '"2"'
    assert c.post(f"{url}/comments", json={"text": "Выехала бригада"},
                  headers={"Idempotency-Key": "c-1"}).json() == comment.json()
    assert c.post(f"{url}/status", json={"status": "acknowledged", "comment": "Принято"},
                  headers={"If-Match": '"3"', "Idempotency-Key": "s-1"}).json() == status.json()
    now = c.get(url).json()
    assert (now["version"], now["comment_count"], now["priority"], now["status"]) == (4, 2, "high", "acknowledged")
    assert len(c.get(f"{url}/comments").json()) == 2
    # The same key for another request is refused; without a key a stale edit is still a 412.
    e = err(c.patch(url, json={"priority": "low"}, headers=h), 422)
    assert "Idempotency-Key" in e["message"]
    err(c.patch(url, json={"priority": "low"}, headers={"If-Match": '"1"'}), 412)
    # A refused request is not remembered: the same key may carry it again once it can succeed.
    err(c.patch(url, json={"priority": "low"}, headers={"If-Match": '"1"', "Idempotency-Key": "late"}), 412)
    assert c.patch(url, json={"priority": "low"}, headers={"If-Match": '"4"', "Idempotency-Key": "late"}).json()[
        "priority"] == "low"


def test_a_photo_with_a_key_is_stored_once(api):
    c = api("dispatcher")
    inc = create(c)
    url = f"{BASE}/{inc['id']}/attachments"
    h = {"Idempotency-Key": "photo-1"}
    a = c.post(url, files={"file": ("a.png", PNG, "image/png")}, headers=h)
    b = c.post(url, files={"file": ("a.png", PNG, "image/png")}, headers=h)
    assert a.status_code == b.status_code == 201 and a.json() == b.json()
    assert len(c.get(url).json()) == 1
    err(c.post(url, files={"file": ("b.jpg", JPEG, "image/jpeg")}, headers=h), 422)


def test_client_uuid_repeat_returns_existing(api):
    c = api("dispatcher")
    u = str(uuid.uuid4())
    first = create(c, client_uuid=u)
    r = c.post(BASE, json=body(client_uuid=u))
    assert r.status_code == 200 and r.json()["id"] == first["id"] and r.json()["client_uuid"] == u
    err(c.post(BASE, json=body(client_uuid="not-a-uuid")), 422)


# ---------------------------------------------------------------- list

def _seed_list(c):
    made = []
    specs = [("roads", "critical", 51.650, 35.640, "Провал асфальта"),
             ("waste", "low", 51.655, 35.645, "Переполнен контейнер"),
             ("utilities", "high", 51.660, 35.650, "Нет горячей воды"),
             ("street_lighting", "medium", 51.665, 35.655, "Не горят фонари"),
             ("roads", "low", 51.700, 35.700, "Яма за городом")]
    for cat, pri, lat, lon, text in specs:
        made.append(create(c, category=cat, priority=pri, lat=lat, lon=lon, description=text))
    return made


def test_list_filters_sort_pagination(api):
    c = api("dispatcher")
    made = _seed_list(c)
    c.post(f"{BASE}/{made[2]['id']}/status", json={"status": "acknowledged"})

    page = c.get(BASE).json()
    assert page["total"] == 5 and [i["id"] for i in page["items"]] == [m["id"] for m in reversed(made)]
    assert [i["id"] for i in c.get(BASE, params={"sort": "created_at"}).json()["items"]] == [m["id"] for m in made]
    pri = [i["priority"] for i in c.get(BASE, params={"sort": "priority"}).json()["items"]]
    assert pri == ["critical", "high", "medium", "low", "low"]
    pri = [i["priority"] for i in c.get(BASE, params={"sort": "-priority"}).json()["items"]]
    assert pri[0] == "low" and pri[-1] == "critical"
    due = [i["sla_due_at"] for i in c.get(BASE, params={"sort": "sla_due_at"}).json()["items"]]
    assert due == sorted(due)
    assert c.get(BASE, params={"sort": "-updated_at"}).json()["items"][0]["id"] == made[2]["id"]

    p1 = c.get(BASE, params={"limit": 2, "offset": 0}).json()
    p2 = c.get(BASE, params={"limit": 2, "offset": 2}).json()
    p3 = c.get(BASE, params={"limit": 2, "offset": 4}).json()
    ids = [i["id"] for p in (p1, p2, p3) for i in p["items"]]
    assert len(ids) == 5 == len(set(ids)) and p1["total"] == 5 and p1["limit"] == 2
    beyond = c.get(BASE, params={"limit": 2, "offset": 10}).json()  # the count rides with the rows; none here
    assert beyond["items"] == [] and beyond["total"] == 5
    assert c.get(BASE, params={"status": "closed"}).json() == {"items": [], "total": 0, "offset": 0, "limit": 50}

    def ids_for(**params):
        r = c.get(BASE, params=params)
        assert r.status_code == 200, r.text
        return {i["id"] for i in r.json()["items"]}

    assert ids_for(status="acknowledged") == {made[2]["id"]}
    assert ids_for(status=["new", "acknowledged"]) == {m["id"] for m in made}
    assert ids_for(category="roads") == {made[0]["id"], made[4]["id"]}
    assert ids_for(category="roads,waste") == {made[0]["id"], made[1]["id"], made[4]["id"]}
    assert ids_for(priority=["low", "critical"]) == {made[0]["id"], made[1]["id"], made[4]["id"]}
    assert ids_for(q="горячей") == {made[2]["id"]}
    assert ids_for(q="ГОРЯЧЕЙ") == {made[2]["id"]}  # Cyrillic case folding works on SQLite too
    assert ids_for(q="100%") == set()
    assert ids_for(q=made[3]["number"]) == {made[3]["id"]}
    assert made[3]["id"] in ids_for(q=str(made[3]["id"]))  # bare digits: number or text
    assert ids_for(bbox="35.63,51.645,35.675,51.675") == {m["id"] for m in made[:4]}
    assert ids_for(bbox="35.642,51.652,35.652,51.662") == {made[1]["id"], made[2]["id"]}
    assert ids_for(overdue="true") == set()
    assert len(ids_for(overdue="false")) == 5
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    assert ids_for(since=future) == set()
    assert len(ids_for(until=future)) == 5
    err(c.get(BASE, params={"since": "2020-01-01T00:00:00"}), 422)  # no zone: which city's 10:00? (issue 18)


def test_list_items_are_exactly_what_get_returns(api, backend, services):
    """The list writes its rows straight to JSON, skipping the per-row model: every field, its
    format (datetimes, UUIDs, numbers) and the overdue flag must still match GET of the same incident."""
    from backend.incidents.models import Incident
    from backend_client.schemas.common import Page
    from backend_client.schemas.incidents import IncidentOut

    c = api("dispatcher")
    full = create(c, client_uuid=str(uuid.uuid4()), assignee="vodokanal", priority="critical", source="citizen")
    plain = create(c, category="waste", priority="low", address="")
    dup = create(c)
    assert c.post(f"{BASE}/{dup['id']}/duplicate", json={"duplicate_of": full["id"]}).status_code == 200
    assert c.post(f"{BASE}/{plain['id']}/comments", json={"text": "Выехала бригада"}).status_code == 201
    with backend.sessionmaker() as s:  # one incident past its SLA, one resolved after it (never overdue)
        s.get(Incident, full["id"]).sla_due_at = datetime.now(timezone.utc) - timedelta(hours=2)
        late = s.get(Incident, plain["id"])
        late.sla_due_at, late.status = datetime.now(timezone.utc) - timedelta(hours=1), "resolved"
        s.commit()

    for params in ({}, {"sort": "priority"}, {"status": "new,duplicate,resolved", "sort": "sla_due_at"},
                   {"q": "яма"}, {"overdue": "true"}):
        page = c.get(BASE, params=params).json()
        Page[IncidentOut].model_validate(page)  # the declared response model
        assert page["items"], params
        for item in page["items"]:
            assert item == c.get(f"{BASE}/{item['id']}").json(), params
    overdue = {i["id"]: i["overdue"] for i in c.get(BASE).json()["items"]}
    assert overdue == {full["id"]: True, plain["id"]: False, dup["id"]: False}


def test_list_bad_filters_are_422_with_messages(api):
    c = api("dispatcher")
    assert "status" in err(c.get(BASE, params={"status": "lost"}), 422)["message"]
    assert "category" in err(c.get(BASE, params={"category": "ufo"}), 422)["message"]
    assert "bbox" in err(c.get(BASE, params={"bbox": "1,2,3"}), 422)["message"]
    assert "bbox" in err(c.get(BASE, params={"bbox": "35.7,51.6,35.6,51.7"}), 422)["message"]
    assert "bbox" in err(c.get(BASE, params={"bbox": "a,b,c,d"}), 422)["message"]
    assert "sort" in err(c.get(BASE, params={"sort": "colour"}), 422)["message"]
    err(c.get(BASE, params={"limit": 0}), 422)
    err(c.get(BASE, params={"limit": 100000}), 422)
    err(c.get(BASE, params={"offset": -1}), 422)
    err(c.get(BASE, params={"since": "yesterday"}), 422)
    err(c.get(BASE, params={"overdue": "maybe"}), 422)
    err(c.get(BASE, params={"q": "a\x00b"}), 422)


# ---------------------------------------------------------------- lifecycle

def test_lifecycle_and_illegal_transitions(api, services):
    d, s = api("dispatcher"), api("supervisor")
    inc = create(d)
    url = f"{BASE}/{inc['id']}"
    e = err(d.post(f"{url}/status", json={"status": "resolved"}), 409)
    assert "from new to resolved" in e["message"] and e["details"]["from"] == "new"
    assert e["details"]["allowed"] == ["acknowledged", "rejected"]
    r = d.post(f"{url}/assign", json={"assignee": "vodokanal"})
    assert r.status_code == 200 and r.json()["assignee"] == "vodokanal"
    assert "Unknown city service" in err(d.post(f"{url}/assign", json={"assignee": "nasa"}), 422)["message"]
    for status in ("acknowledged", "in_progress", "resolved", "closed"):
        r = d.post(f"{url}/status", json={"status": status})
        assert r.status_code == 200 and r.json()["status"] == status, r.text
    err(d.post(f"{url}/status", json={"status": "closed"}), 409)  # already closed
    # Reopening a closed incident is a supervisor's call.
    assert "supervisor" in err(d.post(f"{url}/status", json={"status": "in_progress"}), 403)["message"]
    r = s.post(f"{url}/status", json={"status": "in_progress", "comment": "Жалоба повторилась"})
    assert r.status_code == 200 and r.json()["comment_count"] == 1
    err(d.post(f"{url}/status", json={"status": "duplicate"}), 409)
    err(d.post(f"{url}/status", json={"status": "teleported"}), 422)
    r = d.post(f"{url}/assign", json={"assignee": None})
    assert r.json()["assignee"] is None
    # If-Match is optional on actions but checked when given.
    v = r.json()["version"]
    err(d.post(f"{url}/status", json={"status": "resolved"}, headers={"If-Match": f'"{v - 1}"'}), 412)
    assert d.post(f"{url}/status", json={"status": "resolved"}, headers={"If-Match": f'"{v}"'}).status_code == 200


def test_rejected_and_resolved_reopen(api):
    d, s = api("dispatcher"), api("supervisor")
    inc = create(d)
    url = f"{BASE}/{inc['id']}"
    assert d.post(f"{url}/status", json={"status": "rejected"}).status_code == 200
    err(d.post(f"{url}/status", json={"status": "new"}), 403)
    assert s.post(f"{url}/status", json={"status": "new"}).json()["status"] == "new"
    for st in ("acknowledged", "in_progress", "resolved"):
        d.post(f"{url}/status", json={"status": st})
    # A resolved incident the citizen says is not fixed goes back to work; no supervisor needed.
    assert d.post(f"{url}/status", json={"status": "in_progress"}).json()["status"] == "in_progress"


def test_duplicates(api):
    d, s = api("dispatcher"), api("supervisor")
    a, b, c3 = create(d), create(d), create(d)
    err(d.post(f"{BASE}/{a['id']}/duplicate", json={"duplicate_of": a["id"]}), 409)
    err(d.post(f"{BASE}/{a['id']}/duplicate", json={"duplicate_of": 999999}), 404)
    err(d.post(f"{BASE}/{a['id']}/duplicate", json={"duplicate_of": "x"}), 422)
    r = d.post(f"{BASE}/{b['id']}/duplicate", json={"duplicate_of": a["id"], "comment": "Тот же адрес"})
    assert r.status_code == 200 and r.json()["status"] == "duplicate" and r.json()["duplicate_of"] == a["id"]
    err(d.post(f"{BASE}/{b['id']}/duplicate", json={"duplicate_of": c3["id"]}), 409)  # already a duplicate
    # a → b would close the loop b → a.
    e = err(d.post(f"{BASE}/{a['id']}/duplicate", json={"duplicate_of": b["id"]}), 409)
    assert "cycle" in e["message"]
    # c3 → b → a is a chain, not a cycle: fine.
    assert d.post(f"{BASE}/{c3['id']}/duplicate", json={"duplicate_of": b["id"]}).status_code == 200
    e = err(d.post(f"{BASE}/{a['id']}/duplicate", json={"duplicate_of": c3["id"]}), 409)
    assert "cycle" in e["message"]
    # Un-duplicating is a reopen: supervisor, and it clears duplicate_of.
    err(d.post(f"{BASE}/{b['id']}/status", json={"status": "new"}), 403)
    r = s.post(f"{BASE}/{b['id']}/status", json={"status": "new"})
    assert r.json()["status"] == "new" and r.json()["duplicate_of"] is None


# ---------------------------------------------------------------- attachments

def test_attachments_by_magic_bytes(api, backend):
    d = api("dispatcher")
    inc = create(d)
    url = f"{BASE}/{inc['id']}/attachments"
    for data, ctype in ((JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp")):
        # The declared type and name do not matter; the bytes do.
        r = d.post(url, files={"file": ("снимок.bin", data, "application/octet-stream")})
        assert r.status_code == 201, r.text
        a = r.json()
        assert a["content_type"] == ctype and a["size"] == len(data) and a["uploaded_by"] == "dispatcher"
        got = d.get(a["url"])
        assert got.status_code == 200 and got.content == data and got.headers["content-type"] == ctype
    e = err(d.post(url, files={"file": ("photo.jpg", b"GIF89a" + b"\x00" * 50, "image/jpeg")}), 415)
    assert "JPEG, PNG and WebP" in e["message"]
    err(d.post(url, files={"file": ("photo.jpg", b"", "image/jpeg")}), 422)
    err(d.post(url, files={"other": ("photo.jpg", JPEG, "image/jpeg")}), 422)
    err(d.post(url, content=b"{}", headers={"Content-Type": "application/json"}), 422)
    listed = d.get(url).json()
    assert len(listed) == 3 and d.get(f"{BASE}/{inc['id']}").json()["attachment_count"] == 3
    err(d.get(f"{url}/999999"), 404)
    # Deleting needs a supervisor.
    err(d.delete(listed[0]["url"]), 403)
    assert api("supervisor").delete(listed[0]["url"]).status_code == 204
    assert d.get(listed[0]["url"]).status_code == 404
    assert d.get(f"{BASE}/{inc['id']}").json()["attachment_count"] == 2
    files = [p for p in (backend.tmp / "media").rglob("*") if p.is_file()]
    assert len(files) == 2 and not any(p.name.startswith(".upload") for p in files)


def test_oversize_attachment_is_413(api, backend):
    backend.settings.max_attachment_bytes = 1000
    d = api("dispatcher")
    inc = create(d)
    url = f"{BASE}/{inc['id']}/attachments"
    e = err(d.post(url, files={"file": ("big.jpg", JPEG + b"\x00" * 2000, "image/jpeg")}), 413)
    assert "larger than the limit" in e["message"]
    # Over the limit by far: refused from Content-Length before reading.
    err(d.post(url, files={"file": ("huge.jpg", JPEG + b"\x00" * 200_000, "image/jpeg")}), 413)
    assert d.post(url, files={"file": ("ok.jpg", JPEG, "image/jpeg")}).status_code == 201
    assert not [p for p in (backend.tmp / "media").rglob(".upload-*")]


# ---------------------------------------------------------------- bad input

def test_unknown_ids_are_404(api):
    d = api("dispatcher")
    for method, path, kw in [("get", "/999999", {}), ("get", "/999999/history", {}),
                             ("get", "/999999/comments", {}), ("post", "/999999/comments", {"json": {"text": "x"}}),
                             ("post", "/999999/status", {"json": {"status": "acknowledged"}}),
                             ("post", "/999999/assign", {"json": {"assignee": None}}),
                             ("patch", "/999999", {"json": {"priority": "low"}, "headers": {"If-Match": '"1"'}}),
                             ("get", "/999999/attachments", {}),
                             ("post", "/999999/attachments", {"files": {"file": ("a.jpg", JPEG, "image/jpeg")}})]:
        r = getattr(d, method)(BASE + path, **kw)
        assert r.status_code == 404, (method, path, r.text)
        assert "does not exist" in r.json()["error"]["message"]
    err(d.get(f"{BASE}/abc"), 422)
    err(d.get(f"{BASE}/0"), 422)
    err(d.get(f"{BASE}/99999999999999999999"), 422)


def test_wrong_types_and_ranges_are_422(api):
    d = api("dispatcher")
    cases = [body(lat=91), body(lon=-181), body(lat="north"), body(category="ufo"), body(priority="urgent"),
             body(source="pigeon"), body(description=""), body(description="   "), body(description="a\x00b"),
             body(description="x" * 5000), {"category": "roads"}, [1, 2, 3], "text"]
    for b in cases:
        e = err(d.post(BASE, json=b), 422)
        assert e["message"].startswith("Invalid request") or e["code"] == "invalid", e
    assert "lat" in err(d.post(BASE, json=body(lat=91)), 422)["message"]
    assert "category" in err(d.post(BASE, json=body(category="ufo")), 422)["message"]
    assert "city service" in err(d.post(BASE, json=body(assignee="nasa")), 422)["message"]
    inc = create(d)
    err(d.patch(f"{BASE}/{inc['id']}", json={"lat": "x"}, headers={"If-Match": '"1"'}), 422)
    err(d.patch(f"{BASE}/{inc['id']}", json={"priority": None}, headers={"If-Match": '"1"'}), 422)


def test_malformed_json_is_422(api):
    d = api("dispatcher")
    for url in (BASE, f"{BASE}/1/comments"):
        e = err(d.post(url, content=b'{"category": "roads", ', headers={"Content-Type": "application/json"}), 422)
        assert "JSON" in e["message"]


# ---------------------------------------------------------------- auth and roles

def test_all_roles_handle_incidents_anonymous_cannot(api):
    for role in ("dispatcher", "supervisor", "admin"):
        c = api(role)
        inc = create(c)
        assert c.get(BASE).status_code == 200
        assert c.post(f"{BASE}/{inc['id']}/status", json={"status": "acknowledged"}).status_code == 200
    anon = api()
    assert err(anon.get(BASE), 401)["code"] == "unauthorized"
    err(anon.post(BASE, json=body()), 401)
    err(anon.get(f"{BASE}/categories"), 401)


def test_expired_token_is_401(api, backend):
    c = api()
    past = {"sub": "1", "role": "dispatcher", "exp": int(time.time()) - 5}
    token = jwt.encode(past, backend.settings.secret_key, algorithm="HS256")
    e = err(c.get(BASE, headers={"Authorization": f"Bearer {token}"}), 401)
    assert "expired" in e["message"]


# ---------------------------------------------------------------- events and SLA

def test_every_change_publishes_the_full_incident(api, backend, services):
    from sqlalchemy import select

    from backend.events.models import Event

    d = api("dispatcher")
    inc = create(d)
    url = f"{BASE}/{inc['id']}"
    d.patch(url, json={"priority": "high"}, headers={"If-Match": '"1"'})
    d.post(f"{url}/status", json={"status": "acknowledged"})
    d.post(f"{url}/assign", json={"assignee": "vodokanal"})
    d.post(f"{url}/comments", json={"text": "ok"})
    d.post(f"{url}/attachments", files={"file": ("a.png", PNG, "image/png")})
    d.post(f"{url}/status", json={"status": "resolved"})  # illegal: no event
    with backend.sessionmaker() as s:
        events = [(e.type, e.data) for e in s.scalars(select(Event).where(Event.type.like("incident.%"))
                                                        .order_by(Event.id))]
    assert [t for t, _ in events] == ["incident.created"] + ["incident.updated"] * 5
    assert [e["version"] for _, e in events] == [1, 2, 3, 4, 5, 6]
    last = events[-1][1]
    assert last == d.get(url).json()
    assert last["assignee"] == "vodokanal" and last["comment_count"] == 1 and last["attachment_count"] == 1


def test_sla_table_and_overdue(api, backend):
    from backend.incidents import sla
    from backend.incidents.models import Incident

    assert sla.sla_hours("roads", "critical") == 2 and sla.sla_hours("roads", "low") == 72
    assert sla.sla_hours("traffic_lights", "high") < sla.sla_hours("landscaping", "high")
    d = api("dispatcher")
    late, fine = create(d), create(d)
    with backend.sessionmaker() as s:  # pretend it was logged two days ago
        row = s.get(Incident, late["id"])
        row.sla_due_at = datetime.now(timezone.utc) - timedelta(hours=1)
        s.commit()
    assert d.get(f"{BASE}/{late['id']}").json()["overdue"] is True
    assert {i["id"] for i in d.get(BASE, params={"overdue": "true"}).json()["items"]} == {late["id"]}
    assert {i["id"] for i in d.get(BASE, params={"overdue": "false"}).json()["items"]} == {fine["id"]}
    # The clock stops when the work is done.
    for st in ("acknowledged", "in_progress", "resolved"):
        d.post(f"{BASE}/{late['id']}/status", json={"status": st})
    assert d.get(f"{BASE}/{late['id']}").json()["overdue"] is False


def test_own_last_status_change_can_be_undone_within_the_window(api, backend):
    """Undo is outside the transition rules (acknowledged → new), so it has guards of its own."""
    from backend.audit.models import AuditEntry
    from backend.incidents.models import IncidentHistory
    from backend_client.schemas.incidents import UNDO_WINDOW_S

    d, s = api("dispatcher"), api("supervisor")
    inc = create(d)
    url = f"{BASE}/{inc['id']}"
    # The transition rules alone refuse the way back.
    r = d.post(f"{url}/status", json={"status": "acknowledged"})
    v = r.json()["version"]
    err(d.post(f"{url}/status", json={"status": "new"}), 409)
    # If-Match is required and checked; the target must be the status before the change.
    err(d.post(f"{url}/status/undo", json={"status": "new"}), 428)
    err(d.post(f"{url}/status/undo", json={"status": "new"}, headers={"If-Match": f'"{v - 1}"'}), 412)
    assert "from new" in err(d.post(f"{url}/status/undo", json={"status": "rejected"},
                                    headers={"If-Match": f'"{v}"'}), 409)["message"]
    # Only its author takes a change back, whatever their role.
    assert "dispatcher" in err(s.post(f"{url}/status/undo", json={"status": "new"},
                                      headers={"If-Match": f'"{v}"'}), 403)["message"]
    r = d.post(f"{url}/status/undo", json={"status": "new"}, headers={"If-Match": f'"{v}"'})
    assert r.status_code == 200 and r.json()["status"] == "new" and r.json()["version"] == v + 1
    statuses = [(h["old"], h["new"]) for h in d.get(f"{url}/history").json() if h["field"] == "status"]
    assert statuses[-2:] == [("new", "acknowledged"), ("acknowledged", "new")]
    with backend.sessionmaker() as db:
        entry = db.query(AuditEntry).filter_by(action="incident.status_undo").one()
        assert entry.username == "dispatcher" and entry.details["from"] == "acknowledged"

    # Anything changed since (here: an assignment) means the change is no longer the last one.
    v = d.post(f"{url}/status", json={"status": "acknowledged"}).json()["version"]
    v = d.post(f"{url}/assign", json={"assignee": None, "comment": "ждём звонка"}).json()["version"]
    assert "nothing to undo" in err(d.post(f"{url}/status/undo", json={"status": "new"},
                                           headers={"If-Match": f'"{v}"'}), 409)["message"]

    # Too late: the change is older than the window.
    v = d.post(f"{url}/status", json={"status": "in_progress"}).json()["version"]
    with backend.sessionmaker() as db:
        last = db.query(IncidentHistory).filter_by(incident_id=inc["id"]).order_by(IncidentHistory.id.desc()).first()
        last.at = last.at - timedelta(seconds=UNDO_WINDOW_S + 1)
        db.commit()
    assert "Too late" in err(d.post(f"{url}/status/undo", json={"status": "acknowledged"},
                                    headers={"If-Match": f'"{v}"'}), 409)["message"]


def test_undo_of_marking_a_duplicate_restores_the_link(api):
    d = api("dispatcher")
    a, b = create(d), create(d)
    r = d.post(f"{BASE}/{b['id']}/duplicate", json={"duplicate_of": a["id"]})
    assert r.json()["status"] == "duplicate"
    r = d.post(f"{BASE}/{b['id']}/status/undo", json={"status": "new"}, headers={"If-Match": f'"{r.json()["version"]}"'})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["duplicate_of"]) == ("new", None)
