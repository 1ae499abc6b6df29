"""The demo city's 4 smart intersections and their time-of-day plans (the city's signal inventory).

Each is a two-stage NEMA layout: phases 2/6 along the main street, 4/8 along the cross street;
per approach an advance detector (volumes, arrivals on green) and a stop-bar detector
(occupancy, split failures). Places match the demo's intersection cameras.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from backend.signals import service
from backend.signals.models import SignalController
from backend_client.schemas.signals import ControllerIn, PhaseConfig, PlanIn

log = logging.getLogger(__name__)


def _phases(main: str, cross: str) -> list[PhaseConfig]:
    return [PhaseConfig(phase=2, name=f"{main} →", approach="W", detectors=[1], stopbar=[11], saturation_flow=1800,
                        lost_time=4, min_green=10, pedestrian=True),
            PhaseConfig(phase=6, name=f"{main} ←", approach="E", detectors=[2], stopbar=[12], saturation_flow=1800,
                        lost_time=4, min_green=10, pedestrian=True),
            PhaseConfig(phase=4, name=f"{cross} ↓", approach="N", detectors=[3], stopbar=[13], saturation_flow=1700,
                        lost_time=4, min_green=7),
            PhaseConfig(phase=8, name=f"{cross} ↑", approach="S", detectors=[4], stopbar=[14], saturation_flow=1700,
                        lost_time=4, min_green=7)]


CONTROLLERS: tuple[ControllerIn, ...] = (
    ControllerIn(id="kommun-kosmonavtov", name="Коммунистический / Космонавтов", lat=51.6596, lon=35.6480,
                 address="пр. Коммунистический × ул. Космонавтов", camera="x-kommun-kosmonavtov",
                 phases=_phases("пр. Коммунистический", "ул. Космонавтов"), stages=[[2, 6], [4, 8]]),
    ControllerIn(id="energetikov-kommun", name="Энергетиков / Коммунистический", lat=51.6610, lon=35.6460,
                 address="ул. Энергетиков × пр. Коммунистический", camera="x-energetikov-kommun",
                 phases=_phases("пр. Коммунистический", "ул. Энергетиков"), stages=[[2, 6], [4, 8]]),
    ControllerIn(id="leningr-kosmonavtov", name="Ленинградская / Космонавтов", lat=51.6530, lon=35.6495,
                 address="ул. Ленинградская × ул. Космонавтов", camera="x-leningr-kosmonavtov",
                 phases=_phases("ул. Космонавтов", "ул. Ленинградская"), stages=[[2, 6], [4, 8]]),
    ControllerIn(id="molodezh-gaidara", name="Молодёжная / Гайдара", lat=51.6675, lon=35.6580,
                 address="ул. Молодёжная × ул. Гайдара", camera="x-molodezh-gaidara",
                 phases=_phases("ул. Молодёжная", "ул. Гайдара"), stages=[[2, 6], [4, 8]]),
)

# The plans the city started with: one fixed 90 s plan all day (the "before" of the demo).
BASE_PLAN = PlanIn(name="Базовый план", period_start="00:00", period_end="24:00", days="all", pattern=1,
                   cycle=90, offset=0, splits={0: 50, 1: 32})


def seed(demo) -> None:
    """Make the controllers and their base plan, through the service; what exists is left alone."""
    with demo.maker() as session:
        have = set(session.scalars(select(SignalController.uid)))
        made = 0
        for data in CONTROLLERS:
            if data.id in have:
                continue
            service.create_controller(session, data=data)
            plan = service.create_plan(session, uid=data.id, data=BASE_PLAN, user=None)
            plan.applied = True
            made += 1
        session.commit()
    if made:
        log.info("seeded %d signal controllers", made)
