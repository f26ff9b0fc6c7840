"""Layer 5, the store: the crash-safe SQLite trial store and the liveness heartbeat.

Imports only the layers below it.
"""
