"""Tuners whose oracles learn from the trials: Hyperband, BayesianOptimization and TPE.

Each is a :class:`Tuner` with a model-based oracle of spacealg's core and
KerasTuner's constructor arguments.
"""

from __future__ import annotations

from typing import Any, Literal

import spacealg as sa
from spacealg.oracles import BayesianOptimizationOracle, HyperbandOracle, TPEOracle

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
        _no_oracle(type(self).__name__, kwargs)
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


class BayesianOptimization(Tuner):
    """KerasTuner's ``BayesianOptimization``: a Gaussian process over the active entries.

    Expected improvement by default (``acquisition="ei"``, spacealg's own argument);
    KerasTuner's upper confidence bound is ``acquisition="ucb"``, where ``beta`` sets
    its width. ``beta`` without ``"ucb"`` has no meaning and raises, naming it. Needs
    scipy (``pip install 'spacealg[bayes]'``).

    Args:
        hypermodel: a HyperModel or a build function.
        objective: the metric to optimise (``val_loss`` by default).
        max_trials: how many trials the project holds in all.
        num_initial_points: random trials before the process is fitted (None:
            KerasTuner's rule, 3 per tuned entry).
        alpha: the noise added to the kernel's diagonal.
        beta: the width of the confidence bound (``acquisition="ucb"`` only).
        seed: the search's seed.
        hyperparameters: the tailoring (a handle, a Space or a TrialSpace).
        tune_new_entries: whether declared names outside the tailoring are tuned.
        allow_new_entries: whether the hypermodel may declare names outside it.
        acquisition: ``"ei"`` (expected improvement) or ``"ucb"``.
        **kwargs: the arguments every :class:`Tuner` takes.
    """

    def __init__(
        self,
        hypermodel: object = None,
        objective: str | sa.Objective | None = None,
        max_trials: int | None = 10,
        num_initial_points: int | None = None,
        alpha: float = 1e-4,
        beta: float | None = None,
        seed: int | None = None,
        hyperparameters: sa.HyperParameters | sa.Space | sa.TrialSpace | None = None,
        tune_new_entries: bool = True,
        allow_new_entries: bool = True,
        *,
        acquisition: Literal["ei", "ucb"] = "ei",
        **kwargs: Any,
    ) -> None:
        _no_oracle(type(self).__name__, kwargs)
        super().__init__(
            hypermodel,
            oracle=BayesianOptimizationOracle(
                num_initial_points=num_initial_points,
                alpha=alpha,
                beta=beta,
                acquisition=acquisition,
            ),
            objective=objective,
            max_trials=max_trials,
            seed=seed,
            hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries,
            **kwargs,
        )


class TPE(Tuner):
    """A tree-structured Parzen estimator search (spacealg's own; KerasTuner has none).

    The shared tuner arguments, plus TPE's: ``n_startup_trials`` random trials
    first, then ``n_ei_candidates`` draws from the good trials' density, the one
    most likelier under it than under the rest's kept; ``gamma`` is the fraction of
    trials counted good, ``prior_weight`` the weight of a uniform prior.

    Args:
        hypermodel: a HyperModel or a build function.
        objective: the metric to optimise (``val_loss`` by default).
        max_trials: how many trials the project holds in all.
        seed: the search's seed.
        hyperparameters: the tailoring (a handle, a Space or a TrialSpace).
        tune_new_entries: whether declared names outside the tailoring are tuned.
        allow_new_entries: whether the hypermodel may declare names outside it.
        n_startup_trials: random trials before the densities are fitted.
        n_ei_candidates: candidates drawn for each proposal.
        gamma: the fraction of completed trials counted good.
        prior_weight: the weight of the uniform prior in each density.
        **kwargs: the arguments every :class:`Tuner` takes.
    """

    def __init__(
        self,
        hypermodel: object = None,
        objective: str | sa.Objective | None = None,
        max_trials: int | None = 10,
        seed: int | None = None,
        hyperparameters: sa.HyperParameters | sa.Space | sa.TrialSpace | None = None,
        tune_new_entries: bool = True,
        allow_new_entries: bool = True,
        *,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        gamma: float = 0.1,
        prior_weight: float = 1.0,
        **kwargs: Any,
    ) -> None:
        _no_oracle(type(self).__name__, kwargs)
        super().__init__(
            hypermodel,
            oracle=TPEOracle(
                n_startup_trials=n_startup_trials,
                n_ei_candidates=n_ei_candidates,
                gamma=gamma,
                prior_weight=prior_weight,
            ),
            objective=objective,
            max_trials=max_trials,
            seed=seed,
            hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries,
            **kwargs,
        )


def _no_oracle(tuner: str, kwargs: dict[str, Any]) -> None:
    if "oracle" in kwargs:
        raise TypeError(f"{tuner}() takes no oracle= (its oracle is its own)")
