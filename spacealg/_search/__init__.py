"""Layer 4, search: objectives, trial records, the oracles' shared base and the oracles.

Imports only the layers below it.
"""
