"""The union of every hyperparameter kind, for annotations and dispatch."""

from __future__ import annotations

from typing import TypeAlias

from spacealg._space.discrete import Boolean, Choice, Fixed
from spacealg._space.numeric import Float, Int

Hyperparameter: TypeAlias = Int | Float | Choice | Boolean | Fixed
"""Any hyperparameter: ``Int``, ``Float``, ``Choice``, ``Boolean`` or ``Fixed``."""

KINDS: tuple[type[Hyperparameter], ...] = (Int, Float, Choice, Boolean, Fixed)
"""Every kind, in the order the docs list them."""
