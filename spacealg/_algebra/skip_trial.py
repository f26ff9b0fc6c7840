"""``SkipTrial``: the control-flow exception that marks a combination invalid."""

from __future__ import annotations


class SkipTrial(Exception):  # noqa: N818 - KerasTuner-style control-flow name, not an error
    """Raise from an objective (or a build function) to skip an invalid combination.

    The trial is recorded INVALID and does not count toward the failure streak.
    Raised while :func:`spacealg.declare` explores a build function, it ends that
    run of the function: what was declared before it is kept.
    """
