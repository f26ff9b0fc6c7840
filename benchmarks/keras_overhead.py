"""Keras tuning overhead of spacealg-keras next to a bare Keras loop and KerasTuner.

The guide's first model ("Tailor the search space": Flatten, Dense(units),
an optional Dropout(0.25), Dense(10, softmax), Adam(learning_rate), compiled
with sparse_categorical_crossentropy and accuracy) on the guide's random data
(100 images of 28x28x1, 20 for validation), ``--trials`` trials (20) of one
epoch, per Keras backend. Every run is a fresh process, timed after its
imports and its data, tuner construction included; the processes report their
seconds to this one as JSON on stdout. ``--pairs`` rounds (5), interleaved
(each round rotates the order) of:

- bare: a plain Keras loop that builds, compiles and fits the same
  configurations, replaying the values spacealg's run recorded (read back
  with ``spacealg.load``); no tuner, no store, no checkpoint, no cleanup.
- spacealg: ``spacealg_keras.RandomSearch(build_model, objective="val_accuracy",
  max_trials=N, seed=1)`` then ``search(x, y, epochs=1, validation_data=...,
  verbose=0)``.
- KerasTuner: ``keras_tuner.RandomSearch`` with the same arguments (its own
  values: the same space, its own sampler).

The table shows each round's ratio to the bare loop, their medians, the bare
runs' spread and the disk each tuner left per trial (bytes under its project
directory / trials). A peer that cannot be imported shows "not installed".
Run it from the repository root (see benchmarks/README.md)::

    python benchmarks/keras_overhead.py                       # both backends (10-20 minutes)
    python benchmarks/keras_overhead.py --backend jax --pairs 1 --trials 3   # quick look
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

TARGET_RATIO = 1.05
"""spacealg's budget: its median time at most this many times the bare loop's."""

KERASTUNER_MEASURED = {"tensorflow": "1.3-1.6x", "jax": "1.05-1.15x"}
"""KerasTuner 1.4.8 against the bare loop, as measured for issue 5 on a 2-core CPU machine."""

SEED = 1
"""Both tuners' seed (KerasTuner replaces a falsy seed with a random one)."""

KINDS = ("spacealg", "bare", "kerastuner")
"""The runs of a round; round i rotates this order by i (the first round starts with
spacealg, so that the bare loop has recorded values to replay)."""

LABELS = {"bare": "bare", "spacealg": "spacealg", "kerastuner": "KerasTuner"}

MARKER = "keras_overhead result: "
"""Prefixes the line of JSON a run prints to this process."""


# --- the runs, each in its own process ---


def make_model(units: int, dropout: bool, learning_rate: float) -> Any:
    """The guide's first model, compiled."""
    import keras

    model = keras.Sequential()
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(units=units, activation="relu"))
    if dropout:
        model.add(keras.layers.Dropout(rate=0.25))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def build_model(hp: Any) -> Any:
    """The guide's ``build_model(hp)``, for spacealg's and KerasTuner's handles alike."""
    return make_model(
        units=hp.Int("units", min_value=32, max_value=128, step=32),
        dropout=hp.Boolean("dropout"),
        learning_rate=hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4]),
    )


def guide_data() -> tuple[Any, Any, Any, Any]:
    """The guide's random data: 100 training and 20 validation images, 10 classes."""
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.random((100, 28, 28, 1), dtype=np.float32)
    y = rng.integers(10, size=(100, 1))
    x_val = rng.random((20, 28, 28, 1), dtype=np.float32)
    y_val = rng.integers(10, size=(20, 1))
    return x, y, x_val, y_val


def disk_bytes(directory: Path) -> dict[str, int]:
    """Bytes of every file under ``directory``, and of its weight checkpoints (``*.h5``)."""
    files = [path for path in directory.rglob("*") if path.is_file()]
    return {
        "bytes": sum(path.stat().st_size for path in files),
        "checkpoint_bytes": sum(path.stat().st_size for path in files if path.suffix == ".h5"),
    }


def run_bare(directory: Path, trials: int, replay: Path) -> dict[str, Any]:
    import keras  # noqa: F401 - imported before the clock starts, as the tuners are

    import spacealg as sa

    recorded = sorted(sa.load(replay, "spacealg").trials, key=lambda t: t.trial_id)
    configurations = [dict(t.values) for t in recorded[:trials]]
    x, y, x_val, y_val = guide_data()
    start, cpu = time.perf_counter(), time.process_time()
    for values in configurations:
        model = make_model(values["units"], values["dropout"], values["learning_rate"])
        model.fit(x, y, epochs=1, validation_data=(x_val, y_val), verbose=0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "trials": len(configurations)}


def run_spacealg(directory: Path, trials: int) -> dict[str, Any]:
    import spacealg_keras

    x, y, x_val, y_val = guide_data()
    start, cpu = time.perf_counter(), time.process_time()
    tuner = spacealg_keras.RandomSearch(
        build_model,
        objective="val_accuracy",
        max_trials=trials,
        seed=SEED,
        directory=directory,
        project_name="spacealg",
    )
    tuner.search(x, y, epochs=1, validation_data=(x_val, y_val), verbose=0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    disk = disk_bytes(tuner.project_dir)
    values = [dict(t.values) for t in tuner.trials]
    return {"seconds": seconds, "cpu": cpu, "trials": len(values), **disk, "values": values}


def run_kerastuner(directory: Path, trials: int) -> dict[str, Any]:
    import keras_tuner

    x, y, x_val, y_val = guide_data()
    start, cpu = time.perf_counter(), time.process_time()
    tuner = keras_tuner.RandomSearch(
        build_model,
        objective="val_accuracy",
        max_trials=trials,
        seed=SEED,
        directory=str(directory),
        project_name="kerastuner",
    )
    tuner.search(x, y, epochs=1, validation_data=(x_val, y_val), verbose=0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    disk = disk_bytes(Path(tuner.project_dir))
    values = [dict(t.hyperparameters.values) for t in tuner.oracle.trials.values()]
    return {"seconds": seconds, "cpu": cpu, "trials": len(values), **disk, "values": values}


def child(kind: str, directory: Path, trials: int, replay: Path | None) -> None:
    """One run in this process; prints its result after ``MARKER``."""
    try:
        if kind == "bare":
            assert replay is not None
            result = run_bare(directory, trials, replay)
        elif kind == "spacealg":
            result = run_spacealg(directory, trials)
        else:
            result = run_kerastuner(directory, trials)
    except ImportError as error:
        result = {"missing": error.name or str(error)}
    print(MARKER + json.dumps(result), flush=True)


# --- the parent: rounds of fresh processes ---


@dataclass
class Run:
    """What one process reported."""

    seconds: float | None
    cpu: float | None = None
    """CPU seconds of the process (all its threads) over the same span."""
    trials: int = 0
    bytes: int = 0
    checkpoint_bytes: int = 0
    values: list[dict[str, Any]] = field(default_factory=list)
    missing: str | None = None


def spawn(kind: str, backend: str, directory: Path, trials: int, replay: Path | None = None) -> Run:
    """Run ``kind`` in a fresh process under ``KERAS_BACKEND=backend``."""
    command = [sys.executable, __file__, "--child", kind, "--directory", str(directory)]
    command += ["--trials", str(trials)]
    if replay is not None:
        command += ["--replay", str(replay)]
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603 - our own script
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"the {kind} run on {backend} failed (exit {done.returncode}):\n{done.stderr[-4000:]}"
        )
    reported = json.loads(lines[-1][len(MARKER) :])
    if "missing" in reported:
        return Run(None, missing=reported["missing"])
    return Run(
        reported["seconds"],
        reported.get("cpu"),
        reported["trials"],
        reported.get("bytes", 0),
        reported.get("checkpoint_bytes", 0),
        reported.get("values", []),
    )


@dataclass
class Round:
    """One round's runs, by kind, in the order they ran."""

    order: tuple[str, ...]
    runs: dict[str, Run] = field(default_factory=dict)

    def ratio(self, kind: str) -> float | None:
        bare, other = self.runs["bare"].seconds, self.runs[kind].seconds
        return None if bare is None or other is None else other / bare

    def cpu_ratio(self, kind: str) -> float | None:
        bare, other = self.runs["bare"].cpu, self.runs[kind].cpu
        return None if bare is None or other is None else other / bare


def rounds(backend: str, pairs: int, trials: int, scratch: Path) -> list[Round]:
    """``pairs`` rounds of the three runs on ``backend``, each printed as it ends."""
    done: list[Round] = []
    replay: Path | None = None
    first_values: list[dict[str, Any]] | None = None
    for index in range(pairs):
        shift = index % len(KINDS)
        this = Round(KINDS[shift:] + KINDS[:shift])
        for kind in this.order:
            directory = scratch / f"round{index}-{kind}"
            run = spawn(kind, backend, directory, trials, replay if kind == "bare" else None)
            if kind == "spacealg" and run.seconds is not None:
                replay = directory
                if first_values is None:
                    first_values = run.values
                elif run.values != first_values:
                    print("  warning: spacealg recorded other values than in round 1")
            if run.seconds is not None and run.trials != trials:
                print(f"  warning: the {kind} run recorded {run.trials} trials, not {trials}")
            this.runs[kind] = run
        done.append(this)
        print(_line(_round_cells(index, this)), flush=True)
    return done


# --- report ---

_WIDTHS = (8, 24, 9, 12, 14, 16, 18)


def _line(cells: Sequence[str]) -> str:
    """The first two cells left-aligned, the others right-aligned, in the table's widths."""
    first, second, *rest = cells
    return (
        first.ljust(_WIDTHS[0])
        + second.ljust(_WIDTHS[1])
        + "".join(c.rjust(w) for c, w in zip(rest, _WIDTHS[2:], strict=True))
    )


def _seconds(run: Run) -> str:
    return "not installed" if run.seconds is None else f"{run.seconds:.2f}"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}x"


def _round_cells(index: int, this: Round) -> tuple[str, ...]:
    return (
        str(index + 1),
        " ".join(LABELS[kind] for kind in this.order),
        _seconds(this.runs["bare"]),
        _seconds(this.runs["spacealg"]),
        _seconds(this.runs["kerastuner"]),
        _ratio(this.ratio("spacealg")),
        _ratio(this.ratio("kerastuner")),
    )


def _median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _size(count: float | None) -> str:
    if count is None:
        return "not installed"
    for unit in ("B", "KiB", "MiB"):
        if count < 1024 or unit == "MiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError  # pragma: no cover - the loop returns


def _disk_per_trial(runs: Sequence[Run]) -> tuple[float, float, float] | None:
    """Median bytes per trial (all files, checkpoints), and the mean units the runs sampled.

    The checkpoints hold the Dense layers' weights (and Adam's two slots for each), so
    their size follows the units each tuner happened to sample: the mean tells them apart.
    """
    runs = [run for run in runs if run.seconds is not None and run.trials]
    if not runs:
        return None
    units = [value["units"] for run in runs for value in run.values]
    return (
        statistics.median(run.bytes / run.trials for run in runs),
        statistics.median(run.checkpoint_bytes / run.trials for run in runs),
        statistics.fmean(units) if units else float("nan"),
    )


def report(backend: str, done: list[Round]) -> None:
    """The medians, the bare spread, disk per trial and the targets under a backend's rows."""
    print("-" * sum(_WIDTHS))
    medians = {kind: _median([r.runs[kind].seconds for r in done]) for kind in KINDS}
    ratios = {kind: _median([r.ratio(kind) for r in done]) for kind in ("spacealg", "kerastuner")}
    print(
        _line(
            (
                "median",
                "",
                *(_seconds(Run(medians[kind])) for kind in ("bare", "spacealg")),
                "not installed"
                if medians["kerastuner"] is None
                else f"{medians['kerastuner']:.2f}",
                _ratio(ratios["spacealg"]),
                _ratio(ratios["kerastuner"]),
            )
        )
    )
    print("\nratio of CPU seconds, all threads (less sensitive to other work on the machine):")
    for kind in ("spacealg", "kerastuner"):
        each = [r.cpu_ratio(kind) for r in done]
        pairs = " ".join(_ratio(value) or "-" for value in each)
        print(f"  {LABELS[kind]}/bare: median {_ratio(_median(each)) or '-'} (by pair: {pairs})")
    bare = [r.runs["bare"].seconds for r in done if r.runs["bare"].seconds is not None]
    spread = max(bare) - min(bare)
    print(
        f"bare runs: {min(bare):.2f}-{max(bare):.2f} s, spread {spread:.2f} s "
        f"({100 * spread / statistics.median(bare):.1f}% of their median)"
    )
    per_trial = {
        kind: _disk_per_trial([r.runs[kind] for r in done]) for kind in ("spacealg", "kerastuner")
    }
    for kind, disk in per_trial.items():
        if disk is None:
            print(f"disk per trial, {LABELS[kind]}: not installed")
            continue
        total, checkpoints, units = disk
        print(
            f"disk per trial, {LABELS[kind]}: {_size(total)} ({_size(checkpoints)} of weight "
            f"checkpoints, {_size(total - checkpoints)} else; mean units {units:.1f})"
        )
    ours = ratios["spacealg"]
    verdict = "ok" if ours is not None and ours <= TARGET_RATIO else "MISSED"
    print(f"target: median spacealg/bare <= {TARGET_RATIO:g}: {_ratio(ours)} {verdict}")
    theirs, mine = per_trial["kerastuner"], per_trial["spacealg"]
    if theirs is None or mine is None:
        print("target: less disk per trial than KerasTuner: KerasTuner not installed")
    else:
        verdict = "ok" if mine[0] < theirs[0] else "MISSED"
        print(f"target: less disk per trial than KerasTuner: {verdict}")
    print(
        f"context: issue 5 measured KerasTuner at {KERASTUNER_MEASURED[backend]} the bare loop "
        f"on {backend} (2-core CPU, keras-tuner 1.4.8, keras 3.15.1, TF 2.21, JAX 0.10.2)\n"
    )


def _versions() -> str:
    names = ("spacealg", "spacealg-keras", "keras", "keras-tuner", "tensorflow-cpu", "jax")
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            if name == "tensorflow-cpu":
                try:
                    found.append(f"tensorflow {importlib.metadata.version('tensorflow')}")
                    continue
                except importlib.metadata.PackageNotFoundError:
                    pass
            found.append(f"{name} not installed")
    return ", ".join(found)


def _backend_installed(backend: str) -> bool:
    try:
        importlib.metadata.version(backend)
    except importlib.metadata.PackageNotFoundError:
        if backend != "tensorflow":
            return False
        try:
            importlib.metadata.version("tensorflow-cpu")
        except importlib.metadata.PackageNotFoundError:
            return False
    return True


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("tensorflow", "jax", "both"), default="both")
    parser.add_argument("--pairs", type=int, default=5, help="rounds of fresh processes")
    parser.add_argument("--trials", type=int, default=20, help="trials per search (<= 24)")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--directory", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--replay", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.directory, args.trials, args.replay)
        return

    backends = ("tensorflow", "jax") if args.backend == "both" else (args.backend,)
    print(f"Python {sys.version.split()[0]}; {_versions()}; {os.cpu_count()} CPUs")
    print(
        f"seconds of a whole search of {args.trials} trials of 1 epoch, in a fresh process after "
        f"its imports, tuner construction included; {args.pairs} pairs per backend\n"
    )
    for backend in backends:
        print(f"KERAS_BACKEND={backend}")
        if not _backend_installed(backend):
            print(f"{backend} not installed\n")
            continue
        header = ("pair", "order", "bare s", "spacealg s", "KerasTuner s")
        print(_line((*header, "spacealg/bare", "KerasTuner/bare")))
        print("-" * sum(_WIDTHS))
        with tempfile.TemporaryDirectory(prefix="keras_overhead_") as scratch:
            done = rounds(backend, args.pairs, args.trials, Path(scratch))
        report(backend, done)


if __name__ == "__main__":
    main()
