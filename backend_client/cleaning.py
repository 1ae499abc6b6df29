"""Street cleaning: sections, machines, coverage; typed calls over ApiClient."""

from __future__ import annotations

from datetime import date

from backend_client.schemas.cleaning import Coverage, SectionCreate, SectionOut, VehicleDay, VehicleOut


class CleaningApi:
    def __init__(self, client) -> None:
        self.client = client

    def sections(self) -> list[SectionOut]:
        return [SectionOut.model_validate(s) for s in self.client.request("GET", "/api/v1/cleaning/sections")]

    def create_section(self, data: SectionCreate) -> SectionOut:
        return SectionOut.model_validate(self.client.request("POST", "/api/v1/cleaning/sections",
                                                             json=data.model_dump(mode="json")))

    def coverage(self, day: date | None = None) -> Coverage:
        params = {"date": day.isoformat()} if day else {}
        return Coverage.model_validate(self.client.request("GET", "/api/v1/cleaning/coverage", params=params))

    def vehicles(self) -> list[VehicleOut]:
        return [VehicleOut.model_validate(v) for v in self.client.request("GET", "/api/v1/cleaning/vehicles")]

    def vehicle_days(self, day: date | None = None, *, tracks: bool = False) -> list[VehicleDay]:
        params: dict = {"tracks": "true" if tracks else "false"}
        if day:
            params["date"] = day.isoformat()
        return [VehicleDay.model_validate(v) for v in self.client.request("GET", "/api/v1/cleaning/vehicles/day",
                                                                           params=params)]

    def post_fixes(self, fixes: list[dict]) -> int:
        return self.client.request("POST", "/api/v1/cleaning/fixes", json=fixes)["stored"]
