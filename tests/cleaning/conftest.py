"""The desktop fixtures of tests/gui (a logged-in context against a live server, no leaked windows)."""

from tests.gui.conftest import desk_settings, make_ctx, no_leaked_windows  # noqa: F401
