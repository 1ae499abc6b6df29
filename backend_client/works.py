"""The excavation permit registry and the legality check: typed calls over ApiClient."""

from __future__ import annotations

from datetime import datetime

from backend_client.schemas.works import (CheckResult, ImportResult, IncidentCheck, PermitCreate, PermitOut,
                                          PermitPatch, WorksSummary)


class WorksApi:
    def __init__(self, client) -> None:
        self.client = client

    def permits(self, *, status: list[str] | None = None, q: str | None = None) -> list[PermitOut]:
        params = {k: v for k, v in {"status": ",".join(status) if status else None, "q": q}.items() if v}
        return [PermitOut.model_validate(p) for p in self.client.request("GET", "/api/v1/works/permits", params=params)]

    def permit(self, permit_id: int) -> PermitOut:
        return PermitOut.model_validate(self.client.request("GET", f"/api/v1/works/permits/{permit_id}"))

    def create(self, data: PermitCreate) -> PermitOut:
        return PermitOut.model_validate(self.client.request("POST", "/api/v1/works/permits",
                                                            json=data.model_dump(mode="json")))

    def update(self, permit_id: int, patch: PermitPatch) -> PermitOut:
        return PermitOut.model_validate(self.client.request(
            "PATCH", f"/api/v1/works/permits/{permit_id}", json=patch.model_dump(mode="json", exclude_unset=True)))

    def import_file(self, body: bytes, fmt: str) -> ImportResult:
        ctype = "text/csv" if fmt == "csv" else "application/geo+json"
        return ImportResult.model_validate(self.client.request(
            "POST", "/api/v1/works/permits/import", params={"format": fmt}, data=body, headers={"Content-Type": ctype}))

    def summary(self) -> WorksSummary:
        return WorksSummary.model_validate(self.client.request("GET", "/api/v1/works/summary"))

    def check(self, lat: float, lon: float, at: datetime | None = None) -> CheckResult:
        params = {"lat": lat, "lon": lon}
        if at is not None:
            params["at"] = (at if at.tzinfo else at.astimezone()).isoformat()  # the server wants a zone
        return CheckResult.model_validate(self.client.request("GET", "/api/v1/works/check", params=params))

    def incident_check(self, incident_id: int) -> IncidentCheck:
        return IncidentCheck.model_validate(self.client.request("GET", f"/api/v1/works/incidents/{incident_id}/check"))

    def record_violation(self, incident_id: int, note: str = "") -> IncidentCheck:
        return IncidentCheck.model_validate(self.client.request(
            "POST", f"/api/v1/works/incidents/{incident_id}/violation", json={"note": note}))
