"""Layer 8, the contract suites behind ``spacealg.testing``.

May import every layer below it and the public ``spacealg.backend`` and ``spacealg.oracles``.
"""
