"""Devices, sites and their readings: ingestion over MQTT and HTTP."""
