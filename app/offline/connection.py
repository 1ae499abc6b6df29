"""Is the server there, and may the session be renewed now? (Qt-free; the gateway runs these off the GUI thread.)"""

from __future__ import annotations

import time

from backend_client.client import ApiClient
from backend_client.errors import ConnectionLost
from backend_client.schemas.auth import UserOut

RELOGIN_EVERY_S = 60.0  # a refused password must not loop


def reachable(client: ApiClient) -> bool:
    """True when the server answers at all (an error answer is an answer)."""
    try:
        client.health()
    except ConnectionLost:
        return False
    except Exception:  # it answered, if not happily: it is there
        return True
    return True


class Renewal:
    """Re-login with the login the client keeps in memory, at most once a minute."""

    def __init__(self, client: ApiClient, *, clock=time.monotonic) -> None:
        self.client = client
        self.clock = clock
        self._last = -1e9

    @property
    def possible(self) -> bool:
        return self.client.can_relogin

    def due(self) -> bool:
        """True (and counted) when a renewal may start now."""
        now = self.clock()
        if now - self._last < RELOGIN_EVERY_S:
            return False
        self._last = now
        return True

    def renew(self) -> UserOut:
        return self.client.relogin()
