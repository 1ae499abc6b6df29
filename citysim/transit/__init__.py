"""The city's buses: a carrier's fleet driven over its own GTFS feed, reporting like on-board units do.

Reaches the product only as a carrier would: MQTT position reports (and board browsers over HTTP).
"""
