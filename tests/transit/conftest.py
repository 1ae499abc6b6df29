"""The GUI fixtures (make_ctx, desk_settings) for the Transport panel's tests."""

from tests.gui.conftest import desk_settings, make_ctx  # noqa: F401
