"""Layer 1, space values: the kinds, conditions, ``Space``, ``Values``, unit encodings and sampling.

Imports nothing from spacealg but ``spacealg.errors``.
"""
