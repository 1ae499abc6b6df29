"""Property-based fuzzing of every operation in /openapi.json (issue 18, "tests that keep it found").

schemathesis generates requests from the app's own OpenAPI document (valid and invalid ones),
as admin and as dispatcher, against a real backend on SQLite, and checks every answer: no 5xx,
a status the document lists for that operation, the content type and body schema it promises.
New operations of any domain are fuzzed the moment they exist. The example budget keeps the run
CI-sized (SC_FUZZ_EXAMPLES per operation and role; raise it for a deeper hunt).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from tests.conftest import TEST_PASSWORD, make_backend

EXAMPLES = int(os.environ.get("SC_FUZZ_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Streams never end: a fuzzer would wait forever. Their inputs are checked in tests/backend.
SKIP = {"events_stream"}


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    b = make_backend(f"sqlite:///{tmp / 'fuzz.sqlite3'}", tmp)
    for role in ("dispatcher", "supervisor", "admin"):
        b.add_user(role, role)
    yield b.app
    b.app.state.engine.dispose()


@pytest.fixture(scope="module")
def tokens(fuzz_app):
    from fastapi.testclient import TestClient

    with TestClient(fuzz_app) as c:
        return {role: c.post("/api/v1/auth/token", data={"username": role, "password": TEST_PASSWORD}
                             ).json()["access_token"] for role in ("dispatcher", "admin")}


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])


def _fuzz_all(app, token: str) -> list[str]:
    """Every operation with its own example budget; the failures found, one line each."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId") in SKIP:
            continue

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports a group per operation
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).strip()[:1500]}")
    return failures


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "dispatcher"])
def test_api_fuzz(fuzz_app, tokens, role):
    failures = _fuzz_all(fuzz_app, tokens[role])
    assert not failures, f"{len(failures)} operations failed as {role}:\n\n" + "\n\n".join(failures)
