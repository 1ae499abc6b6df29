"""Energy monitoring of municipal buildings: meters tree, consumption chart, city overview."""
