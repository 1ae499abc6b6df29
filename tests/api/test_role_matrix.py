"""Every operation in /openapi.json against every identity (issue 18, "tests that keep it found").

Generated from the running app's OpenAPI document, so an endpoint added by any domain is covered
the moment it exists: without a token, with a forged one and with an expired one it must answer
401 (unless it is listed as public below), and the lowest role it lets through must be the one
written in ROLE_MATRIX. A new operation fails this test until someone decides who may call it.
"""

from __future__ import annotations

import re
import time

import jwt
import pytest
from fastapi.testclient import TestClient

from tests.conftest import TEST_PASSWORD, make_backend

ROLES = ("dispatcher", "supervisor", "admin")
# Open to anyone by design (citizens, stop boards, feeds, the login itself).
PUBLIC = re.compile(r"^(/api/v1/health|/api/v1/auth/token|/open311/|/public/|/boards/|/gtfs-rt/)")
# operation id → the lowest role that may call it (ARCHITECTURE.md: supervisors add the video
# archive, exports and audit; admins users, cameras and devices). Add every new operation here.
ROLE_MATRIX: dict[str, str] = {
    "stats_incidents": "dispatcher",
    "reports_create": "supervisor",
    "reports_file": "supervisor",
    "reports_get": "supervisor",
    "reports_list": "supervisor",
    "signals_applications": "dispatcher",
    "signals_command": "supervisor",
    "signals_controller": "dispatcher",
    "signals_controller_create": "admin",
    "signals_controllers": "dispatcher",
    "signals_events_csv": "dispatcher",
    "signals_events_stats": "dispatcher",
    "signals_faults": "dispatcher",
    "signals_measures": "dispatcher",
    "signals_pcd": "dispatcher",
    "signals_plan_apply": "supervisor",
    "signals_plan_create": "supervisor",
    "signals_plan_delete": "supervisor",
    "signals_plan_recommend": "dispatcher",
    "signals_plan_rollback": "supervisor",
    "signals_plan_update": "supervisor",
    "signals_plans": "dispatcher",
    "signals_state": "dispatcher",
    "stats_archive": "supervisor",
    "stats_cleaning": "dispatcher",
    "stats_cleaning_period": "dispatcher",
    "stats_energy": "dispatcher",
    "stats_energy_period": "dispatcher",
    "stats_incidents_period": "dispatcher",
    "stats_index": "dispatcher",
    "stats_signals": "dispatcher",
    "stats_signals_period": "dispatcher",
    "stats_transit": "dispatcher",
    "stats_works": "dispatcher",
    "stats_works_period": "dispatcher",
    "transit_alert_create": "dispatcher",
    "transit_alert_end": "dispatcher",
    "transit_alert_update": "dispatcher",
    "transit_alerts": "dispatcher",
    "transit_ingest_stats": "dispatcher",
    "transit_route": "dispatcher",
    "transit_route_marey": "dispatcher",
    "transit_routes": "dispatcher",
    "transit_stop_arrivals": "dispatcher",
    "transit_stops": "dispatcher",
    "transit_vehicles": "dispatcher",
    "audit_list": "supervisor",
    "auth_me": "dispatcher",
    "camera_layouts_create": "dispatcher",
    "camera_layouts_delete": "dispatcher",
    "camera_layouts_list": "dispatcher",
    "camera_layouts_update": "dispatcher",
    "cameras_create": "admin",
    "cameras_delete": "admin",
    "cameras_get": "dispatcher",
    "cameras_list": "dispatcher",
    "cameras_update": "admin",
    "city_services_list": "dispatcher",
    "cleaning_coverage": "dispatcher",
    "cleaning_fixes_post": "dispatcher",
    "cleaning_section_windows": "dispatcher",
    "cleaning_sections_create": "supervisor",
    "cleaning_sections_list": "dispatcher",
    "cleaning_sections_update": "supervisor",
    "cleaning_vehicles_day": "dispatcher",
    "cleaning_vehicles_list": "dispatcher",
    "devices_create": "admin",
    "devices_get": "dispatcher",
    "devices_list": "dispatcher",
    "energy_alarms_ack": "dispatcher",
    "energy_alarms_list": "dispatcher",
    "energy_overview": "dispatcher",
    "energy_series": "dispatcher",
    "energy_totals": "dispatcher",
    "events_stream": "dispatcher",
    "incidents_assign": "dispatcher",
    "incidents_attachment_add": "dispatcher",
    "incidents_attachment_delete": "supervisor",
    "incidents_attachment_download": "dispatcher",
    "incidents_attachments": "dispatcher",
    "incidents_categories": "dispatcher",
    "incidents_change_status": "dispatcher",
    "incidents_undo_status": "dispatcher",
    "incidents_comment_add": "dispatcher",
    "incidents_comments": "dispatcher",
    "incidents_create": "dispatcher",
    "incidents_get": "dispatcher",
    "incidents_history": "dispatcher",
    "incidents_list": "dispatcher",
    "incidents_mark_duplicate": "dispatcher",
    "incidents_update": "dispatcher",
    "recordings_bookmarks_create": "supervisor",
    "recordings_bookmarks_delete": "supervisor",
    "recordings_bookmarks_list": "supervisor",
    "recordings_exports_create": "supervisor",
    "recordings_exports_file": "supervisor",
    "recordings_exports_get": "supervisor",
    "recordings_exports_list": "supervisor",
    "recordings_locks_create": "supervisor",
    "recordings_locks_delete": "supervisor",
    "recordings_locks_list": "supervisor",
    "recordings_playback_start": "supervisor",
    "recordings_segment_file": "supervisor",
    "recordings_set_quota": "supervisor",
    "recordings_timeline": "supervisor",
    "sites_create": "admin",
    "sites_tree": "dispatcher",
    "telemetry_post": "dispatcher",
    "telemetry_stats": "dispatcher",
    "users_create": "admin",
    "users_list": "admin",
    "works_check": "dispatcher",
    "works_incident_check": "dispatcher",
    "works_incident_violation": "dispatcher",
    "works_permits_create": "supervisor",
    "works_permits_get": "dispatcher",
    "works_permits_import": "supervisor",
    "works_permits_list": "dispatcher",
    "works_permits_update": "supervisor",
    "works_summary": "dispatcher",
}


@pytest.fixture(scope="module")
def app_and_tokens(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roles")
    b = make_backend(f"sqlite:///{tmp / 'roles.sqlite3'}", tmp)
    for role in ROLES:
        b.add_user(role, role)
    with TestClient(b.app, raise_server_exceptions=False) as c:
        tokens = {role: c.post("/api/v1/auth/token", data={"username": role, "password": TEST_PASSWORD}
                               ).json()["access_token"] for role in ROLES}
        key = b.settings.secret_key
        tokens["forged"] = jwt.encode({"sub": "3", "role": "admin", "exp": int(time.time()) + 600}, "f" * 48,
                                      algorithm="HS256")
        tokens["expired"] = jwt.encode({"sub": "3", "role": "admin", "exp": int(time.time()) - 5}, key,
                                       algorithm="HS256")
        yield c, tokens, c.get("/openapi.json").json()
    b.app.state.engine.dispose()


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, op


def _call(c: TestClient, path: str, method: str, op: dict, token: str | None, *, in_query: bool = False):
    url = re.sub(r"\{[^}]+\}", "1", path)
    headers = {"Authorization": f"Bearer {token}"} if token and not in_query else {}
    params = {"access_token": token} if in_query else None
    return c.request(method.upper(), url, headers=headers, params=params,
                     json={} if method in ("post", "put", "patch") else None)


def test_every_operation_refuses_missing_forged_and_expired_tokens(app_and_tokens):
    c, tokens, spec = app_and_tokens
    wrong = []
    for path, method, op in _operations(spec):
        if PUBLIC.search(path):
            # Public, though a token may add to the answer (health's details for admins).
            r = _call(c, path, method, op, None)
            assert r.status_code != 401, f"{method.upper()} {path} is listed public but asks for a token"
            continue
        cases = [("no token", None, False), ("forged", tokens["forged"], False),
                 ("expired", tokens["expired"], False)]
        if "text/event-stream" not in str(op.get("responses", {})):
            # A token in the URL ends up in logs: only EventSource readers may send it there.
            cases.append(("a valid token in ?access_token=", tokens["admin"], True))
        for name, token, in_query in cases:
            r = _call(c, path, method, op, token, in_query=in_query)
            if r.status_code != 401 or "error" not in r.json():
                wrong.append(f"{method.upper()} {path} with {name}: {r.status_code}")
    assert not wrong, "open endpoints:\n" + "\n".join(wrong)


def test_every_operation_lets_through_exactly_the_roles_it_should(app_and_tokens):
    c, tokens, spec = app_and_tokens
    wrong = []
    for path, method, op in _operations(spec):
        if PUBLIC.search(path) or "text/event-stream" in str(op.get("responses", {})):
            continue  # a stream never ends; its 401s are checked above
        need = ROLE_MATRIX.get(op["operationId"])
        if need is None:
            wrong.append(f"{op['operationId']} ({method.upper()} {path}) is new: add it to ROLE_MATRIX "
                         f"with the lowest role that may call it")
            continue
        for role in ROLES:
            r = _call(c, path, method, op, tokens[role])
            allowed = ROLES.index(role) >= ROLES.index(need)
            if r.status_code >= 500:
                wrong.append(f"{op['operationId']} as {role}: {r.status_code} {r.text[:100]}")
            elif (r.status_code == 403) == allowed:
                wrong.append(f"{op['operationId']} ({method.upper()} {path}) as {role}: {r.status_code}, "
                             f"expected {'allowed' if allowed else '403'} (needs {need})")
    assert not wrong, "\n".join(wrong)
