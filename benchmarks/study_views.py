"""How fast spacealg's views read a large study, next to Optuna's on a study of the same size.

Builds a store of ``--trials`` trials (10,000 by default) with a real search
(``minimize`` with a cheap objective on the 10-hyperparameter mixed space of
benchmarks/sampling.py; about 1 in 20 trials fails), then times, the median of
``--runs`` runs:

- the command line as a user runs it, interpreter start included:
  ``python -m spacealg trials PROJECT`` (table, to /dev/null), ``best PROJECT``
  and ``report PROJECT -o report.html``. Targets: trials and best under 1 s,
  the report under 10 s (on the 2-core machine).
- in-process: ``sa.load`` + ``to_dataframe()``, the four ``spacealg.plots``
  figures (built and drawn to SVG), one ``watch`` refresh (two queries).
- watch's cost to a writing search: a search of ``--loop-trials`` no-op trials
  (the loop of benchmarks/loop_overhead.py) timed alone and with
  ``spacealg watch`` refreshing every second on its store beside it; the
  target is a slowdown under 2%.
- Optuna (if installed; with plotly for the figures): a SQLite study of the same
  size and space (made with ``add_trials``), then ``load_study`` +
  ``trials_dataframe()`` and the four ``optuna.visualization`` figures
  (history, parallel coordinates, slice, importances) built (not rendered).

Run from the repository root (benchmarks/README.md)::

    python benchmarks/study_views.py                    # the full run (minutes)
    python benchmarks/study_views.py --trials 200 --runs 1 --loop-trials 200  # a quick look
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sampling import Param, _spacealg_space, mixed_space

import spacealg as sa

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def median_seconds(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def objective(values: Any) -> float:
    """Cheap, with some structure, failing now and then (a seeded hash of the values)."""
    score = sum(float(v) for v in values.values() if isinstance(v, int | float))
    if hash(repr(sorted(values.items()))) % 20 == 0:
        raise RuntimeError("a failed trial")
    return math.log1p(abs(score))


def build_store(directory: Path, trials: int) -> Path:
    space = _spacealg_space(mixed_space(1))
    sa.minimize(
        objective,
        space,
        max_trials=trials,
        seed=0,
        directory=directory,
        project_name="views",
        verbose=0,
        max_consecutive_failed_trials=10**6,
    )
    return directory / "views"


def command(*argv: str) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(  # noqa: S603 - this interpreter, our arguments
            [sys.executable, "-m", "spacealg", *argv],
            env=ENV,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    return run


def spacealg_rows(project: Path, runs: int, scratch: Path) -> list[tuple[str, float, str]]:
    from spacealg import plots
    from spacealg._views.progress import snapshot
    from spacealg._views.project import open_project
    from spacealg._views.report import svg

    rows = [
        (
            "spacealg trials PROJECT (CLI)",
            median_seconds(command("trials", str(project)), runs),
            "< 1 s",
        ),
        (
            "spacealg best PROJECT (CLI)",
            median_seconds(command("best", str(project)), runs),
            "< 1 s",
        ),
        (
            "spacealg report PROJECT (CLI)",
            median_seconds(command("report", str(project), "-o", str(scratch / "r.html")), runs),
            "< 10 s",
        ),
    ]
    result = sa.load(project.parent, project.name)
    rows.append(
        (
            "sa.load + to_dataframe()",
            median_seconds(lambda: sa.load(project.parent, project.name).to_dataframe(), runs),
            "",
        )
    )
    for name in ("history", "parallel_coordinates", "slices", "importance"):
        draw = getattr(plots, name)
        rows.append(
            (f"plots.{name} + SVG", median_seconds(lambda d=draw: svg(d(result)), runs), "")
        )
    store, goal = open_project(project, "benchmark")
    try:
        rows.append(
            ("one watch refresh", median_seconds(lambda: snapshot(store, goal), runs), "< 1 s")
        )
    finally:
        store.close()
    return rows


LOOP = """
import sys
sys.path.insert(0, {benchmarks!r})
from sampling import _spacealg_space, mixed_space
import spacealg as sa
sa.minimize(lambda values: 0.0, _spacealg_space(mixed_space(1)), max_trials=int(sys.argv[2]),
            seed=0, directory=sys.argv[1], project_name="loop", verbose=0)
"""


def loop_seconds(directory: Path, trials: int, *, watched: bool) -> float:
    code = LOOP.format(benchmarks=str(Path(__file__).parent))
    start = time.perf_counter()
    writer = subprocess.Popen(  # noqa: S603 - this interpreter
        [sys.executable, "-c", code, str(directory), str(trials)], env=ENV
    )
    watcher = None
    if watched:
        store = directory / "loop" / "trials.db"
        while not store.exists() and writer.poll() is None:
            time.sleep(0.01)
        time.sleep(0.2)  # the study is recorded just after the file appears
        watcher = subprocess.Popen(  # noqa: S603 - this interpreter
            [sys.executable, "-m", "spacealg", "watch", str(directory / "loop"), "--interval", "1"],
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    writer.wait()
    elapsed = time.perf_counter() - start
    if watcher is not None:
        watcher.terminate()
        watcher.wait()
    return elapsed


def watch_cost(trials: int, runs: int) -> list[tuple[str, float, str]]:
    alone, beside = [], []
    for _ in range(runs):
        for watched, times in ((False, alone), (True, beside)):
            with tempfile.TemporaryDirectory() as folder:
                times.append(loop_seconds(Path(folder), trials, watched=watched))
    a, b = statistics.median(alone), statistics.median(beside)
    return [
        (f"search of {trials} no-op trials, alone", a, ""),
        (f"the same, spacealg watch beside it ({100 * (b / a - 1):+.1f}%)", b, "< +2%"),
    ]


def optuna_distributions(optuna: Any, params: tuple[Param, ...]) -> dict[str, Any]:
    distributions: dict[str, Any] = {}
    for p in params:
        if p.kind == "int":
            distributions[p.name] = optuna.distributions.IntDistribution(
                int(p.low), int(p.high), log=p.log
            )
        elif p.kind == "float":
            distributions[p.name] = optuna.distributions.FloatDistribution(p.low, p.high, log=p.log)
        elif p.kind == "choice":
            distributions[p.name] = optuna.distributions.CategoricalDistribution(list(p.values))
        else:
            distributions[p.name] = optuna.distributions.CategoricalDistribution([False, True])
    return distributions


def optuna_rows(trials: int, runs: int, scratch: Path) -> list[tuple[str, float, str]]:
    try:
        import optuna
    except ImportError:
        return [("Optuna", math.nan, "not installed")]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    distributions = optuna_distributions(optuna, mixed_space(1))
    rng = random.Random(0)  # noqa: S311 - benchmark data, not a secret
    made = []
    for _ in range(trials):
        values = {}
        for name, d in distributions.items():
            if isinstance(d, optuna.distributions.CategoricalDistribution):
                values[name] = rng.choice(d.choices)
            elif isinstance(d, optuna.distributions.IntDistribution):
                values[name] = rng.randint(d.low, d.high)
            else:
                values[name] = rng.uniform(d.low, d.high)
        made.append(
            optuna.trial.create_trial(
                params=values, distributions=distributions, value=rng.random()
            )
        )
    storage = f"sqlite:///{scratch / 'optuna.db'}"
    study = optuna.create_study(storage=storage, study_name="views")
    study.add_trials(made)

    def frame() -> object:
        return optuna.load_study(study_name="views", storage=storage).trials_dataframe()

    rows = [("Optuna load_study + trials_dataframe()", median_seconds(frame, runs), "")]
    try:
        import plotly  # noqa: F401
        from optuna import visualization as vis
    except ImportError:
        return [*rows, ("Optuna visualization", math.nan, "plotly not installed")]
    loaded = optuna.load_study(study_name="views", storage=storage)
    names = (
        "plot_optimization_history",
        "plot_parallel_coordinate",
        "plot_slice",
        "plot_param_importances",
    )
    rows.extend(
        (
            f"optuna.visualization.{name}",
            median_seconds(lambda n=name: getattr(vis, n)(loaded), runs),
            "",
        )
        for name in names
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--loop-trials", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        start = time.perf_counter()
        project = build_store(scratch, args.trials)
        print(f"built a store of {args.trials:,} trials in {time.perf_counter() - start:.1f} s")
        rows = spacealg_rows(project, args.runs, scratch)
        rows += watch_cost(args.loop_trials, args.runs)
        rows += optuna_rows(args.trials, args.runs, scratch)
    width = max(len(name) for name, _, _ in rows)
    print(f"{'what':<{width}}  {'seconds':>8}  target")
    for name, seconds, target in rows:
        shown = "-" if math.isnan(seconds) else f"{seconds:8.3f}"
        print(f"{name:<{width}}  {shown:>8}  {target}")


if __name__ == "__main__":
    main()
