"""The FastAPI application: the registered domains' routers and background services, the error shape."""

from __future__ import annotations

import gc
import logging
import threading
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI

from backend import errors
from backend.auth.deps import UserCache
from backend.config import Settings
from backend.db import make_engine, make_sessionmaker, migrate
from backend.domain import resolve
from backend.duties import Duty, duty_name, lease_key
from backend.domains import registered

log = logging.getLogger(__name__)
VERSION = "0.1.0"


def create_app(settings: Settings | None = None, *, run_migrations: bool = True) -> FastAPI:
    settings = settings or Settings()
    domains = registered(settings.extra_domain_modules)
    _check_duties(domains)
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
        # Duties after the services they may rely on (the event listener); each waits for its lease.
        duties = [Duty(app, duty_name(d.name, ref), resolve(ref)) for d in domains for ref in d.duties]
        for duty in duties:
            duty.start()
        started.extend(duties)
        app.state.services = started
        app.state.duties = duties
        # Everything loaded so far (modules, routes, schemas) lives as long as the process: keep
        # it out of the garbage collector's full passes, which otherwise walk it all every few
        # hundred requests and show up as latency spikes (bench/incidents.py).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            app.state.stopping.set()
            _stop_all(started)
            engine.dispose()

    app = FastAPI(title="Situation Center API", version=VERSION, lifespan=lifespan,
                  description="Smart Kurchatov situation center: incidents, cameras, telemetry.")
    app.state.settings = settings
    app.state.stopping = threading.Event()  # set when the server begins to stop: streams end (events router)
    app.state.duties = []
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.user_cache = UserCache()
    errors.install(app)

    from backend.health import details_router

    app.include_router(details_router)
    for router in (r for d in domains for r in d.routers):
        app.include_router(resolve(router))
    app.state.domains = domains
    return app


def _check_duties(domains) -> None:
    keys: dict[int, str] = {}
    for name in (duty_name(d.name, ref) for d in domains for ref in d.duties):
        other = keys.setdefault(lease_key(name), name)
        if other != name:
            raise RuntimeError(f"duties {other!r} and {name!r} have the same lease key; rename one")


def _stop_all(services, budget_s: float = 8.0) -> None:
    """Stop every service and duty at once (each in its own thread), so the slowest sets the pace;
    duties release their leases as they stop, so another instance takes them at once."""
    def stop(service) -> None:
        try:
            service.stop()
        except Exception:  # one failing service must not keep the others running
            log.exception("stopping %s failed", type(service).__name__)

    threads = [threading.Thread(target=stop, args=(s,), daemon=True) for s in reversed(services)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + budget_s
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    late = sum(t.is_alive() for t in threads)
    if late:
        log.warning("%d services were still stopping after %.0f s; exiting without them", late, budget_s)
