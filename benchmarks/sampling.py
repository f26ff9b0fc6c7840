"""Sampling throughput of spacealg next to KerasTuner, Optuna and ConfigSpace.

Measures configurations per second on two mixed spaces: 10 hyperparameters
(3 Int, 3 Float of which 2 log-scaled, 3 Choice, 1 Boolean) and 100 (the same
mix ten times). The constrained rows add two constraints on the first copy of
the mix that together allow 4 configurations in 9 (spacealg's ``constrain``,
ConfigSpace's equivalent forbidden clauses); the closing line gives spacealg's
constrained ``sample_many`` throughput as a share of its unconstrained one.
Every number is the median of ``--runs`` runs of at least ``--seconds``
seconds each; all libraries are measured in the same process, one after the
other. A peer that cannot be imported shows "not installed".

Run it from the repository root, in a venv with ``pip install -e .`` and
``pip install -r benchmarks/requirements.txt`` (see benchmarks/README.md)::

    python benchmarks/sampling.py              # full run (a few minutes)
    python benchmarks/sampling.py --seconds 0.2 --runs 1   # quick look
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

import spacealg as sa

if TYPE_CHECKING:
    from collections.abc import Sequence

# KerasTuner picks its backend when keras is first imported; jax is what
# benchmarks/requirements.txt installs (tensorflow is not needed to sample).
os.environ.setdefault("KERAS_BACKEND", "jax")

BATCH = 1000
"""Configurations per batched call (``sample_many`` and ``sample_configuration``)."""

Kind = Literal["int", "float", "choice", "boolean"]
Step = Callable[[], object]
"""One timed call; it produces ``per_call`` configurations."""


@dataclass(frozen=True)
class Param:
    """One hyperparameter, described once and translated for every library."""

    name: str
    kind: Kind
    low: float = 0
    high: float = 0
    log: bool = False
    values: tuple[str | int | float, ...] = ()


_BASE: tuple[Param, ...] = (
    Param("layers", "int", 1, 8),
    Param("units", "int", 16, 1024, log=True),
    Param("filters", "int", 8, 256),
    Param("learning_rate", "float", 1e-5, 1e-1, log=True),
    Param("dropout", "float", 0.0, 0.5),
    Param("weight_decay", "float", 1e-6, 1e-2, log=True),
    Param("optimizer", "choice", values=("adam", "sgd", "rmsprop")),
    Param("activation", "choice", values=("relu", "tanh", "gelu", "silu")),
    Param("kernel_size", "choice", values=(3, 5, 7)),
    Param("batch_norm", "boolean"),
)


def mixed_space(copies: int) -> tuple[Param, ...]:
    """``copies`` copies of the 10-hyperparameter mix, names suffixed when more than one."""
    if copies == 1:
        return _BASE
    return tuple(
        Param(f"{p.name}_{i}", p.kind, p.low, p.high, p.log, p.values)
        for i in range(copies)
        for p in _BASE
    )


# --- one builder per library: (params, per_call) -> a factory of fresh timed steps ---


@dataclass(frozen=True)
class Case:
    """One row of the table: how to build a timed step for a space."""

    label: str
    per_call: int
    build: Callable[[tuple[Param, ...]], Callable[[], Step]] | None
    """None when the library is not installed."""
    targets: tuple[int | None, int | None] = (None, None)


def _spacealg_space(params: Sequence[Param]) -> sa.Space:
    entries: list[Any] = []
    for p in params:
        sampling: Literal["linear", "log"] = "log" if p.log else "linear"
        if p.kind == "int":
            entries.append(
                sa.Int(p.name, min_value=int(p.low), max_value=int(p.high), sampling=sampling)
            )
        elif p.kind == "float":
            entries.append(sa.Float(p.name, min_value=p.low, max_value=p.high, sampling=sampling))
        elif p.kind == "choice":
            entries.append(sa.Choice(p.name, values=p.values))
        else:
            entries.append(sa.Boolean(p.name))
    return sa.Space(entries)


def spacealg_single(params: tuple[Param, ...]) -> Callable[[], Step]:
    space = _spacealg_space(params)

    def fresh() -> Step:
        rng = np.random.default_rng(0)  # one Generator shared by every call of the run
        return lambda: sa.sample(space, rng)

    return fresh


def _suffix(params: Sequence[Param]) -> str:
    """The suffix of the first copy's names (``""`` for one copy)."""
    return params[0].name.removeprefix("layers")


def constraints(params: Sequence[Param]) -> tuple[str, str]:
    """Two constraints on the first copy of the mix, allowing 2/3 * 2/3 = 4/9 of it."""
    s = _suffix(params)
    return (
        f"optimizer{s} == 'adam' or batch_norm{s}",
        f"activation{s} in ['relu', 'gelu'] or kernel_size{s} == 3",
    )


def spacealg_constrained(params: tuple[Param, ...]) -> Callable[[], Step]:
    space = sa.constrain(_spacealg_space(params), *constraints(params))

    def fresh() -> Step:
        rng = np.random.default_rng(0)
        return lambda: sa.sample_many(space, BATCH, rng)

    return fresh


def spacealg_constrained_single(params: tuple[Param, ...]) -> Callable[[], Step]:
    space = sa.constrain(_spacealg_space(params), *constraints(params))

    def fresh() -> Step:
        rng = np.random.default_rng(0)
        return lambda: sa.sample(space, rng)

    return fresh


def spacealg_batched(params: tuple[Param, ...]) -> Callable[[], Step]:
    space = _spacealg_space(params)

    def fresh() -> Step:
        rng = np.random.default_rng(0)
        # sample_many returns a tuple of Values: every configuration is materialised.
        return lambda: sa.sample_many(space, BATCH, rng)

    return fresh


def keras_tuner_single(params: tuple[Param, ...]) -> Callable[[], Step]:
    import keras_tuner

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

    def fresh() -> Step:
        oracle = keras_tuner.oracles.RandomSearchOracle(
            objective="loss", max_trials=None, hyperparameters=hp, seed=0
        )
        # RandomSearchOracle.populate_space(trial_id) calls exactly this once per trial:
        # a fresh HyperParameters filled by each hp's random_sample(seed), then a hash
        # lookup against the trials tried so far (none here, so no retries). The rest of
        # populate_space only wraps the result in a status dict.
        step: Step = oracle._random_values  # noqa: SLF001 - the per-trial sampling call itself
        return step

    return fresh


def optuna_single(params: tuple[Param, ...]) -> Callable[[], Step]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    distributions: dict[str, optuna.distributions.BaseDistribution] = {}
    for p in params:
        if p.kind == "int":
            distributions[p.name] = optuna.distributions.IntDistribution(
                int(p.low), int(p.high), log=p.log
            )
        elif p.kind == "float":
            distributions[p.name] = optuna.distributions.FloatDistribution(p.low, p.high, log=p.log)
        elif p.kind == "choice":
            distributions[p.name] = optuna.distributions.CategoricalDistribution(p.values)
        else:
            distributions[p.name] = optuna.distributions.CategoricalDistribution((False, True))

    def fresh() -> Step:
        # A new in-memory study per run, so runs do not inherit each other's trials.
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

        def step() -> object:
            trial = study.ask(distributions)
            study.tell(trial, 0.0)
            return trial.params

        return step

    return fresh


def _configspace_space(params: Sequence[Param]) -> Any:
    import ConfigSpace

    space = ConfigSpace.ConfigurationSpace(seed=0)
    for p in params:
        if p.kind == "int":
            space.add(ConfigSpace.Integer(p.name, (int(p.low), int(p.high)), log=p.log))
        elif p.kind == "float":
            space.add(ConfigSpace.Float(p.name, (p.low, p.high), log=p.log))
        elif p.kind == "choice":
            space.add(ConfigSpace.Categorical(p.name, list(p.values)))
        else:
            space.add(ConfigSpace.Categorical(p.name, [False, True]))
    return space


def _configspace_constrained(params: Sequence[Param]) -> Any:
    """The space with forbidden clauses equivalent to :func:`constraints`."""
    from ConfigSpace import ForbiddenAndConjunction, ForbiddenEqualsClause, ForbiddenInClause

    space = _configspace_space(params)
    s = _suffix(params)
    space.add(
        ForbiddenAndConjunction(
            ForbiddenInClause(space[f"optimizer{s}"], ["sgd", "rmsprop"]),
            ForbiddenEqualsClause(space[f"batch_norm{s}"], value=False),
        ),
        ForbiddenAndConjunction(
            ForbiddenInClause(space[f"activation{s}"], ["tanh", "silu"]),
            ForbiddenInClause(space[f"kernel_size{s}"], [5, 7]),
        ),
    )
    return space


def configspace_constrained(params: tuple[Param, ...]) -> Callable[[], Step]:
    space = _configspace_constrained(params)
    return lambda: lambda: [dict(c) for c in space.sample_configuration(BATCH)]


def configspace_single(params: tuple[Param, ...]) -> Callable[[], Step]:
    space = _configspace_space(params)
    return lambda: space.sample_configuration


def configspace_batched(params: tuple[Param, ...]) -> Callable[[], Step]:
    space = _configspace_space(params)
    # A Configuration keeps its encoded vector and decodes values only when read,
    # so this row does not build the name -> value mappings (see the next row).
    return lambda: lambda: space.sample_configuration(BATCH)


def configspace_batched_read(params: tuple[Param, ...]) -> Callable[[], Step]:
    space = _configspace_space(params)
    # The same call with every configuration read into a dict, as sample_many does.
    return lambda: lambda: [dict(c) for c in space.sample_configuration(BATCH)]


def _installed(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def cases() -> list[Case]:
    kt = _installed("keras_tuner")
    op = _installed("optuna")
    cs = _installed("ConfigSpace")
    return [
        Case("spacealg sample (single)", 1, spacealg_single, (30_000, None)),
        Case(f"spacealg sample_many({BATCH})", BATCH, spacealg_batched, (200_000, 20_000)),
        Case("KerasTuner RandomSearchOracle", 1, keras_tuner_single if kt else None),
        Case("Optuna RandomSampler ask/tell", 1, optuna_single if op else None),
        Case("ConfigSpace sample (single)", 1, configspace_single if cs else None),
        Case(f"ConfigSpace sample({BATCH})", BATCH, configspace_batched if cs else None),
        Case(
            f"ConfigSpace sample({BATCH}) + read", BATCH, configspace_batched_read if cs else None
        ),
        Case("spacealg sample, 2 constraints", 1, spacealg_constrained_single),
        Case(f"spacealg sample_many({BATCH}), 2 constr.", BATCH, spacealg_constrained),
        Case(
            f"ConfigSpace sample({BATCH}) + read, 2 forb.",
            BATCH,
            configspace_constrained if cs else None,
        ),
    ]


CONSTRAINED_SHARE = 0.4
"""Constrained ``sample_many`` keeps at least this share of the unconstrained throughput."""


# --- timing ---


def rate(fresh: Callable[[], Step], per_call: int, seconds: float) -> float:
    """Configurations per second of one run of at least ``seconds`` (setup not timed)."""
    step = fresh()
    step()  # warm caches outside the timed loop
    calls = 0
    clock = time.perf_counter
    start = clock()
    elapsed = 0.0
    while elapsed < seconds:
        step()
        calls += 1
        elapsed = clock() - start
    return calls * per_call / elapsed


def median_rate(fresh: Callable[[], Step], per_call: int, seconds: float, runs: int) -> float:
    return statistics.median(rate(fresh, per_call, seconds) for _ in range(runs))


# --- report ---


def _cell(value: float | None, target: int | None) -> str:
    if value is None:
        return "not installed"
    text = f"{value:,.0f}"
    if target is not None:
        text += " ok" if value >= target else " MISSED"
    return text


def _target(targets: tuple[int | None, int | None]) -> str:
    if targets == (None, None):
        return ""
    return " / ".join("-" if t is None else f">= {t:,}" for t in targets)


_WIDTHS = (42, 18, 18, 26)


def _line(cells: Sequence[str]) -> str:
    """The first cell left-aligned, the others right-aligned, in the table's widths."""
    label, *rest = cells
    return label.ljust(_WIDTHS[0]) + "".join(
        c.rjust(w) for c, w in zip(rest, _WIDTHS[1:], strict=True)
    )


def _versions() -> str:
    names = ("spacealg", "keras-tuner", "keras", "optuna", "configspace", "numpy")
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum seconds per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args(argv)

    spaces = {"10 HPs": mixed_space(1), "100 HPs": mixed_space(10)}
    print(f"Python {sys.version.split()[0]}; {_versions()}")
    print(
        f"configurations per second, median of {args.runs} runs of >= {args.seconds:g} s;"
        " targets per space in the last column\n"
    )
    print(_line(("", *spaces, "targets (10 / 100 HPs)")))
    print("-" * sum(_WIDTHS))
    measured: dict[str, list[float | None]] = {}
    for case in cases():
        cells = []
        for column, params in enumerate(spaces.values()):
            value = (
                None
                if case.build is None
                else median_rate(case.build(params), case.per_call, args.seconds, args.runs)
            )
            measured.setdefault(case.label, []).append(value)
            cells.append(_cell(value, case.targets[column]))
        print(_line((case.label, *cells, _target(case.targets))), flush=True)
    free = measured[f"spacealg sample_many({BATCH})"]
    bound = measured[f"spacealg sample_many({BATCH}), 2 constr."]
    shares = [b / f for b, f in zip(bound, free, strict=True) if b is not None and f]
    verdict = "ok" if all(share >= CONSTRAINED_SHARE for share in shares) else "MISSED"
    print(
        "\nconstrained sample_many (4 of 9 configurations allowed) keeps "
        + " / ".join(f"{share:.0%}" for share in shares)
        + f" of the unconstrained throughput (10 / 100 HPs; target >= "
        f"{CONSTRAINED_SHARE:.0%}): {verdict}"
    )


if __name__ == "__main__":
    main()
