"""Transit: stops with boards, arrivals, routes, vehicles, the Marey chart, service alerts: typed calls over ApiClient."""

from __future__ import annotations

from backend_client.schemas.transit import (AlertIn, AlertOut, AlertPatch, Arrivals, IngestStats, Marey, RouteDetail,
                                            RouteOut, StopOut, VehicleOut)

BASE = "/api/v1/transit"


class TransitApi:
    def __init__(self, client) -> None:
        self.client = client

    def stops(self, *, smart: bool = False) -> list[StopOut]:
        return [StopOut.model_validate(s) for s in
                self.client.request("GET", f"{BASE}/stops", params={"smart": "true" if smart else "false"})]

    def arrivals(self, stop_id: str, *, limit: int = 12) -> Arrivals:
        return Arrivals.model_validate(self.client.request("GET", f"{BASE}/stops/{stop_id}/arrivals",
                                                          params={"limit": limit}))

    def smart_stops_with_arrivals(self, *, limit: int = 4) -> list[tuple[StopOut, Arrivals]]:
        """The boards' stops and their next arrivals (one call per stop; there are eight)."""
        return [(s, self.arrivals(s.stop_id, limit=limit)) for s in self.stops(smart=True)]

    def routes(self) -> list[RouteOut]:
        return [RouteOut.model_validate(r) for r in self.client.request("GET", f"{BASE}/routes")]

    def route(self, route_id: str) -> RouteDetail:
        return RouteDetail.model_validate(self.client.request("GET", f"{BASE}/routes/{route_id}"))

    def marey(self, route_id: str, direction_id: int = 0, *, hours: float = 2.0) -> Marey:
        return Marey.model_validate(self.client.request("GET", f"{BASE}/routes/{route_id}/marey",
                                                        params={"direction_id": direction_id, "hours": hours}))

    def vehicles(self, *, route_id: str | None = None) -> list[VehicleOut]:
        params = {"route_id": route_id} if route_id else None
        return [VehicleOut.model_validate(v) for v in self.client.request("GET", f"{BASE}/vehicles", params=params)]

    def ingest_stats(self) -> IngestStats:
        return IngestStats.model_validate(self.client.request("GET", f"{BASE}/ingest"))

    def alerts(self, *, active: bool = False) -> list[AlertOut]:
        return [AlertOut.model_validate(a) for a in
                self.client.request("GET", f"{BASE}/alerts", params={"active": "true" if active else "false"})]

    def create_alert(self, data: AlertIn) -> AlertOut:
        return AlertOut.model_validate(self.client.request("POST", f"{BASE}/alerts",
                                                           json=data.model_dump(mode="json", exclude_none=True)))

    def update_alert(self, alert_id: int, version: int, patch: AlertPatch) -> AlertOut:
        return AlertOut.model_validate(self.client.request(
            "PATCH", f"{BASE}/alerts/{alert_id}", json=patch.model_dump(mode="json", exclude_unset=True),
            headers={"If-Match": f'"{version}"'}))

    def end_alert(self, alert_id: int) -> AlertOut:
        return AlertOut.model_validate(self.client.request("POST", f"{BASE}/alerts/{alert_id}/end"))

    def board_url(self, stop_id: str) -> str:
        return f"{self.client.base_url.rstrip('/')}/boards/{stop_id}"
