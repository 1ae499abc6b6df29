"""The desktop fixtures of tests/gui (a logged-in context, no leaked windows) for the room's GUI tests."""

from tests.gui.conftest import desk_settings, make_ctx, no_leaked_windows  # noqa: F401
