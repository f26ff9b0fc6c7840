"""Search-loop overhead of spacealg next to Optuna and KerasTuner, with a no-op objective.

Runs a whole search of ``--trials`` trials (1,000 by default) whose objective
does nothing, on the 10-hyperparameter mixed space of benchmarks/sampling.py
(3 Int, 3 Float of which 2 log-scaled, 3 Choice, 1 Boolean), each library on
its own persistent store in a fresh temporary directory, and reports the
framework's time per trial: the whole search's wall time (store creation
included) divided by the number of trials; the median of ``--runs`` runs.

- spacealg: ``minimize(..., verbose=0)`` on its SQLite store.
- Optuna: ``create_study(storage="sqlite:///...", sampler=RandomSampler)`` then
  ``study.optimize(objective, n_trials=N)``; the objective suggests the 10 values.
- KerasTuner: ``RandomSearchOracle``'s loop with its JSON files (``oracle.json``
  and one ``trial_*/trial.json`` per trial): ``create_trial``, ``update_trial``,
  ``end_trial``, as ``BaseTuner.search`` drives it.

A peer that cannot be imported shows "not installed". Run it from the
repository root (see benchmarks/README.md)::

    python benchmarks/loop_overhead.py              # 1,000 trials, 3 runs (about a minute)
    python benchmarks/loop_overhead.py --trials 100 --runs 1   # quick look
"""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Shares the space (and the KERAS_BACKEND=jax default) with the sampling benchmark;
# it sits next to this file, which Python puts first on sys.path.
from sampling import Param, _spacealg_space, mixed_space

import spacealg as sa

if TYPE_CHECKING:
    from collections.abc import Sequence

TARGET_MS = 1.0
"""spacealg's budget: at most this many milliseconds of framework time per trial."""

Search = Callable[[Path, int], int]
"""Runs a whole search of ``trials`` trials in a directory; returns the trials it recorded."""


# --- one search per library: params -> a search to time ---


def spacealg_search(params: tuple[Param, ...]) -> Search:
    space = _spacealg_space(params)

    def search(directory: Path, trials: int) -> int:
        result = sa.minimize(
            lambda _values: 0.0,
            space,
            max_trials=trials,
            seed=0,
            directory=directory,
            project_name="spacealg",
            verbose=0,
        )
        return len(result.trials)

    return search


def optuna_search(params: tuple[Param, ...]) -> Search:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)  # no line per trial

    def objective(trial: Any) -> float:
        for p in params:
            if p.kind == "int":
                trial.suggest_int(p.name, int(p.low), int(p.high), log=p.log)
            elif p.kind == "float":
                trial.suggest_float(p.name, p.low, p.high, log=p.log)
            elif p.kind == "choice":
                trial.suggest_categorical(p.name, list(p.values))
            else:
                trial.suggest_categorical(p.name, [False, True])
        return 0.0

    def search(directory: Path, trials: int) -> int:
        study = optuna.create_study(
            storage=f"sqlite:///{directory / 'optuna.db'}",
            sampler=optuna.samplers.RandomSampler(seed=0),
        )
        study.optimize(objective, n_trials=trials)
        return len(study.trials)

    return search


def keras_tuner_search(params: tuple[Param, ...]) -> Search:
    import keras_tuner
    from keras_tuner.src.engine import trial as trial_module

    hp = keras_tuner.HyperParameters()
    for p in params:
        sampling = "log" if p.log else "linear"
        if p.kind == "int":
            hp.Int(p.name, int(p.low), int(p.high), sampling=sampling)
        elif p.kind == "float":
            hp.Float(p.name, p.low, p.high, sampling=sampling)
        elif p.kind == "choice":
            hp.Choice(p.name, list(p.values))
        else:
            hp.Boolean(p.name)

    def search(directory: Path, trials: int) -> int:
        # The calls BaseTuner makes around its own run_trial, in keras_tuner 1.4.8
        # (keras_tuner/src/engine/base_tuner.py):
        # - __init__: `self.oracle._set_project_dir(self.directory, self.project_name)`;
        # - search(verbose=0): `self.oracle.verbose = verbose` (no Display lines);
        # - search: `trial = self.oracle.create_trial(self.tuner_id)` until its status
        #   is STOPPED (the oracle's max_trials reached); tuner_id is "tuner0" by default;
        # - _run_and_update_trial: `self.oracle.update_trial(trial.trial_id, metrics, step)`;
        # - _try_run_and_update_trial: `trial.status = TrialStatus.COMPLETED`;
        # - on_trial_end: `self.oracle.end_trial(trial)`, then the tuner's own save()
        #   of tuner.json, which this loop leaves out (it is the tuner's, not the oracle's).
        # Oracle (keras_tuner/src/engine/oracle.py) writes trial_<id>/trial.json in
        # create_trial, update_trial and end_trial (_save_trial), and oracle.json in
        # create_trial and end_trial (save).
        oracle = keras_tuner.oracles.RandomSearchOracle(
            objective="loss",
            max_trials=trials,
            hyperparameters=hp,
            seed=1,  # the oracle replaces a falsy seed (0) with a random one
        )
        oracle._set_project_dir(str(directory), "keras_tuner")  # noqa: SLF001 - as BaseTuner does
        oracle.verbose = 0
        while True:
            trial = oracle.create_trial("tuner0")
            if trial.status == trial_module.TrialStatus.STOPPED:
                break
            oracle.update_trial(trial.trial_id, {"loss": 0.0}, step=0)
            trial.status = trial_module.TrialStatus.COMPLETED
            oracle.end_trial(trial)
        return len(oracle.trials)

    return search


@dataclass(frozen=True)
class Case:
    """One row of the table."""

    label: str
    build: Callable[[tuple[Param, ...]], Search] | None
    """None when the library is not installed."""
    min_ratio: float | None = None
    """How many times spacealg's time per trial this library should take, at least."""


def _installed(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def cases() -> list[Case]:
    kt = _installed("keras_tuner")
    op = _installed("optuna")
    return [
        Case("spacealg minimize (SQLite)", spacealg_search),
        Case("KerasTuner RandomSearchOracle (JSON)", keras_tuner_search if kt else None, 5.0),
        Case("Optuna RandomSampler (SQLite)", optuna_search if op else None, 10.0),
    ]


# --- timing ---


def ms_per_trial(search: Search, trials: int) -> float:
    """Milliseconds per trial of one whole search, in a fresh temporary directory."""
    with tempfile.TemporaryDirectory(prefix="loop_overhead_") as directory:
        start = time.perf_counter()
        recorded = search(Path(directory), trials)
        elapsed = time.perf_counter() - start
    if recorded != trials:
        raise RuntimeError(f"the search recorded {recorded} trials, not {trials}")
    return elapsed * 1000.0 / trials


def median_ms(search: Search, trials: int, runs: int) -> float:
    return statistics.median(ms_per_trial(search, trials) for _ in range(runs))


def fsync_ms(samples: int = 20) -> float:
    """Median milliseconds of one small write + fsync in the temporary directory's file system.

    Optuna's SQLite storage commits in rollback-journal mode with synchronous=FULL
    (several fsyncs per trial); spacealg's store commits in WAL mode with
    synchronous=NORMAL (no fsync per commit); KerasTuner's JSON writes never fsync.
    So the peers' ratios depend on this disk's fsync latency.
    """
    times = []
    with tempfile.NamedTemporaryFile(prefix="loop_overhead_") as file:
        for _ in range(samples):
            start = time.perf_counter()
            file.write(b"x" * 100)
            file.flush()
            os.fsync(file.fileno())
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000.0


# --- report ---

_WIDTHS = (38, 14, 16, 30)


def _line(cells: Sequence[str]) -> str:
    """The first cell left-aligned, the others right-aligned, in the table's widths."""
    label, *rest = cells
    return label.ljust(_WIDTHS[0]) + "".join(
        c.rjust(w) for c, w in zip(rest, _WIDTHS[1:], strict=True)
    )


def _versions() -> str:
    names = ("spacealg", "optuna", "sqlalchemy", "keras-tuner", "keras")
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def _row(case: Case, ms: float | None, ours: float | None) -> tuple[str, ...]:
    if ms is None:
        return (case.label, "not installed", "", "")
    if case.min_ratio is None:  # spacealg itself
        verdict = "ok" if ms <= TARGET_MS else "MISSED"
        return (case.label, f"{ms:.3f}", "1.0x", f"<= {TARGET_MS:g} ms: {verdict}")
    assert ours is not None
    ratio = ms / ours
    verdict = "ok" if ratio >= case.min_ratio else "MISSED"
    return (case.label, f"{ms:.3f}", f"{ratio:.1f}x", f">= {case.min_ratio:g}x spacealg: {verdict}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=1000, help="trials per search")
    parser.add_argument("--runs", type=int, default=3, help="searches per library (median)")
    args = parser.parse_args(argv)
    logging.getLogger("optuna").setLevel(logging.WARNING)

    params = mixed_space(1)
    print(f"Python {sys.version.split()[0]}; {_versions()}")
    print(f"temporary directory {tempfile.gettempdir()}: one fsync takes {fsync_ms():.2f} ms")
    print(
        f"ms of framework time per trial (no-op objective, {len(params)} HPs), whole search of "
        f"{args.trials:,} trials incl. store creation, median of {args.runs} runs\n"
    )
    print(_line(("", "ms / trial", "vs spacealg", "target")))
    print("-" * sum(_WIDTHS))
    ours: float | None = None
    for case in cases():
        ms = None if case.build is None else median_ms(case.build(params), args.trials, args.runs)
        if case.min_ratio is None:
            ours = ms
        print(_line(_row(case, ms, ours)), flush=True)


if __name__ == "__main__":
    main()
