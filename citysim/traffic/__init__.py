"""Kurchatov's smart intersections in SUMO, and controller adapters that talk like field controllers."""
