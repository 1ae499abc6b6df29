"""The demo seeding steps of works and cleaning: permits and sections from the demo base map, once."""

from __future__ import annotations

from backend.demo import seed_demo
from backend.domains import load
from backend.works.duty import registry_round


def test_demo_steps_seed_once_and_the_registry_reacts(api, backend):
    domains = [load("backend.works.domain"), load("backend.cleaning.domain")]
    seed_demo(backend.sessionmaker, backend.settings, domains)
    seed_demo(backend.sessionmaker, backend.settings, domains)  # again: nothing doubles
    disp = api("dispatcher")
    permits = disp.get("/api/v1/works/permits").json()
    sections = disp.get("/api/v1/cleaning/sections").json()
    assert len(permits) == 36 and len(sections) == 107
    assert {p["status"] for p in permits} == {"applied", "granted", "suspended", "closed", "expired"}
    assert {s["kind"] for s in sections} == {"sweeping", "washing", "snow_clearing", "waste_collection"}
    # Every section lies on a street of the base map (Kurchatov, within the town's box).
    assert all(35.55 < c[0] < 35.75 and 51.60 < c[1] < 51.72 for s in sections for c in s["geometry"]["coordinates"])
    assert registry_round(backend.sessionmaker)["restoration_incidents"] == 2
    summary = disp.get("/api/v1/works/summary").json()
    assert len(summary["restoration_overdue"]) == 2 and summary["expiring_this_week"]
