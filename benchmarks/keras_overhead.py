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
``--scenario xception`` times the guide's last scenario instead: the prebuilt
``HyperXception(input_shape=(28, 28, 1), classes=10)`` tailored to tune only
``learning_rate`` (a Choice of 1e-2, 1e-3, 1e-4) with ``tune_new_entries=False``,
``loss="sparse_categorical_crossentropy"`` and ``metrics=["accuracy"]``, 3 trials.
First, tuner construction alone: ``--constructions`` (5) fresh processes per
library, each timing the hypermodel and tuner constructors after its imports
(KerasTuner builds a model there to learn the space; spacealg reads a value);
then the rounds above, the bare loop building the same three models with the
hypermodel's ``build`` and compiling them as the tuner's overrides do.

Run it from the repository root (see benchmarks/README.md)::

    python benchmarks/keras_overhead.py                       # both backends (10-20 minutes)
    python benchmarks/keras_overhead.py --backend jax --pairs 1 --trials 3   # quick look
    python benchmarks/keras_overhead.py --scenario xception --pairs 3           # prebuilt
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
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
"""KerasTuner 1.4.8 against the bare loop, as measured on a 2-core CPU machine."""

SEED = 1
"""Both tuners' seed (KerasTuner replaces a falsy seed with a random one)."""

KINDS = ("spacealg", "bare", "kerastuner")
"""The runs of a round; round i rotates this order by i (the first round starts with
spacealg, so that the bare loop has recorded values to replay)."""

LABELS = {"bare": "bare", "spacealg": "spacealg", "kerastuner": "KerasTuner"}

SCENARIOS = ("guide", "xception")
"""The guide's first model, or its last scenario (the prebuilt HyperXception)."""

CONSTRUCTION_TARGET = 5.0
"""spacealg's tuner construction at least this many times faster than KerasTuner's."""

KERASTUNER_CONSTRUCTION = {"tensorflow": "0.25 s", "jax": "5.3 s"}
"""KerasTuner 1.4.8's construction of the HyperXception tuner, as measured."""

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


def xception_tuner(library: Any, directory: Path, project_name: str) -> Any:
    """The guide's last scenario: HyperXception, only ``learning_rate`` tuned, integer labels."""
    hypermodel = library.applications.HyperXception(input_shape=(28, 28, 1), classes=10)
    hp = library.HyperParameters()
    hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    return library.RandomSearch(
        hypermodel,
        hyperparameters=hp,
        tune_new_entries=False,
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        objective="val_accuracy",
        max_trials=3,
        seed=SEED,
        overwrite=True,
        directory=str(directory),
        project_name=project_name,
    )


def make_xception(values: dict[str, Any]) -> Any:
    """The HyperXception model at ``values``, compiled as the tuners' overrides compile it."""
    import keras
    import spacealg_keras

    import spacealg as sa

    hypermodel = spacealg_keras.applications.HyperXception(input_shape=(28, 28, 1), classes=10)
    model = hypermodel.build(sa.HyperParameters(values))
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=values["learning_rate"]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def disk_bytes(directory: Path) -> dict[str, int]:
    """Bytes of every file under ``directory``, and of its weight checkpoints (``*.h5``)."""
    files = [path for path in directory.rglob("*") if path.is_file()]
    return {
        "bytes": sum(path.stat().st_size for path in files),
        "checkpoint_bytes": sum(path.stat().st_size for path in files if path.suffix == ".h5"),
    }


def run_bare(directory: Path, trials: int, replay: Path, scenario: str) -> dict[str, Any]:
    import keras  # noqa: F401 - imported before the clock starts, as the tuners are

    import spacealg as sa

    recorded = sorted(sa.load(replay, "spacealg").trials, key=lambda t: t.trial_id)
    configurations = [dict(t.values) for t in recorded[:trials]]
    x, y, x_val, y_val = guide_data()
    start, cpu = time.perf_counter(), time.process_time()
    for values in configurations:
        if scenario == "xception":
            model = make_xception(values)
        else:
            model = make_model(values["units"], values["dropout"], values["learning_rate"])
        model.fit(x, y, epochs=1, validation_data=(x_val, y_val), verbose=0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "trials": len(configurations)}


def run_spacealg(directory: Path, trials: int, scenario: str) -> dict[str, Any]:
    import spacealg_keras

    x, y, x_val, y_val = guide_data()
    start, cpu = time.perf_counter(), time.process_time()
    if scenario == "xception":
        tuner = xception_tuner(spacealg_keras, directory, "spacealg")
    else:
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


def run_kerastuner(directory: Path, trials: int, scenario: str) -> dict[str, Any]:
    import keras_tuner

    x, y, x_val, y_val = guide_data()
    start, cpu = time.perf_counter(), time.process_time()
    if scenario == "xception":
        tuner = xception_tuner(keras_tuner, directory, "kerastuner")
    else:
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


def run_construction(directory: Path, library_name: str) -> dict[str, Any]:
    """Seconds to construct the HyperXception scenario's tuner, after the imports."""
    import importlib

    library = importlib.import_module(library_name)
    start, cpu = time.perf_counter(), time.process_time()
    xception_tuner(library, directory, "construction")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "trials": 0}


CONSTRUCTIONS = {"construct-spacealg": "spacealg_keras", "construct-kerastuner": "keras_tuner"}
"""The construction-only runs, and the library each one imports."""


def child(kind: str, directory: Path, trials: int, replay: Path | None, scenario: str) -> None:
    """One run in this process; prints its result after ``MARKER``."""
    try:
        if kind in CONSTRUCTIONS:
            result = run_construction(directory, CONSTRUCTIONS[kind])
        elif kind == "bare":
            assert replay is not None
            result = run_bare(directory, trials, replay, scenario)
        elif kind == "spacealg":
            result = run_spacealg(directory, trials, scenario)
        else:
            result = run_kerastuner(directory, trials, scenario)
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


def spawn(
    kind: str,
    backend: str,
    directory: Path,
    trials: int,
    replay: Path | None = None,
    scenario: str = "guide",
) -> Run:
    """Run ``kind`` in a fresh process under ``KERAS_BACKEND=backend``."""
    command = [sys.executable, __file__, "--child", kind, "--directory", str(directory)]
    command += ["--trials", str(trials), "--scenario", scenario]
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


def rounds(
    backend: str, pairs: int, trials: int, scratch: Path, scenario: str = "guide"
) -> list[Round]:
    """``pairs`` rounds of the three runs on ``backend``, each printed as it ends."""
    done: list[Round] = []
    replay: Path | None = None
    first_values: list[dict[str, Any]] | None = None
    for index in range(pairs):
        shift = index % len(KINDS)
        this = Round(KINDS[shift:] + KINDS[:shift])
        for kind in this.order:
            directory = scratch / f"round{index}-{kind}"
            bare_replay = replay if kind == "bare" else None
            run = spawn(kind, backend, directory, trials, bare_replay, scenario)
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
    units = [value["units"] for run in runs for value in run.values if "units" in value]
    return (
        statistics.median(run.bytes / run.trials for run in runs),
        statistics.median(run.checkpoint_bytes / run.trials for run in runs),
        statistics.fmean(units) if units else float("nan"),
    )


def report(backend: str, done: list[Round], scenario: str = "guide") -> None:
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
        mean_units = "" if math.isnan(units) else f"; mean units {units:.1f}"
        print(
            f"disk per trial, {LABELS[kind]}: {_size(total)} ({_size(checkpoints)} of weight "
            f"checkpoints, {_size(total - checkpoints)} else{mean_units})"
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
    if scenario == "guide":
        print(
            f"context: KerasTuner was measured at {KERASTUNER_MEASURED[backend]} the bare "
            f"loop on {backend} (2-core CPU, keras-tuner 1.4.8, keras 3.15.1, TF 2.21, JAX 0.10.2)"
        )
    print()


def constructions(backend: str, count: int, scratch: Path) -> None:
    """``count`` fresh processes per library timing the tuner's construction, interleaved."""
    seconds: dict[str, list[float]] = {kind: [] for kind in CONSTRUCTIONS}
    for index in range(count):
        for kind in CONSTRUCTIONS:
            run = spawn(kind, backend, scratch / f"construct{index}-{kind}", 3)
            if run.seconds is None:
                print(f"tuner construction, {kind.split('-')[1]}: not installed")
                return
            seconds[kind].append(run.seconds)
    ours = statistics.median(seconds["construct-spacealg"])
    theirs = statistics.median(seconds["construct-kerastuner"])
    for kind, label in (("construct-spacealg", "spacealg"), ("construct-kerastuner", "KerasTuner")):
        each = " ".join(f"{value:.4f}" for value in seconds[kind])
        print(
            f"tuner construction, {label}: median {statistics.median(seconds[kind]):.4f} s ({each})"
        )
    ratio = theirs / ours
    verdict = "ok" if ratio >= CONSTRUCTION_TARGET else "MISSED"
    print(
        f"target: construction >= {CONSTRUCTION_TARGET:g}x faster than KerasTuner's: "
        f"{ratio:.0f}x {verdict} (KerasTuner was measured at "
        f"{KERASTUNER_CONSTRUCTION[backend]} on {backend})\n"
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
    parser.add_argument("--scenario", choices=SCENARIOS, default="guide")
    parser.add_argument(
        "--constructions", type=int, default=5, help="construction-only processes (xception)"
    )
    parser.add_argument("--child", choices=(*KINDS, *CONSTRUCTIONS), help=argparse.SUPPRESS)
    parser.add_argument("--directory", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--replay", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.directory, args.trials, args.replay, args.scenario)
        return

    backends = ("tensorflow", "jax") if args.backend == "both" else (args.backend,)
    trials = 3 if args.scenario == "xception" else args.trials
    searched = "the HyperXception scenario's search" if args.scenario == "xception" else "a search"
    print(f"Python {sys.version.split()[0]}; {_versions()}; {os.cpu_count()} CPUs")
    print(
        f"seconds of {searched} of {trials} trials of 1 epoch, in a fresh process after "
        f"its imports, tuner construction included; {args.pairs} pairs per backend\n"
    )
    for backend in backends:
        print(f"KERAS_BACKEND={backend}")
        if not _backend_installed(backend):
            print(f"{backend} not installed\n")
            continue
        with tempfile.TemporaryDirectory(prefix="keras_overhead_") as scratch:
            if args.scenario == "xception":
                constructions(backend, args.constructions, Path(scratch))
            header = ("pair", "order", "bare s", "spacealg s", "KerasTuner s")
            print(_line((*header, "spacealg/bare", "KerasTuner/bare")))
            print("-" * sum(_WIDTHS))
            done = rounds(backend, args.pairs, trials, Path(scratch), args.scenario)
        report(backend, done, args.scenario)


if __name__ == "__main__":
    main()
