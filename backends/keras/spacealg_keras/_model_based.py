"""Tuners whose oracles learn from the trials: KerasTuner's ``Hyperband`` (and its kin).

Each is a :class:`Tuner` with a model-based oracle of spacealg's core and
KerasTuner's constructor arguments.
"""

from __future__ import annotations

from typing import Any

import spacealg as sa
from spacealg._hyperband import HyperbandOracle

from ._tuner import Tuner


class Hyperband(Tuner):
    """KerasTuner's ``Hyperband``: successive halving over epochs, in brackets.

    Each trial trains up to the epochs its bracket and round give it (the
    ``epochs`` passed to ``search`` are replaced); a promoted trial starts from
    the best weights of the trial it continues, at ``initial_epoch`` (with a fresh
    optimizer state). The budget is recorded with the trial
    (``trial.meta["tuner/epochs"]`` and the rest), not in the space. The search
    ends when the schedule does; ``max_trials`` is only needed with
    ``asynchronous=True`` (successive halving that never waits for a round to end,
    for several workers sharing one project).

    Args:
        hypermodel: a HyperModel or a build function.
        objective: the metric to optimise (``val_loss`` by default).
        max_epochs: the most epochs a trial trains for.
        factor: the reduction factor between rounds.
        hyperband_iterations: how many times the whole schedule runs.
        seed: the search's seed.
        hyperparameters: the tailoring (a handle, a Space or a TrialSpace).
        tune_new_entries: whether declared names outside the tailoring are tuned.
        allow_new_entries: whether the hypermodel may declare names outside it.
        asynchronous: asynchronous successive halving (spacealg's own argument).
        max_trials: a cap on the trials (None: the schedule's end).
        **kwargs: the arguments every :class:`Tuner` takes.
    """

    def __init__(
        self,
        hypermodel: object = None,
        objective: str | sa.Objective | None = None,
        max_epochs: int = 100,
        factor: int = 3,
        hyperband_iterations: int = 1,
        seed: int | None = None,
        hyperparameters: sa.HyperParameters | sa.Space | sa.TrialSpace | None = None,
        tune_new_entries: bool = True,
        allow_new_entries: bool = True,
        *,
        asynchronous: bool = False,
        max_trials: int | None = None,
        **kwargs: Any,
    ) -> None:
        if "oracle" in kwargs:
            raise TypeError("Hyperband() takes no oracle= (its oracle is Hyperband's own)")
        super().__init__(
            hypermodel,
            oracle=HyperbandOracle(
                max_epochs=max_epochs,
                factor=factor,
                hyperband_iterations=hyperband_iterations,
                asynchronous=asynchronous,
            ),
            objective=objective,
            max_trials=max_trials,
            seed=seed,
            hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries,
            **kwargs,
        )
