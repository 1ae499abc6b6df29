"""Sites, meters, series, overview and alarms of the energy monitoring: typed calls over ApiClient."""

from __future__ import annotations

from backend_client.schemas.energy import AlarmOut, Overview, Series, Totals
from backend_client.schemas.telemetry import SiteTree, TelemetryStats


class EnergyApi:
    def __init__(self, client) -> None:
        self.client = client

    def sites(self) -> list[SiteTree]:
        return [SiteTree.model_validate(s) for s in self.client.request("GET", "/api/v1/devices/sites")]

    def series(self, device: str, start_ms: int, end_ms: int, *, points: int = 1000, key: str | None = None,
               baseline: bool = False) -> Series:
        params = {"device": device, "from": int(start_ms), "to": int(end_ms), "points": int(points),
                  "baseline": "true" if baseline else "false"}
        if key:
            params["key"] = key
        return Series.model_validate(self.client.request("GET", "/api/v1/energy/series", params=params))

    def totals(self, start_ms: int, end_ms: int) -> Totals:
        return Totals.model_validate(self.client.request("GET", "/api/v1/energy/totals",
                                                         params={"from": int(start_ms), "to": int(end_ms)}))

    def overview(self) -> Overview:
        return Overview.model_validate(self.client.request("GET", "/api/v1/energy/overview"))

    def alarms(self, *, state: str | None = None, device: str | None = None, start_ms: int | None = None,
               end_ms: int | None = None, limit: int = 500) -> list[AlarmOut]:
        params = {"state": state, "device": device, "from": start_ms, "to": end_ms, "limit": limit}
        params = {k: v for k, v in params.items() if v is not None}
        return [AlarmOut.model_validate(a) for a in self.client.request("GET", "/api/v1/energy/alarms", params=params)]

    def acknowledge(self, alarm_id: int) -> AlarmOut:
        return AlarmOut.model_validate(self.client.request("POST", f"/api/v1/energy/alarms/{alarm_id}/ack"))

    def stats(self) -> TelemetryStats:
        return TelemetryStats.model_validate(self.client.request("GET", "/api/v1/telemetry/stats"))
