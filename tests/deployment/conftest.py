"""A fresh PostgreSQL database per test (the instances of a test share it, and nothing else does)."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import PG_ADMIN_URL, need_service


@pytest.fixture
def fresh_pg():
    need_service("PostgreSQL", "127.0.0.1", 5432)
    import psycopg

    name = f"sc_deploy_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
