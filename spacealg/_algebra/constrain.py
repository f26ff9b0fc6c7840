"""The ``constrain`` operator: which combinations of values a space allows."""

from __future__ import annotations

from spacealg._algebra.operators import trimmed
from spacealg._space.constraints import compile_constraints
from spacealg._space.space import Space, check_space


def constrain(space: Space, /, *expressions: str) -> Space:
    """Allow only the configurations for which every expression is true.

    An expression is a string over the space's names in a small, safe language:
    numbers, strings and booleans; ``+ - * / // % **``; comparisons, chained
    (``16 <= units * layers <= 4096``); ``and``, ``or``, ``not``; ``in`` and
    ``not in`` a literal list or tuple; and the functions ``abs``, ``min``,
    ``max``, ``log``, ``log2``, ``log10``, ``exp`` and ``sqrt``. A name that is
    not a Python identifier is written ``name('enc/units')``. The text is parsed
    with :mod:`ast` and run by spacealg's own interpreter, never ``eval``;
    anything else is refused here, with an error pointing at it. Numbers are
    evaluated as floats: ``x / 0`` is ``inf`` and a comparison with ``nan`` is false.

    A constraint that mentions an entry a configuration leaves inactive does not
    apply to that configuration. The value of each unconditional ``Fixed`` entry
    is substituted into the text, so a constraint speaks of tuned entries only;
    one left without names is checked here, once. Samplers, :func:`grid`,
    :func:`cardinality`, :func:`contains`, :func:`validate` and every oracle
    honour the constraints; the tailoring operators keep them.

    Laws:
        does not mutate: ``s`` is unchanged by ``constrain(s, *e)``.
        returns its input when nothing changes: ``constrain(s)`` is ``s``, and so
            is ``constrain(s, e)`` when ``s`` has the constraint ``e`` already.
        is idempotent: ``constrain(constrain(s, e), e) is constrain(s, e)``.
        is commutative: ``constrain(constrain(s, a), b) ==
            constrain(constrain(s, b), a) == constrain(s, a, b)``.
        keeps samples allowed: every sample of ``constrain(s, e)`` is a
            configuration of ``s`` for which ``e`` holds (or mentions an inactive entry).
        filters the grid in order: ``list(grid(constrain(s, e)))`` is
            ``list(grid(s))`` without the configurations ``e`` forbids, in the same order.
        counts the filtered grid: ``cardinality(constrain(s, e))`` is the length
            of that filtered grid.
        commutes with fix: ``fix(constrain(s, e), **v) == constrain(fix(s, **v), e)``
            whenever both sides are defined.

    Args:
        space: the space to constrain.
        *expressions: the constraints, each a str of the language above.

    Returns:
        The constrained space (``space`` itself when every expression is already
        one of its constraints).

    Raises:
        ArgumentTypeError: an expression that is not a non-empty str.
        ExpressionError: an expression outside the language, or one that names
            an entry not in the space; the message points at the offending part.
        ConstraintError: an expression that the fixed entries make false.

    Examples:
        >>> from spacealg import Int, cardinality
        >>> space = Space([Int("units", min_value=32, max_value=512, step=32),
        ...                Int("layers", min_value=1, max_value=8)])
        >>> small = constrain(space, "units * layers <= 1024")
        >>> small.constraints
        ('units * layers <= 1024',)
        >>> cardinality(space), cardinality(small)
        (128, 69)
    """
    check_space("constrain()", "space", space)
    compiled = compile_constraints(expressions, space, "constrain()")
    new = [c for c in compiled if c.text not in space.constraints]
    if not new:
        return space
    notes: dict[str, str] = {}
    for constraint in new:
        for name in constraint.names:
            note = f"constrain(): {constraint.text!r}"
            notes[name] = f"{notes[name]}; {note}" if name in notes else note
    return trimmed(
        space,
        space.hyperparameters,
        notes,
        (),
        operation="constrain()",
        constraints=(*space.constraints, *(c.text for c in new)),
    )
