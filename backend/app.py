"""The FastAPI application: the registered domains' routers and background services, the error shape."""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager
from datetime import datetime, timezone

from fastapi import FastAPI, Request
from sqlalchemy import text

from backend import errors
from backend.auth.deps import UserCache
from backend.config import Settings
from backend.db import make_engine, make_sessionmaker, migrate
from backend.domain import resolve
from backend.domains import registered
from backend_client.schemas.common import Health

log = logging.getLogger(__name__)
VERSION = "0.1.0"


def create_app(settings: Settings | None = None, *, run_migrations: bool = True) -> FastAPI:
    settings = settings or Settings()
    domains = registered(settings.extra_domain_modules)
    engine = make_engine(settings.resolved_database_url)
    if run_migrations:
        migrate(engine, domains)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        started = []
        for factory in (f for d in domains for f in d.services):
            service = resolve(factory)(app)
            if service is not None:
                service.start()
                started.append(service)
        app.state.services = started
        # Everything loaded so far (modules, routes, schemas) lives as long as the process: keep
        # it out of the garbage collector's full passes, which otherwise walk it all every few
        # hundred requests and show up as latency spikes (bench/incidents.py).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            for service in reversed(started):
                try:
                    service.stop()
                except Exception:  # one failing service must not keep the others running
                    log.exception("stopping %s failed", type(service).__name__)
            engine.dispose()

    app = FastAPI(title="Situation Center API", version=VERSION, lifespan=lifespan,
                  description="Smart Kurchatov situation center: incidents, cameras, telemetry.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.user_cache = UserCache()
    errors.install(app)

    @app.get("/api/v1/health", response_model=Health, tags=["health"], operation_id="health")
    def health(request: Request) -> Health:
        try:
            with request.app.state.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            db = "ok"
        except Exception as exc:  # health must answer even when the database does not
            db = f"error: {type(exc).__name__}"
        return Health(status="ok" if db == "ok" else "degraded", version=VERSION,
                      database=db, time=datetime.now(timezone.utc).isoformat())

    for router in (r for d in domains for r in d.routers):
        app.include_router(resolve(router))
    app.state.domains = domains
    return app
