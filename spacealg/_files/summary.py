"""The ``search_space_summary()`` text, exactly as KerasTuner prints it."""

from __future__ import annotations

from spacealg._space.space import Space, check_space

CLASS_NAMES = {
    "int": "Int",
    "float": "Float",
    "choice": "Choice",
    "boolean": "Boolean",
    "fixed": "Fixed",
}


def summary(space: Space) -> str:
    """KerasTuner's search space summary of ``space``, as a string.

    One pair of lines per entry, in space order: ``name (Kind)`` and the repr of
    its config. Unlike KerasTuner, ``default`` shows the resolved default (an
    ``Int`` declared without one shows its minimum, not ``None``). A space with
    constraints ends with a section of its own, a ``Constraints`` line and one
    line per constraint; a space without prints exactly KerasTuner's text.

    Examples:
        >>> from spacealg import Fixed, Int
        >>> print(summary(Space([Fixed("learning_rate", value=1e-4),
        ...     Int("units", min_value=32, max_value=128, step=32, default=64)])), end="")
        Search space summary
        Default search space size: 2
        learning_rate (Fixed)
        {'conditions': [], 'value': 0.0001}
        units (Int)
        {'default': 64, 'conditions': [], 'min_value': 32, 'max_value': 128, 'step': 32, \
'sampling': 'linear'}
    """
    check_space("summary()", "space", space)
    lines = ["Search space summary", f"Default search space size: {len(space)}"]
    for hp in space.hyperparameters:
        lines.append(f"{hp.name} ({CLASS_NAMES[hp.kind]})")
        lines.append(repr(hp.config()))
    if space.constraints:
        lines.append("Constraints")
        lines.extend(space.constraints)
    return "".join(line + "\n" for line in lines)
