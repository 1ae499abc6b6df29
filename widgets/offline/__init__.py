"""What an operator sees of work done offline: the banner, the waiting counter, the conflict and problems dialogs.

They see the gateway through widgets.common.protocols.OfflineOutbox only."""
