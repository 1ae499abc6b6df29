"""Demo: the city's cameras (streams served by the simulated city) and a shared 3×3 wall layout."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.auth.service import find_user
from backend.cameras import service
from backend.domain import DemoSeed
from backend_client.schemas.cameras import CameraCreate, WallLayoutCreate
from resources.city.cameras import DEMO_CAMERAS, stream_urls

DEMO_LAYOUT = "Город — 3×3"


def seed_demo(demo: DemoSeed) -> None:
    with demo.maker() as s:
        add_demo_cameras(s)
        add_demo_layout(s)
        s.commit()


def add_demo_cameras(session: Session, **ports: int) -> int:
    """Register the demo cameras that are missing (by name); returns how many were added.

    `ports` (rtsp_port=, http_port=) say where the streams are when not at the demo's defaults."""
    known = {c.name for c in service.list_cameras(session)}
    added = 0
    for cam in DEMO_CAMERAS:
        if cam.name in known:
            continue
        main, sub = stream_urls(cam, **ports)
        service.create_camera(session, user=None, data=CameraCreate(
            name=cam.name, lat=cam.lat, lon=cam.lon, address=cam.address, area=cam.area,
            main_url=main, sub_url=sub, recording=cam.kind == "rtsp", retention_days=14))
        added += 1
    return added


def add_demo_layout(session: Session) -> None:
    """A shared 3×3 layout of the city's first cameras, so the demo wall shows video at once."""
    admin = find_user(session, "admin")
    if admin is None or any(lay.name == DEMO_LAYOUT for lay in service.list_layouts(session, user=admin)):
        return
    ids = [c.id for c in sorted(service.list_cameras(session), key=lambda c: c.id)[:9]]
    if ids:
        service.create_layout(session, user=admin, data=WallLayoutCreate(name=DEMO_LAYOUT, grid="3x3", tiles=ids,
                                                                        shared=True))
