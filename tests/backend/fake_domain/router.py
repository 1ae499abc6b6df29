from fastapi import APIRouter
from sqlalchemy import func, select

from backend.auth.deps import CurrentUser
from backend.db import SessionDep
from tests.backend.fake_domain.models import Beacon

router = APIRouter(prefix="/api/v1/beacons", tags=["beacons"])


@router.get("", operation_id="beacons_count")
def count(session: SessionDep, _: CurrentUser) -> dict:
    return {"beacons": session.scalar(select(func.count()).select_from(Beacon))}
