"""Public, no login: GTFS-rt feeds (/gtfs-rt/*.pb, ?format=json) and the smart stops' boards (/boards/{stop_id})."""

from __future__ import annotations

from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from backend.db import SessionDep
from backend.errors import NotFound
from backend.transit import gtfsrt, service
from backend_client.schemas.transit import Arrivals

router = APIRouter(tags=["transit public"])
BOARD_HTML = (Path(__file__).parent / "board.html").read_text(encoding="utf-8")
PB_TYPE = "application/x-protobuf"
Ims = Annotated[str | None, Header(alias="If-Modified-Since")]
Format = Annotated[str, Query(pattern="^(pb|json)$", description="json: the same feed as JSON, for people debugging")]


def _cached(request: Request, kind: str):
    """(message, header timestamp) of the feed as last built, and its bytes (see gtfsrt.FeedCache)."""
    msg, ts, body = gtfsrt.cache_for(request.app).get(kind)
    return msg, ts, body


def _feed_response(msg, ts: int, fmt: str, ims: str | None, body: bytes | None = None) -> Response:
    headers = {"Last-Modified": formatdate(ts, usegmt=True), "Cache-Control": "no-cache",
               "Access-Control-Allow-Origin": "*"}
    if ims:
        try:
            if ts <= int(parsedate_to_datetime(ims).timestamp()):
                return Response(status_code=304, headers=headers)
        except (TypeError, ValueError, OverflowError):
            pass  # an unreadable date: answer in full, as HTTP says
    if fmt == "json":
        return JSONResponse(gtfsrt.as_json(msg), headers=headers)
    return Response(body if body is not None else msg.SerializeToString(), media_type=PB_TYPE, headers=headers)


@router.get("/gtfs-rt/vehicle-positions.pb", operation_id="gtfsrt_vehicle_positions",
            responses={200: {"content": {PB_TYPE: {}}}})
def vehicle_positions(request: Request, ims: Ims = None, format: Format = "pb") -> Response:
    msg, ts, body = _cached(request, "vehicles")
    return _feed_response(msg, ts, format, ims, body)


@router.get("/gtfs-rt/trip-updates.pb", operation_id="gtfsrt_trip_updates", responses={200: {"content": {PB_TYPE: {}}}})
def trip_updates(request: Request, ims: Ims = None, format: Format = "pb") -> Response:
    msg, ts, body = _cached(request, "trips")
    return _feed_response(msg, ts, format, ims, body)


@router.get("/gtfs-rt/alerts.pb", operation_id="gtfsrt_alerts", responses={200: {"content": {PB_TYPE: {}}}})
def alerts(request: Request, ims: Ims = None, format: Format = "pb") -> Response:
    msg, ts, body = _cached(request, "alerts")
    return _feed_response(msg, ts, format, ims, body)


@router.get("/boards/{stop_id}", response_class=HTMLResponse, operation_id="board_page")
def board_page(stop_id: str, session: SessionDep) -> HTMLResponse:
    """The page a smart stop's board shows all day; it fetches its data every 15 s."""
    board = service.board_heartbeat(session, stop_id=stop_id)
    if board is None:
        raise NotFound("board", stop_id)
    session.commit()
    html = BOARD_HTML.replace("{{STOP_ID}}", _escape(stop_id)).replace("{{BOARD_NAME}}", _escape(board.name))
    return HTMLResponse(html, headers={"Cache-Control": "no-cache"})


@router.get("/boards/{stop_id}/data", response_model=Arrivals, operation_id="board_data")
def board_data(stop_id: str, session: SessionDep) -> Arrivals:
    """The board's arrivals and alerts; each fetch is the board's heartbeat."""
    board = service.board_heartbeat(session, stop_id=stop_id)
    if board is None:
        raise NotFound("board", stop_id)
    out = service.stop_arrivals(session, stop_id=stop_id, limit=8)
    session.commit()
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
