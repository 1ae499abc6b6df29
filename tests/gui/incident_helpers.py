"""Helpers for the incident GUI tests: a second client, city services, incidents made over HTTP."""

from __future__ import annotations

from backend_client.client import ApiClient
from backend_client.incidents import IncidentsApi
from backend_client.schemas.incidents import IncidentCreate
from tests.conftest import TEST_PASSWORD

SERVICES = [("vodokanal", "МУП «Водоканал»", "+7 47131 4-21-00", ["utilities"]),
            ("gorelectroset", "Горэлектросеть", "+7 47131 4-33-12", ["street_lighting", "traffic_lights"]),
            ("dorservice", "Дорожная служба", "+7 47131 4-15-50", ["roads", "excavation"])]


def add_services(server) -> None:
    """The city services incidents are assigned to (seed data, written like the demo seed would)."""
    from backend.incidents.models import CityService

    with server.backend.sessionmaker() as s:
        for code, name, phone, cats in SERVICES:
            if s.get(CityService, code) is None:
                s.add(CityService(code=code, name=name, phone=phone, categories=cats, active=True))
        s.commit()


def other_client(server, role: str = "supervisor") -> IncidentsApi:
    """Another operator's client, talking to the same server over HTTP."""
    client = ApiClient(server.url)
    client.login(role, TEST_PASSWORD)
    return IncidentsApi(client)


def make_incident(api: IncidentsApi, **kw):
    data = dict(category="roads", priority="medium", lat=51.6606, lon=35.6542, address="ул. Молодёжная, 7",
                description="Яма на проезжей части", source="citizen")
    data.update(kw)
    return api.create(IncidentCreate(**data))
