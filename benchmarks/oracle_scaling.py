"""How the cost of a trial grows with the history: spacealg's oracles next to Optuna's samplers.

One search per method on the 10-hyperparameter mix of benchmarks/sampling.py,
with a cheap objective (a sum over the values: microseconds), runs to the
largest ``--sizes`` entry; around each size (the ``--window`` trials before it)
it reports two figures per trial:

* proposal: the time spent proposing (spacealg: ``oracle.propose``; Optuna: the
  sampler's ``infer_relative_search_space``, ``sample_relative`` and
  ``sample_independent`` calls);
* library: the time between the starts of two consecutive objective calls,
  minus the objective's own time: everything the library does per trial
  (spacealg: the SQLite store, its claims and records included; Optuna: its
  in-memory storage, as the issue's figures compare).

So a flat column is a cost that does not grow with the history. The targets
(issue 18): random search's library time at most 1 ms per trial at 10,000
trials; TPE's at most Optuna TPESampler's at every size. Optuna is optional: its
rows show "not installed" without it. From the repository root::

    python benchmarks/oracle_scaling.py                          # 200, 1,000, 5,000
    python benchmarks/oracle_scaling.py --sizes 10000 --only random  # the random-search target
    python benchmarks/oracle_scaling.py --sizes 30,60 --window 10    # a quick look

Run it alone on a quiet machine: it times things.
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The space is the sampling benchmark's; it sits next to this file, which Python
# puts first on sys.path.
from sampling import Param, _spacealg_space, mixed_space

import spacealg as sa

Timings = tuple[list[float], list[float]]
"""Per trial, in trial order: seconds proposing, seconds of library time."""


def _score(values: Mapping[str, Any]) -> float:
    """A cheap, deterministic score that varies (a constant one would make TPE's split trivial)."""
    total = 0.0
    for value in values.values():
        total += float(value) if isinstance(value, int | float) else float(len(str(value)))
    return total


class _Starts:
    """The objective: records when each call starts and how long it takes."""

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.inside = 0.0
        self.inside_each: list[float] = []

    def __call__(self, values: Mapping[str, Any]) -> float:
        start = time.perf_counter()
        self.starts.append(start)
        score = _score(values)
        self.inside_each.append(time.perf_counter() - start)
        return score

    def library(self) -> list[float]:
        """Per trial after the first: the gap since the previous start, less that call's time."""
        gaps = [b - a for a, b in zip(self.starts, self.starts[1:], strict=False)]
        return [gap - inside for gap, inside in zip(gaps, self.inside_each, strict=False)]


class _TimedOracle:
    """A spacealg oracle whose ``propose`` calls are timed."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds: list[float] = []

    def propose(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.inner.propose(*args, **kwargs)
        finally:
            self.seconds.append(time.perf_counter() - start)

    def settings(self) -> dict[str, Any]:
        return dict(self.inner.settings())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def spacealg_method(name: str) -> Callable[[tuple[Param, ...], int], Timings]:
    def run(params: tuple[Param, ...], trials: int) -> Timings:
        from spacealg.oracles import as_oracle

        oracle = _TimedOracle(as_oracle(name, "oracle_scaling"))
        starts = _Starts()
        with tempfile.TemporaryDirectory(prefix="oracle_scaling_") as directory:
            sa.minimize(
                starts,
                _spacealg_space(params),
                max_trials=trials,
                oracle=oracle,  # type: ignore[arg-type]
                seed=0,
                directory=directory,
                project_name="scaling",
                verbose=0,
            )
        # the library time of trial i: between the starts of calls i - 1 and i
        return oracle.seconds, [0.0, *starts.library()]

    return run


def optuna_method(sampler_name: str) -> Callable[[tuple[Param, ...], int], Timings]:
    def run(params: tuple[Param, ...], trials: int) -> Timings:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        samplers = {
            "random": lambda: optuna.samplers.RandomSampler(seed=0),
            "tpe": lambda: optuna.samplers.TPESampler(seed=0),
            "gp": lambda: optuna.samplers.GPSampler(seed=0),
        }
        inner = samplers[sampler_name]()
        proposing: dict[int, float] = {}

        class Timed(optuna.samplers.BaseSampler):  # type: ignore[misc]
            """Delegates to the sampler, adding up each trial's sampling time."""

            def _timed(self, trial: Any, method: str, *args: Any) -> Any:
                start = time.perf_counter()
                try:
                    return getattr(inner, method)(*args)
                finally:
                    number = trial.number
                    proposing[number] = proposing.get(number, 0.0) + time.perf_counter() - start

            def infer_relative_search_space(self, study: Any, trial: Any) -> Any:
                return self._timed(trial, "infer_relative_search_space", study, trial)

            def sample_relative(self, study: Any, trial: Any, space: Any) -> Any:
                return self._timed(trial, "sample_relative", study, trial, space)

            def sample_independent(self, study: Any, trial: Any, name: str, dist: Any) -> Any:
                return self._timed(trial, "sample_independent", study, trial, name, dist)

            def before_trial(self, study: Any, trial: Any) -> None:
                inner.before_trial(study, trial)

            def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
                inner.after_trial(study, trial, state, values)

        starts = _Starts()

        def objective(trial: Any) -> float:
            values: dict[str, Any] = {}
            for p in params:
                if p.kind == "int":
                    values[p.name] = trial.suggest_int(p.name, int(p.low), int(p.high), log=p.log)
                elif p.kind == "float":
                    values[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log)
                elif p.kind == "choice":
                    values[p.name] = trial.suggest_categorical(p.name, list(p.values))
                else:
                    values[p.name] = trial.suggest_categorical(p.name, [False, True])
            return starts(values)

        study = optuna.create_study(sampler=Timed())  # in memory, as the figures
        study.optimize(objective, n_trials=trials)
        # the objective's suggest calls sample; the gap between starts still holds them once
        return [proposing.get(i, 0.0) for i in range(trials)], [0.0, *starts.library()]

    return run


@dataclass(frozen=True)
class Method:
    label: str
    run: Callable[[tuple[Param, ...], int], Timings]
    requires: tuple[str, ...] = ()

    def missing(self) -> list[str]:
        return [module for module in self.requires if importlib.util.find_spec(module) is None]


METHODS = (
    Method("spacealg random", spacealg_method("random")),
    Method("spacealg tpe", spacealg_method("tpe")),
    Method("spacealg bayesian", spacealg_method("bayesian"), ("scipy",)),
    Method("Optuna RandomSampler", optuna_method("random"), ("optuna",)),
    Method("Optuna TPESampler", optuna_method("tpe"), ("optuna",)),
    Method("Optuna GPSampler", optuna_method("gp"), ("optuna", "torch")),
)


def around(per_trial: Sequence[float], size: int, window: int) -> float | None:
    """The mean over the ``window`` trials before trial ``size``, in ms (None: not reached)."""
    if len(per_trial) < size:
        return None
    chosen = per_trial[max(1, size - window) : size]
    return 1000.0 * sum(chosen) / len(chosen) if chosen else None


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="200,1000,5000", help="completed trials at which to report"
    )
    parser.add_argument("--window", type=int, default=50, help="trials averaged per size")
    parser.add_argument(
        "--only", default="", help="comma-separated words a method's label must contain (any)"
    )
    parser.add_argument(
        "--max-bayesian", type=int, default=1000, help="the largest size for Bayesian methods"
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    terms = [term.strip().lower() for term in args.only.split(",") if term.strip()]
    methods = [m for m in METHODS if not terms or any(t in m.label.lower() for t in terms)]
    params = mixed_space(1)
    print(f"spacealg {sa.__version__}; {len(params)} hyperparameters; sizes {sizes}")
    print("ms per trial around each size: proposal / library (library = loop minus objective)")
    print("".ljust(24) + "".join(f"{size:>20,}" for size in sizes))
    for method in methods:
        if missing := method.missing():
            print(method.label.ljust(24) + f"not installed ({', '.join(missing)})")
            continue
        bayesian = "bayesian" in method.label or "GP" in method.label
        largest = (
            max(s for s in sizes if not bayesian or s <= args.max_bayesian)
            if (not bayesian or min(sizes) <= args.max_bayesian)
            else None
        )
        if largest is None:
            print(method.label.ljust(24) + "skipped (sizes above --max-bayesian)")
            continue
        proposal, library = method.run(params, largest)
        cells = []
        for size in sizes:
            p, lib = around(proposal, size, args.window), around(library, size, args.window)
            cells.append("-" if p is None or lib is None else f"{p:.2f} / {lib:.2f}")
        print(method.label.ljust(24) + "".join(f"{cell:>20}" for cell in cells), flush=True)


if __name__ == "__main__":
    main()
