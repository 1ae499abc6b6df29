"""Shift reports: ask for one, follow it, list them, fetch the PDF or the spreadsheet."""

from __future__ import annotations

from datetime import datetime

from backend_client.schemas.common import Page
from backend_client.schemas.reports import ReportOut


class ReportsApi:
    def __init__(self, client) -> None:
        self.client = client

    def create(self, period: str = "shift", start: datetime | None = None, end: datetime | None = None) -> ReportOut:
        body: dict = {"period": period}
        if start is not None and end is not None:
            body.update({"period": "custom", "from": start.isoformat(), "to": end.isoformat()})
        return ReportOut.model_validate(self.client.request("POST", "/api/v1/reports", json=body))

    def get(self, report_id: int) -> ReportOut:
        return ReportOut.model_validate(self.client.request("GET", f"/api/v1/reports/{report_id}"))

    def list(self, limit: int = 50) -> list[ReportOut]:
        page = Page[ReportOut].model_validate(self.client.request("GET", "/api/v1/reports", params={"limit": limit}))
        return page.items

    def download(self, report_id: int, fmt: str = "pdf") -> bytes:
        return self.client.request("GET", f"/api/v1/reports/{report_id}/file", params={"format": fmt},
                                   raw=True).content
