"""Parallel trials: spacealg's process pool and Dask next to Optuna, on an objective that sleeps.

Runs ``--trials`` trials (100 by default) of an objective that sleeps
``--sleep`` seconds (0.2) on a one-Float space, each search on its own SQLite
store in a fresh temporary directory, and reports per row the wall time, the
throughput, and against its targets:

- efficiency = wall(1 worker) / (workers x wall(workers)), wall(1 worker) being
  the same library's sequential search (target: at least 90%);
- coordination cost = (wall - trials x sleep / workers) / trials (target: at
  most 5 ms per trial);
- throughput at least Optuna's best two-worker row.

Executor start-up is excluded: the pool's workers are spawned and have imported
spacealg before the clock starts, the Dask ``LocalCluster`` (2 worker processes,
1 thread each) is up and its workers have imported spacealg, Optuna's two
processes have imported Optuna and wait on a start file.

Rows: spacealg in one process, spacealg ``n_workers=2`` (a ``ProcessPool``),
spacealg on Dask, Optuna sequential, Optuna ``optimize(n_jobs=2)`` (threads,
one SQLite storage), Optuna in two processes sharing one SQLite storage. With
``--keras-trials N`` (0 to skip), the Keras guide's model (KerasTuner's
"Tailor the search space" ``build_model``, 100 random 28x28x1 images, one
epoch a trial) is searched with 1 then 2 pool workers, with no target (on two
cores the two workers share them). Run from the repository root::

    python benchmarks/parallel.py                       # about three minutes
    python benchmarks/parallel.py --trials 20 --keras-trials 0   # quick look
"""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import spacealg as sa

EFFICIENCY = 0.90
COORDINATION_MS = 5.0
SPACE = sa.Space([sa.Float("x", min_value=0.0, max_value=1.0)])


def sleepy(values: sa.Values) -> float:
    """The benchmark's objective: sleeps, then scores (the sleep comes from the environment)."""
    time.sleep(float(os.environ.get("PARALLEL_BENCH_SLEEP", "0.2")))
    return float(values["x"])


def _warm(seconds: float) -> int:
    """A pool task: import what a trial needs, and stay busy so that each worker gets one."""
    import spacealg  # noqa: F401 - imported for its cost (the trial runner with it)

    time.sleep(seconds)
    return os.getpid()


# --- spacealg ---


def spacealg_wall(directory: Path, trials: int, **where: Any) -> float:
    start = time.perf_counter()
    result = sa.minimize(
        sleepy, SPACE, max_trials=trials, seed=0, directory=directory, verbose=0, **where
    )
    wall = time.perf_counter() - start
    assert len(result.trials) == trials
    assert all(t.state is sa.TrialState.COMPLETED for t in result.trials)
    return wall


def pool_wall(directory: Path, trials: int) -> float:
    with sa.ProcessPool(2) as pool:
        pids = {f.result() for f in [pool.submit(_warm, 1.0) for _ in range(2)]}
        assert len(pids) == 2, "both workers started"
        return spacealg_wall(directory, trials, executor=pool)


def dask_wall(directory: Path, trials: int) -> float | None:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        return None
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_warm, 0.0)
        return spacealg_wall(directory, trials, executor=client)


# --- Optuna ---


def _optuna_objective(trial: Any) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    time.sleep(float(os.environ.get("PARALLEL_BENCH_SLEEP", "0.2")))
    return float(x)


def optuna_wall(directory: Path, trials: int, n_jobs: int) -> float:
    import optuna

    study = optuna.create_study(
        storage=f"sqlite:///{directory / 'optuna.db'}",
        sampler=optuna.samplers.RandomSampler(seed=0),
    )
    start = time.perf_counter()
    study.optimize(_optuna_objective, n_trials=trials, n_jobs=n_jobs)
    wall = time.perf_counter() - start
    assert len(study.trials) == trials
    return wall


def optuna_worker(storage: str, trials: int, go: str) -> None:
    """One of the two Optuna processes: waits for ``go``, then runs ``trials`` trials."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name="bench", storage=storage)
    while not Path(go).exists():
        time.sleep(0.001)
    study.optimize(_optuna_objective, n_trials=trials)


def optuna_processes_wall(directory: Path, trials: int) -> float:
    import optuna

    storage = f"sqlite:///{directory / 'optuna.db'}"
    optuna.create_study(study_name="bench", storage=storage)
    go = directory / "go"
    workers = [
        subprocess.Popen(  # noqa: S603 - this script, with arguments it made
            [sys.executable, __file__, "--optuna-worker", storage, str(trials // 2), str(go)]
        )
        for _ in range(2)
    ]
    time.sleep(8.0)  # both have imported Optuna and loaded the study (on a busy machine)
    start = time.perf_counter()
    go.touch()
    for worker in workers:
        worker.wait()
    wall = time.perf_counter() - start
    assert len(optuna.load_study(study_name="bench", storage=storage).trials) == trials
    return wall


# --- Keras ---


def build_model(hp: Any) -> Any:
    """KerasTuner's "Tailor the search space" guide, its first build_model."""
    import keras
    from keras import layers

    model = keras.Sequential()
    model.add(layers.Flatten())
    model.add(layers.Dense(units=hp.Int("units", min_value=32, max_value=128, step=32)))
    if hp.Boolean("dropout"):
        model.add(layers.Dropout(rate=0.25))
    model.add(layers.Dense(units=10, activation="softmax"))
    model.compile(
        optimizer=keras.optimizers.Adam(
            learning_rate=hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
        ),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _warm_keras(seconds: float) -> int:
    import keras  # noqa: F401 - imported for its cost
    import spacealg_keras  # noqa: F401

    time.sleep(seconds)
    return os.getpid()


def keras_wall(directory: Path, trials: int, workers: int) -> float:
    import numpy as np
    import spacealg_keras as keras_tuner

    rng = np.random.default_rng(0)
    x, y = rng.random((100, 28, 28, 1)), rng.integers(0, 10, (100, 1))
    xv, yv = rng.random((20, 28, 28, 1)), rng.integers(0, 10, (20, 1))

    def run(executor: Any) -> float:
        tuner = keras_tuner.RandomSearch(
            build_model, objective="val_accuracy", max_trials=trials, seed=1,
            directory=directory, project_name=f"keras{workers}", executor=executor,
        )  # fmt: skip
        start = time.perf_counter()
        tuner.search(x, y, epochs=1, validation_data=(xv, yv), verbose=0)
        return time.perf_counter() - start

    if workers == 1:
        return run(None)
    with sa.ProcessPool(workers) as pool:
        assert len({f.result() for f in [pool.submit(_warm_keras, 2.0) for _ in range(2)]}) == 2
        return run(pool)


# --- report ---

_WIDTHS = (44, 9, 11, 12, 16, 22)


def _line(cells: Sequence[str]) -> str:
    label, *rest = cells
    return label.ljust(_WIDTHS[0]) + "".join(
        c.rjust(w) for c, w in zip(rest, _WIDTHS[1:], strict=True)
    )


def _versions() -> str:
    found = []
    for name in ("spacealg", "cloudpickle", "distributed", "optuna", "keras", "jax"):
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def _timed(measure: Callable[[Path], float | None]) -> float | None:
    with tempfile.TemporaryDirectory(prefix="parallel_bench_") as directory:
        return measure(Path(directory))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=100, help="trials per search")
    parser.add_argument("--sleep", type=float, default=0.2, help="seconds each trial sleeps")
    parser.add_argument("--keras-trials", type=int, default=10, help="Keras trials (0: skip)")
    parser.add_argument("--optuna-worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ["PARALLEL_BENCH_SLEEP"] = str(args.sleep)  # the workers inherit it
    if args.optuna_worker:
        storage, trials, go = args.optuna_worker
        optuna_worker(storage, int(trials), go)
        return
    logging.getLogger("optuna").setLevel(logging.WARNING)
    try:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        has_optuna = True
    except ImportError:
        has_optuna = False
    trials, sleep = args.trials, args.sleep
    print(f"Python {sys.version.split()[0]}; {_versions()}; {os.cpu_count()} CPUs")
    print(f"{trials} trials of a {sleep:g} s sleep; executor start-up excluded\n")
    header = ("", "workers", "wall (s)", "trials/s", "efficiency", "coordination ms/trial")
    print(_line(header))
    print("-" * sum(_WIDTHS))

    def show(label: str, wall: float | None, workers: int, alone: float | None) -> None:
        if wall is None:
            print(_line((label, str(workers), "not installed", "", "", "")), flush=True)
            return
        coordination = (wall - trials * sleep / workers) / trials * 1000.0
        efficiency = "" if alone is None else f"{alone / (workers * wall):.1%}"
        if alone is not None and label.startswith("spacealg") and workers > 1:
            ok = alone / (workers * wall) >= EFFICIENCY and coordination <= COORDINATION_MS
            efficiency += " ok" if ok else " MISSED"
        cells = (label, str(workers), f"{wall:.2f}", f"{trials / wall:.2f}", efficiency)
        print(_line((*cells, f"{coordination:.1f}")), flush=True)

    ours = _timed(lambda d: spacealg_wall(d, trials))
    show("spacealg, in-process", ours, 1, ours)
    best_ours = {}
    for label, measure in (
        ("spacealg n_workers=2 (ProcessPool)", pool_wall),
        ("spacealg executor=Client (Dask LocalCluster)", dask_wall),
    ):
        wall = _timed(lambda d, m=measure: m(d, trials))  # type: ignore[misc]
        show(label, wall, 2, ours)
        if wall is not None:
            best_ours[label] = trials / wall
    peers = _optuna_rows(show, trials) if has_optuna else {}
    if not has_optuna:
        print(_line(("Optuna", "", "not installed", "", "", "")))
    if peers:
        best_peer = max(peers.values())
        print(f"\nthroughput target: at least Optuna's best, {best_peer:.2f} trials/s")
        for label, throughput in best_ours.items():
            verdict = "ok" if throughput >= best_peer else "MISSED"
            print(f"  {label}: {throughput:.2f} trials/s: {verdict}")
    if args.keras_trials:
        _keras_row(args.keras_trials)


def _optuna_rows(
    show: Callable[[str, float | None, int, float | None], None], trials: int
) -> dict[str, float]:
    """Optuna's rows; returns the two-worker rows' throughputs."""
    peers = {}
    alone = _timed(lambda d: optuna_wall(d, trials, 1))
    show("Optuna optimize() (SQLite)", alone, 1, alone)
    for label, measure in (
        ("Optuna optimize(n_jobs=2) (SQLite)", lambda d: optuna_wall(d, trials, 2)),
        ("Optuna 2 processes, one SQLite storage", lambda d: optuna_processes_wall(d, trials)),
    ):
        wall = _timed(measure)
        show(label, wall, 2, alone)
        if wall is not None:
            peers[label] = trials / wall
    return peers


def _keras_row(trials: int) -> None:
    print(f"\nKeras guide model, {trials} trials of one epoch (no target)")
    one = _timed(lambda d: keras_wall(d, trials, 1))
    two = _timed(lambda d: keras_wall(d, trials, 2))
    assert one is not None
    assert two is not None
    print(f"  1 worker (in-process): {one:.1f} s; 2 pool workers: {two:.1f} s; "
          f"speed-up {one / two:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
