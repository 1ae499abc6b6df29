"""A small desktop feature that exists only in tests: proof that a feature lands by declaring
itself, without touching the main window, the map or the settings."""
