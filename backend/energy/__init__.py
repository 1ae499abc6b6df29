"""Energy monitoring: rollups, series, totals, baselines and alarms of municipal buildings."""
