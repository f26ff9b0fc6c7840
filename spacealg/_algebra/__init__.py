"""Layer 2, the algebra: the tailoring operators, capture and ``resolve``.

Imports only ``spacealg._space`` and ``spacealg.errors``.
"""
