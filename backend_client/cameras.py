"""Camera registry and saved wall layouts: typed calls over ApiClient."""

from __future__ import annotations

from typing import Any

from backend_client.schemas.cameras import CameraOut, WallLayoutOut

BASE = "/api/v1/cameras"


class CamerasApi:
    def __init__(self, client) -> None:
        self.client = client

    def list(self, *, area: str | None = None, q: str | None = None) -> list[CameraOut]:
        params = {k: v for k, v in {"area": area, "q": q}.items() if v}
        return [CameraOut.model_validate(c) for c in self.client.request("GET", BASE, params=params or None)]

    def get(self, camera_id: int) -> CameraOut:
        return CameraOut.model_validate(self.client.request("GET", f"{BASE}/{camera_id}"))

    def create(self, **fields: Any) -> CameraOut:
        return CameraOut.model_validate(self.client.request("POST", BASE, json=fields))

    def update(self, camera_id: int, **changes: Any) -> CameraOut:
        return CameraOut.model_validate(self.client.request("PATCH", f"{BASE}/{camera_id}", json=changes))

    def delete(self, camera_id: int) -> None:
        self.client.request("DELETE", f"{BASE}/{camera_id}")

    def layouts(self) -> list[WallLayoutOut]:
        return [WallLayoutOut.model_validate(x) for x in self.client.request("GET", f"{BASE}/layouts")]

    def save_layout(self, *, name: str, grid: str, tiles: list[int | None], shared: bool = False,
                    layout_id: int | None = None) -> WallLayoutOut:
        body = {"name": name, "grid": grid, "tiles": tiles, "shared": shared}
        if layout_id is None:
            return WallLayoutOut.model_validate(self.client.request("POST", f"{BASE}/layouts", json=body))
        return WallLayoutOut.model_validate(self.client.request("PATCH", f"{BASE}/layouts/{layout_id}", json=body))

    def delete_layout(self, layout_id: int) -> None:
        self.client.request("DELETE", f"{BASE}/layouts/{layout_id}")
