"""What the operator sees of offline work: the banner, the waiting counter, the conflict and problems dialogs."""
