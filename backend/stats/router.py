"""GET /api/v1/stats: which key-figure endpoints the registered domains bring (the wall and benches read it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.routing import APIRoute

from backend.auth.deps import CurrentUser
from backend.domain import resolve
from backend_client.schemas.stats import StatsEndpoint, StatsIndex

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])


@router.get("", response_model=StatsIndex, operation_id="stats_index")
def index(request: Request, _: CurrentUser) -> StatsIndex:
    out = []
    for domain in request.app.state.domains:
        if domain.stats is None:
            continue
        for route in resolve(domain.stats).routes:
            if isinstance(route, APIRoute) and "GET" in route.methods:
                out.append(StatsEndpoint(domain=domain.name, path=route.path))
    return StatsIndex(endpoints=out)
