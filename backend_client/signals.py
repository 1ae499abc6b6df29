"""Traffic signal controllers: live state, measures, coordination diagram, plans, faults, events in."""

from __future__ import annotations

from backend_client.schemas.signals import (Application, ControllerOut, ControllerState, CoordinationDiagram,
                                            FaultOut, IngestResult, Measures, PlanIn, PlanOut, Recommendation)

BASE = "/api/v1/signals"


class SignalsApi:
    def __init__(self, client) -> None:
        self.client = client

    def controllers(self) -> list[ControllerOut]:
        return [ControllerOut.model_validate(c) for c in self.client.request("GET", f"{BASE}/controllers")]

    def state(self, uid: str) -> ControllerState:
        return ControllerState.model_validate(self.client.request("GET", f"{BASE}/controllers/{uid}/state"))

    def measures(self, uid: str, start_ms: int, end_ms: int, *, bin_minutes: int = 15) -> Measures:
        return Measures.model_validate(self.client.request(
            "GET", f"{BASE}/controllers/{uid}/measures",
            params={"from": int(start_ms), "to": int(end_ms), "bin": bin_minutes}))

    def coordination(self, uid: str, phase: int, start_ms: int, end_ms: int) -> CoordinationDiagram:
        return CoordinationDiagram.model_validate(self.client.request(
            "GET", f"{BASE}/controllers/{uid}/pcd", params={"phase": phase, "from": int(start_ms), "to": int(end_ms)}))

    def plans(self, uid: str) -> list[PlanOut]:
        return [PlanOut.model_validate(p) for p in self.client.request("GET", f"{BASE}/controllers/{uid}/plans")]

    def create_plan(self, uid: str, plan: PlanIn) -> PlanOut:
        return PlanOut.model_validate(self.client.request("POST", f"{BASE}/controllers/{uid}/plans",
                                                          json=plan.model_dump(mode="json")))

    def recommend(self, uid: str, *, period_start: str = "16:00", period_end: str = "19:00", days: str = "weekday",
                  lookback_days: int = 7, flows: dict[int, float] | None = None, save: bool = False,
                  name: str | None = None) -> Recommendation:
        body = {"period_start": period_start, "period_end": period_end, "days": days,
                "lookback_days": lookback_days, "save": save}
        if flows is not None:
            body["flows"] = {str(k): v for k, v in flows.items()}
        if name:
            body["name"] = name
        return Recommendation.model_validate(self.client.request(
            "POST", f"{BASE}/controllers/{uid}/plans/recommend", json=body))

    def apply(self, uid: str, plan_id: int) -> Application:
        return Application.model_validate(self.client.request("POST", f"{BASE}/controllers/{uid}/plans/{plan_id}/apply"))

    def rollback(self, uid: str) -> Application:
        return Application.model_validate(self.client.request("POST", f"{BASE}/controllers/{uid}/plans/rollback"))

    def applications(self, uid: str) -> list[Application]:
        return [Application.model_validate(a) for a in
                self.client.request("GET", f"{BASE}/controllers/{uid}/applications")]

    def faults(self, *, controller: str | None = None, open_only: bool = True) -> list[FaultOut]:
        params = {"open_only": "true" if open_only else "false"}
        if controller:
            params["controller"] = controller
        return [FaultOut.model_validate(f) for f in self.client.request("GET", f"{BASE}/faults", params=params)]

    def post_csv(self, data: bytes) -> IngestResult:
        return IngestResult.model_validate(self.client.request("POST", f"{BASE}/events", data=data,
                                                               headers={"Content-Type": "text/csv"}))
