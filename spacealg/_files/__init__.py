"""Layer 3, text and files: the summary text, JSON serialization and the KerasTuner import.

Imports only the layers below: ``_algebra``, ``_space`` and ``spacealg.errors``.
"""
