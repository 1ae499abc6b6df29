"""A domain registers once: a fake one, outside backend/, brings its router, table and service."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import inspect, text

FAKE = "tests.backend.fake_domain.domain"
FAKE_MODELS = "tests.backend.fake_domain.models"


@pytest.fixture
def fake_backend(database_url, tmp_path):
    from backend.db import Base
    from tests.conftest import TEST_PASSWORD, make_backend
    from tests.backend.fake_domain import service

    service.LOG.clear()
    if "fake_beacons" not in Base.metadata.tables and (models := sys.modules.get(FAKE_MODELS)):
        models.Beacon.__table__.to_metadata(Base.metadata)  # taken out by an earlier run's teardown
    b = make_backend(database_url, tmp_path, extra_domains=FAKE)
    b.add_user("dispatcher", "dispatcher", TEST_PASSWORD)
    yield b
    # The session's PostgreSQL database and Base.metadata are shared with later tests, which
    # know nothing of the fake domain: take its table and revision out again.
    with b.app.state.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS fake_beacons"))
        conn.execute(text("DELETE FROM alembic_version WHERE version_num = 'beacons_0001'"))
    Base.metadata.remove(Base.metadata.tables["fake_beacons"])
    b.app.state.engine.dispose()


def test_a_fake_domain_registers_its_router_table_and_service(fake_backend):
    from fastapi.testclient import TestClient

    from tests.backend.fake_domain import service
    from tests.conftest import TEST_PASSWORD

    engine = fake_backend.app.state.engine
    assert "fake_beacons" in inspect(engine).get_table_names()
    with engine.connect() as conn:
        versions = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    assert "beacons_0001" in versions
    assert [d.name for d in fake_backend.app.state.domains][-1] == "beacons"

    with TestClient(fake_backend.app) as c:
        assert service.LOG == ["start"]
        token = c.post("/api/v1/auth/token", data={"username": "dispatcher", "password": TEST_PASSWORD}).json()
        r = c.get("/api/v1/beacons", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert r.status_code == 200 and r.json() == {"beacons": 0}
        assert "beacons_count" in {op["operationId"] for path in c.get("/openapi.json").json()["paths"].values()
                                   for op in path.values()}
    assert service.LOG == ["start", "stop"]


def test_the_registry_lists_each_domain_once_with_what_it_brings():
    from backend.domain import resolve
    from backend.domains import DOMAINS, registered

    domains = registered([DOMAINS[0]])
    assert len(domains) == len(DOMAINS) == len({d.name for d in domains})
    for d in domains:
        for ref in (*d.routers, *d.services, *((d.seed_demo,) if d.seed_demo else ())):
            assert resolve(ref) is not None, (d.name, ref)
