"""Key figures under /api/v1/stats: the index, any endpoint as JSON (the wall's tiles), typed shortcuts."""

from __future__ import annotations

from datetime import datetime

from backend_client.schemas.stats import EnergyStats, IncidentPeriodStats, IncidentStats, StatsIndex


class StatsApi:
    def __init__(self, client) -> None:
        self.client = client

    def index(self) -> StatsIndex:
        return StatsIndex.model_validate(self.client.request("GET", "/api/v1/stats"))

    def get(self, path: str, params: dict | None = None) -> dict:
        """Any stats endpoint's JSON (tiles read values from it by path)."""
        if not path.startswith("/api/v1/stats"):
            raise ValueError(f"{path} is not a stats endpoint")
        return self.client.request("GET", path, params=params)

    def incidents(self) -> IncidentStats:
        return IncidentStats.model_validate(self.get("/api/v1/stats/incidents"))

    def incidents_period(self, start: datetime, end: datetime) -> IncidentPeriodStats:
        return IncidentPeriodStats.model_validate(self.get("/api/v1/stats/incidents/period",
                                                           {"from": start.isoformat(), "to": end.isoformat()}))

    def energy(self) -> EnergyStats:
        return EnergyStats.model_validate(self.get("/api/v1/stats/energy"))
