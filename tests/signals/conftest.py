"""The GUI fixtures (a real desktop context on a live server) for this folder's panel test."""

from tests.gui.conftest import desk_settings, make_ctx, no_leaked_windows  # noqa: F401
