from __future__ import annotations

from fastapi import APIRouter, Response

from backend.auth.deps import Admin, CurrentUser
from backend.cameras import service
from backend.db import SessionDep
from backend_client.schemas.cameras import (CameraCreate, CameraOut, CameraUpdate, WallLayoutCreate,
                                            WallLayoutOut, WallLayoutUpdate)
from backend_client.schemas.common import IdParam

router = APIRouter(prefix="/api/v1/cameras", tags=["cameras"])


# Layout routes come first so that "/layouts" is never read as a camera id.
@router.get("/layouts", response_model=list[WallLayoutOut], operation_id="camera_layouts_list")
def list_layouts(session: SessionDep, user: CurrentUser):
    return service.list_layouts(session, user=user)


@router.post("/layouts", response_model=WallLayoutOut, status_code=201, operation_id="camera_layouts_create")
def create_layout(body: WallLayoutCreate, session: SessionDep, user: CurrentUser):
    lay = service.create_layout(session, user=user, data=body)
    session.commit()
    return lay


@router.patch("/layouts/{layout_id}", response_model=WallLayoutOut, operation_id="camera_layouts_update")
def update_layout(layout_id: IdParam, body: WallLayoutUpdate, session: SessionDep, user: CurrentUser):
    lay = service.update_layout(session, user=user, layout_id=layout_id, data=body)
    session.commit()
    return lay


@router.delete("/layouts/{layout_id}", status_code=204, operation_id="camera_layouts_delete")
def delete_layout(layout_id: IdParam, session: SessionDep, user: CurrentUser) -> Response:
    service.delete_layout(session, user=user, layout_id=layout_id)
    session.commit()
    return Response(status_code=204)


@router.get("", response_model=list[CameraOut], operation_id="cameras_list")
def list_cameras(session: SessionDep, _: CurrentUser, area: str | None = None, q: str | None = None,
                 enabled: bool | None = None):
    return service.list_cameras(session, area=area, q=q, enabled=enabled)


@router.post("", response_model=CameraOut, status_code=201, operation_id="cameras_create")
def create_camera(body: CameraCreate, session: SessionDep, user: Admin):
    cam = service.create_camera(session, user=user, data=body)
    session.commit()
    return cam


@router.get("/{camera_id}", response_model=CameraOut, operation_id="cameras_get")
def get_camera(camera_id: IdParam, session: SessionDep, _: CurrentUser):
    return service.get_camera(session, camera_id)


@router.patch("/{camera_id}", response_model=CameraOut, operation_id="cameras_update")
def update_camera(camera_id: IdParam, body: CameraUpdate, session: SessionDep, user: Admin):
    cam = service.update_camera(session, user=user, camera_id=camera_id, data=body)
    session.commit()
    return cam


@router.delete("/{camera_id}", status_code=204, operation_id="cameras_delete")
def delete_camera(camera_id: IdParam, session: SessionDep, user: Admin) -> Response:
    service.delete_camera(session, user=user, camera_id=camera_id)
    session.commit()
    return Response(status_code=204)
