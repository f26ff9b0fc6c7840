"""One search per method for benchmarks/search_quality.py: (problem, seed, trials) -> a Run.

Every runner searches ``trials`` trials of one problem with one seed, in a
temporary directory of its own, and records each trial's objective value in
order, the seconds of each proposal, and the library's whole time for the
search minus the objective's (the loop). What counts as a proposal:

- spacealg: the oracle's ``propose()`` call, timed by a thin wrapper that
  ``minimize(..., oracle=...)`` receives in place of the named oracle.
- KerasTuner: the oracle's ``populate_space()`` call, made inside ``create_trial``
  (the oracle's own JSON writes are in the loop time, not the proposal).
- Optuna: ``study.ask()`` plus the ``suggest_*`` calls of the trial's values
  (the sampler works in both); in-memory storage.
"""

from __future__ import annotations

import importlib.util
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quality_problems import Dim, Problem, Scalar


@dataclass(frozen=True)
class Run:
    """One search: what each trial scored and what the library's side of it took."""

    scores: tuple[float, ...]
    """The objective's value of each trial, in trial order."""
    proposal_s: tuple[float, ...]
    """Seconds of each proposal."""
    loop_s: float
    """Seconds of the whole search minus the objective's own time."""
    warning: str = ""
    """Something that makes the run's numbers mean less than they seem, or empty."""


Runner = Callable[[Problem, int, int, Path], Run]


class _Clock:
    """Adds up the seconds spent inside the objective."""

    def __init__(self, fn: Callable[[Mapping[str, Scalar]], float]) -> None:
        self.fn = fn
        self.seconds = 0.0
        self.scores: list[float] = []

    def __call__(self, values: Mapping[str, Scalar]) -> float:
        start = time.perf_counter()
        score = self.fn(values)
        self.seconds += time.perf_counter() - start
        self.scores.append(score)
        return score


# --- spacealg ---


class TimedOracle:
    """Passes every call to a spacealg oracle and times its ``propose()``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds: list[float] = []
        self.histories = 0
        """How many proposals received a non-empty ``history=`` (trials with scores)."""

    def settings(self) -> dict[str, Any]:
        return dict(self.inner.settings())

    def propose(self, *args: Any, **kwargs: Any) -> Any:
        self.histories += bool(kwargs.get("history"))
        start = time.perf_counter()
        try:
            return self.inner.propose(*args, **kwargs)
        finally:
            self.seconds.append(time.perf_counter() - start)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def spacealg_oracle(name: str) -> Any:
    """The oracle ``minimize(..., oracle=name)`` would use; None when this spacealg lacks it."""
    from spacealg.errors import InvalidArgumentError
    from spacealg.oracles import as_oracle  # the name -> oracle step of minimize()

    try:
        return as_oracle(name, "search_quality")
    except InvalidArgumentError:
        return None


def _spacealg_space(dims: tuple[Dim, ...]) -> Any:
    import spacealg as sa

    entries: list[Any] = []
    for d in dims:
        conditions = [] if d.parent is None else [sa.Condition(d.parent, d.parent_values)]
        sampling = "log" if d.log else "linear"
        if d.kind == "int":
            entries.append(
                sa.Int(
                    d.name,
                    min_value=int(d.low),
                    max_value=int(d.high),
                    sampling=sampling,
                    conditions=conditions,
                )
            )
        elif d.kind == "float":
            entries.append(
                sa.Float(
                    d.name,
                    min_value=d.low,
                    max_value=d.high,
                    sampling=sampling,
                    conditions=conditions,
                )
            )
        else:
            entries.append(sa.Choice(d.name, values=d.values, conditions=conditions))
    return sa.Space(entries)


def spacealg_runner(oracle_name: str) -> Runner:
    def run(problem: Problem, seed: int, trials: int, directory: Path) -> Run:
        import spacealg as sa

        oracle = TimedOracle(spacealg_oracle(oracle_name))
        clock = _Clock(problem.fn)
        start = time.perf_counter()
        result = sa.minimize(
            lambda values: clock(dict(values)),
            _spacealg_space(problem.dims),
            max_trials=trials,
            oracle=oracle,
            seed=seed,
            directory=directory,
            project_name="spacealg",
            overwrite=True,
            verbose=0,
        )
        loop = time.perf_counter() - start - clock.seconds
        if len(result.trials) != len(clock.scores):
            raise RuntimeError(f"{len(result.trials)} trials recorded, {len(clock.scores)} run")
        warning = ""
        if getattr(oracle.inner, "uses_history", False) and not oracle.histories:
            warning = "the search loop passed no scores (history=) to the oracle"
        return Run(tuple(clock.scores), tuple(oracle.seconds), loop, warning)

    return run


def spacealg_workers_runner(oracle_name: str, workers: int) -> Runner:
    """``workers`` simulated in one process: each proposal sees the trials still running.

    ``workers`` trials are proposed up front (each seeing the earlier ones as
    RUNNING); then, as in a pool of workers whose trials take equally long, the
    oldest running trial completes and a new one is proposed, until ``trials``
    have completed. The regret curve follows the order of completion, so a row
    compares with the sequential one at equal trial counts.
    """

    def run(problem: Problem, seed: int, trials: int, directory: Path) -> Run:
        from spacealg.oracles import Observation, TrialState

        oracle = TimedOracle(spacealg_oracle(oracle_name))
        space = _spacealg_space(problem.dims)
        clock = _Clock(problem.fn)
        start = time.perf_counter()
        history: list[Any] = []
        running: list[int] = []  # positions in history, oldest first

        def propose() -> None:
            tried = [o.values for o in history]
            values = oracle.propose(space, tried, seed=seed, index=len(tried), history=history)
            if values is None:
                raise RuntimeError(f"{oracle_name} proposed nothing after {len(tried)} trials")
            running.append(len(history))
            history.append(Observation(values, TrialState.RUNNING))

        for _ in range(min(workers, trials)):
            propose()
        while running:
            position = running.pop(0)
            values = history[position].values
            history[position] = Observation(values, TrialState.COMPLETED, clock(dict(values)))
            if len(history) < trials:
                propose()
        loop = time.perf_counter() - start - clock.seconds
        return Run(tuple(clock.scores), tuple(oracle.seconds), loop, "")

    return run


# --- KerasTuner ---


def _keras_tuner_space(dims: tuple[Dim, ...]) -> Any:
    import keras_tuner

    hp = keras_tuner.HyperParameters()
    for d in dims:
        scope = {}
        if d.parent is not None:
            scope = {"parent_name": d.parent, "parent_values": list(d.parent_values)}
        sampling = "log" if d.log else "linear"
        if d.kind == "int":
            hp.Int(d.name, int(d.low), int(d.high), sampling=sampling, **scope)
        elif d.kind == "float":
            hp.Float(d.name, d.low, d.high, sampling=sampling, **scope)
        else:
            hp.Choice(d.name, list(d.values), **scope)
    return hp


def keras_tuner_runner(kind: str) -> Runner:
    def run(problem: Problem, seed: int, trials: int, directory: Path) -> Run:
        import keras_tuner
        from keras_tuner.src.engine import trial as trial_module

        oracle_class = {
            "random": keras_tuner.oracles.RandomSearchOracle,
            "bayesian": keras_tuner.oracles.BayesianOptimizationOracle,
        }[kind]
        hp = _keras_tuner_space(problem.dims)
        clock = _Clock(problem.fn)
        start = time.perf_counter()
        oracle = oracle_class(
            objective=keras_tuner.Objective("score", "min"),
            max_trials=trials,
            hyperparameters=hp,
            seed=seed + 1,  # the oracle replaces a falsy seed (0) with a random one
        )
        # What BaseTuner does around its trials (see benchmarks/loop_overhead.py).
        oracle._set_project_dir(str(directory), "keras_tuner")  # noqa: SLF001
        oracle.verbose = 0
        seconds: list[float] = []
        populate = oracle.populate_space

        def timed_populate(trial_id: str) -> Any:
            begin = time.perf_counter()
            try:
                return populate(trial_id)
            finally:
                seconds.append(time.perf_counter() - begin)

        oracle.populate_space = timed_populate  # create_trial calls self.populate_space
        while True:
            trial = oracle.create_trial("tuner0")
            if trial.status == trial_module.TrialStatus.STOPPED:
                break
            hps = trial.hyperparameters
            values = {h.name: hps.values[h.name] for h in hps.space if hps.is_active(h)}
            oracle.update_trial(trial.trial_id, {"score": clock(values)}, step=0)
            trial.status = trial_module.TrialStatus.COMPLETED
            oracle.end_trial(trial)
        loop = time.perf_counter() - start - clock.seconds
        return Run(tuple(clock.scores), tuple(seconds), loop)

    return run


# --- Optuna ---


def _suggest(trial: Any, dims: tuple[Dim, ...]) -> dict[str, Scalar]:
    values: dict[str, Scalar] = {}
    for d in dims:
        if d.parent is not None and values[d.parent] not in d.parent_values:
            continue
        if d.kind == "int":
            values[d.name] = trial.suggest_int(d.name, int(d.low), int(d.high), log=d.log)
        elif d.kind == "float":
            values[d.name] = trial.suggest_float(d.name, d.low, d.high, log=d.log)
        else:
            values[d.name] = trial.suggest_categorical(d.name, list(d.values))
    return values


def optuna_runner(sampler_name: str) -> Runner:
    def run(problem: Problem, seed: int, trials: int, directory: Path) -> Run:
        import optuna

        del directory  # in-memory storage
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        if sampler_name == "tpe":
            sampler: Any = optuna.samplers.TPESampler(seed=seed)
        else:
            sampler = optuna.samplers.GPSampler(
                seed=seed, deterministic_objective=True, warn_independent_sampling=False
            )
        clock = _Clock(problem.fn)
        start = time.perf_counter()
        study = optuna.create_study(direction="minimize", sampler=sampler)
        seconds: list[float] = []
        for _ in range(trials):
            begin = time.perf_counter()
            trial = study.ask()
            values = _suggest(trial, problem.dims)
            seconds.append(time.perf_counter() - begin)
            study.tell(trial, clock(values))
        loop = time.perf_counter() - start - clock.seconds
        return Run(tuple(clock.scores), tuple(seconds), loop)

    return run


# --- the methods, in the table's order ---


@dataclass(frozen=True)
class Method:
    """One row of the table."""

    label: str
    runner: Runner
    requires: tuple[str, ...] = ()
    """Modules the method imports: it is "not installed" when one is missing."""
    spacealg_oracle: str | None = None
    """The oracle name, for spacealg's own methods."""

    def unavailable(self) -> str | None:
        """Why this method cannot run here, or None when it can."""
        missing = [m for m in self.requires if importlib.util.find_spec(m) is None]
        if missing:
            return f"not installed ({', '.join(missing)})"
        if self.spacealg_oracle is not None and spacealg_oracle(self.spacealg_oracle) is None:
            return "not available in this spacealg"
        return None


METHODS: tuple[Method, ...] = (
    Method("spacealg random", spacealg_runner("random"), spacealg_oracle="random"),
    Method("spacealg bayesian", spacealg_runner("bayesian"), spacealg_oracle="bayesian"),
    Method("spacealg tpe", spacealg_runner("tpe"), spacealg_oracle="tpe"),
    *(
        Method(
            f"spacealg {name}, {workers} workers",
            spacealg_workers_runner(name, workers),
            spacealg_oracle=name,
        )
        for name in ("bayesian", "tpe")
        for workers in (2, 4)
    ),
    Method("KerasTuner random", keras_tuner_runner("random"), ("keras_tuner",)),
    Method("KerasTuner bayesian", keras_tuner_runner("bayesian"), ("keras_tuner", "sklearn")),
    Method("Optuna TPESampler", optuna_runner("tpe"), ("optuna",)),
    Method("Optuna GPSampler", optuna_runner("gp"), ("optuna", "torch")),
)


def run_one(method_label: str, problem: Problem, seed: int, trials: int) -> Run:
    """Runs one search of ``method_label`` in a fresh temporary directory."""
    method = next(m for m in METHODS if m.label == method_label)
    with tempfile.TemporaryDirectory(prefix="search_quality_") as directory:
        return method.runner(problem, seed, trials, Path(directory))
