"""Transit: the GTFS schedule, live buses, arrival predictions, GTFS-rt out and the smart stops' boards."""
