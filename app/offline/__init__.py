"""Offline incident logging: the local store and outbox, the sync, and the offline-capable gateway.

Qt-free core: ``store`` (SQLite cache + outbox), ``outbox`` (the operator's operations,
checked and committed), ``sync`` (draining to the server), ``credentials`` (offline start).
Qt layer: ``gateway`` (OfflineIncidentGateway), ``banner`` and ``conflict`` (what the
operator sees).
"""
