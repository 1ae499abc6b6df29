"""Feeds into the backend: MQTT telemetry (GTFS-realtime lives beside it)."""
