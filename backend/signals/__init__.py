"""Traffic signal controllers: events, live state, ATSPM measures, timing plans and faults."""
