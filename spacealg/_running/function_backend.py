"""The function backend: a plain Python function of the trial's values is the objective."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from spacealg._running.backend_protocol import Outcome, Trial


@attrs.frozen
class FunctionBackend:
    """Runs ``fn(values)``; a float it returns is the metric ``score``.

    A trial with a budget (Hyperband's ``tuner/epochs`` in ``trial.meta``) runs
    ``fn(values, budget=epochs)``.

    Examples:
        >>> from pathlib import Path
        >>> from spacealg.backend import Trial
        >>> backend = FunctionBackend(lambda values: values["x"] ** 2)
        >>> backend.run_trial(Trial(0, Values({"x": 3}), 0, 0, Path("."), lambda s, m: None))
        9
    """

    fn: Callable[..., float | Mapping[str, float]]

    def run_trial(self, trial: Trial) -> Outcome:
        """``fn(trial.values)``, or ``fn(trial.values, budget=...)`` with a budget."""
        if BUDGET in trial.meta:
            return self.fn(trial.values, budget=trial.meta[BUDGET])
        return self.fn(trial.values)


BUDGET = "tuner/epochs"
"""The trial metadata that holds a trial's budget."""


def takes_budget(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` can be called as ``fn(values, budget=...)``."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # no signature to read: let the call decide
        return True
    return any(
        p.kind is inspect.Parameter.VAR_KEYWORD
        or (p.name == "budget" and p.kind is not inspect.Parameter.POSITIONAL_ONLY)
        for p in parameters
    )
