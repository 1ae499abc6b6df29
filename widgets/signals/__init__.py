"""The Intersections panel and the intersections map layer."""
