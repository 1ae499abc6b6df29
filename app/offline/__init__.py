"""Offline incident logging, Qt-free (an import-linter contract keeps Qt out).

``schema``      the store's tables (plain sqlite3) and the records read from them (Op, Outcome)
``store``       the SQLite file: connection, transactions, meta; mixes in the two below
``cache``       the incident cache: one row per incident, the operator's view of it
``queue``       the outbox queue: operations in order, their states, the operator's decisions
``outbox``      the operator's operations, checked against the wire schema and committed
``sync``        draining the outbox to the server through ``IncidentsApi``, exactly once
``connection``  is the server there; renewing the session
``credentials`` an offline start on a workstation used before

The gateway (``app.incidents.gateway``) runs these off the GUI thread; the banner and the
dialogs are in ``widgets.offline``.
"""
