"""Alembic environment: runs on the connection handed in by backend.db.migrate."""

from alembic import context

from backend.db import Base
from backend.models import import_models

config = context.config
# The domains backend.db.migrate was given (SC_EXTRA_DOMAINS included); the registry's otherwise.
import_models(config.attributes.get("domains"))
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from backend.config import Settings
        from backend.db import make_engine

        engine = make_engine(Settings().resolved_database_url)
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
