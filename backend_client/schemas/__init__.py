"""Wire types shared by the backend (response models) and the client: one definition each."""
