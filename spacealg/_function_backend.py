"""The function backend: a plain Python function of the trial's values is the objective."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from ._values import Values
from .backend import Outcome, Trial


@attrs.frozen
class FunctionBackend:
    """Runs ``fn(values)``; a float it returns is the metric ``score``.

    Example:
        >>> from pathlib import Path
        >>> from spacealg.backend import Trial
        >>> backend = FunctionBackend(lambda values: values["x"] ** 2)
        >>> backend.run_trial(Trial(0, Values({"x": 3}), 0, 0, Path("."), lambda s, m: None))
        9
    """

    fn: Callable[[Values], float | Mapping[str, float]]

    def run_trial(self, trial: Trial) -> Outcome:
        """``fn(trial.values)``."""
        return self.fn(trial.values)
