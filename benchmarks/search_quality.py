"""Search quality of spacealg's oracles next to KerasTuner's and Optuna's.

Every method searches each problem for ``--trials`` trials (50 by default) with
each of ``--seeds`` seeds (20; seed i for spacealg and Optuna, i + 1 for
KerasTuner, whose oracles replace a seed of 0 with a random one). The problems
(benchmarks/quality_problems.py) have known minima: Branin, Hartmann-6, a 5-D
Rosenbrock on log-scaled ranges and a mixed space with Int, Choice and a
conditional branch. Rows "spacealg bayesian, 4 workers" (and 2) simulate parallel
workers in one process: each proposal sees the trials still running, and the
oldest running trial completes before the next proposal. The table shows, per
problem and method, the median and
quartiles of the best-found regret (best value found minus the known minimum)
after the last trial, and the mean time per proposal with the objective's time
left out (benchmarks/quality_methods.py says what each library's proposal is).
Then the targets, as PASS/FAIL lines, and the script's own wall time.
It writes docs/search_quality.png: the median regret after each trial, with
quartile bands, per problem and method.

Searches run in ``--jobs`` worker processes (2 by default), each with one BLAS
and one torch thread; every library's searches are spread over the same span of
the run, so they share the machine's load alike. A peer that is not installed
shows "not installed", and a spacealg oracle that the imported spacealg lacks
shows "not available in this spacealg". From the repository root::

    python benchmarks/search_quality.py                     # the full run
    python benchmarks/search_quality.py --seeds 2 --trials 20   # a quick look
    python benchmarks/search_quality.py --only branin,optuna    # some problems or methods
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import multiprocessing
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np
from quality_methods import METHODS, Method, Run, run_one
from quality_problems import PROBLEMS, Problem

import spacealg

PLOT = Path(__file__).resolve().parent.parent / "docs" / "search_quality.png"
REGRET_FLOOR = 1e-6
"""The plot's lowest regret: smaller ones are drawn there (its y axis is logarithmic)."""

Results = dict[tuple[str, str], list[Run]]
"""(problem, method label) -> one run per seed, in seed order."""


# --- running ---


def _init_worker() -> None:
    warnings.simplefilter("ignore")  # Optuna's experimental-feature and sklearn's fit warnings
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"


def run_all(
    problems: Sequence[Problem],
    methods: Sequence[Method],
    seeds: int,
    trials: int,
    jobs: int,
    minutes: float | None,
) -> tuple[Results, int]:
    """Every (problem, method, seed) search, seed by seed so the methods share the load alike.

    After ``minutes`` no new search starts; the results keep the seeds whose
    searches all finished. Returns them and how many seeds that is.
    """
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"  # read by the workers' numpy and torch when they start
    os.environ.setdefault("KERAS_BACKEND", "jax")  # KerasTuner needs a Keras backend; jax is light
    tasks = [(p, m, s) for s in range(seeds) for p in problems for m in methods]
    runs: dict[tuple[str, str, int], Run] = {}
    context = multiprocessing.get_context("spawn")  # no fork of a process that ran torch
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker) as pool:
        futures = {
            pool.submit(run_one, m.label, p, s, trials): (p.name, m.label, s) for p, m, s in tasks
        }
        for done, future in enumerate(as_completed(futures), 1):
            if future.cancelled():
                continue
            runs[futures[future]] = future.result()
            elapsed = time.perf_counter() - started
            if done % max(1, len(tasks) // 20) == 0 or done == len(tasks):
                print(
                    f"  {done}/{len(tasks)} searches, {elapsed:.0f} s", file=sys.stderr, flush=True
                )
            if minutes is not None and elapsed > 60 * minutes:
                for pending in futures:
                    pending.cancel()  # the running ones finish; the rest never start
    complete = 0
    while complete < seeds and all(
        (p.name, m.label, complete) in runs for p in problems for m in methods
    ):
        complete += 1
    results = {
        (p.name, m.label): [runs[p.name, m.label, s] for s in range(complete)]
        for p in problems
        for m in methods
    }
    return results, complete


# --- statistics ---


def regret_curves(runs: list[Run], problem: Problem, trials: int) -> np.ndarray:
    """Best-found regret after each trial: one row per seed, one column per trial.

    A search that stopped early (KerasTuner's oracles stop when they cannot find
    a new configuration) keeps its last best for the trials it did not run.
    """
    curves = np.empty((len(runs), trials))
    for row, run in enumerate(runs):
        scores = np.asarray(run.scores[:trials], dtype=float)  # a longer run: its first trials
        best = np.minimum.accumulate(scores) - problem.optimum
        curves[row, : len(best)] = best
        curves[row, len(best) :] = best[-1]
    return curves


def final_quartiles(curves: np.ndarray) -> tuple[float, float, float]:
    """(25th percentile, median, 75th percentile) of the regret after the last trial."""
    q25, median, q75 = np.percentile(curves[:, -1], [25, 50, 75])
    return float(q25), float(median), float(q75)


def proposal_ms(runs: list[Run]) -> float:
    """Mean milliseconds per proposal over every proposal of every seed."""
    return 1000.0 * float(np.mean([s for run in runs for s in run.proposal_s]))


def loop_ms(runs: list[Run]) -> float:
    """Mean milliseconds of library time per trial (the whole search minus the objective)."""
    return 1000.0 * sum(r.loop_s for r in runs) / sum(len(r.scores) for r in runs)


# --- report ---


def _cell(width: int, text: str) -> str:
    return " " + text.rjust(width - 1)  # a space between cells, however long the text


def print_tables(
    problems: Sequence[Problem],
    methods: Sequence[Method],
    missing: dict[str, str],
    results: Results,
    trials: int,
) -> None:
    label_width, width = max(22, *(len(m.label) + 1 for m in methods)), 27
    header = "".ljust(label_width) + "".join(_cell(width, p.name) for p in problems)
    print(f"\nBest-found regret after {trials} trials: median [25th, 75th percentile]")
    print(header)
    print("-" * len(header))
    for m in methods:
        cells = []
        for p in problems:
            if m.label in missing:
                cells.append("n/a")
                continue
            q25, median, q75 = final_quartiles(regret_curves(results[p.name, m.label], p, trials))
            cells.append(f"{median:.3g} [{q25:.2g}, {q75:.2g}]")
        print(m.label.ljust(label_width) + "".join(_cell(width, c) for c in cells))
    print("\nms per proposal (mean) / ms of library time per trial (loop minus objective)")
    print(header)
    print("-" * len(header))
    for m in methods:
        cells = [
            "n/a"
            if m.label in missing
            else f"{proposal_ms(results[p.name, m.label]):.2f} / "
            f"{loop_ms(results[p.name, m.label]):.2f}"
            for p in problems
        ]
        print(m.label.ljust(label_width) + "".join(_cell(width, c) for c in cells))
    for label, reason in missing.items():
        print(f"n/a: {label}: {reason}")
    warned = {
        (label, run.warning) for (_, label), runs in results.items() for run in runs if run.warning
    }
    for label, warning in sorted(warned):
        print(f"WARNING: {label}: {warning}")


def _median(results: Results, problem: Problem, label: str, trials: int) -> float:
    return final_quartiles(regret_curves(results[problem.name, label], problem, trials))[1]


def _mean_proposal_ms(results: Results, problems: Sequence[Problem], label: str) -> float:
    return proposal_ms([run for p in problems for run in results[p.name, label]])


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _print_per_problem(
    what: str,
    problems: Sequence[Problem],
    ours: Callable[[Problem], float],
    theirs: Callable[[Problem], float],
    factor: float = 1.0,
    *,
    strictly: bool = False,
) -> None:
    """One PASS/FAIL line: ``ours(p) <= factor * theirs(p)`` (``<`` if ``strictly``) everywhere."""
    pairs = [(p, ours(p), theirs(p)) for p in problems]
    detail = ", ".join(f"{p.name} {a:.3g} vs {b:.3g}" for p, a, b in pairs)
    ok = all(a < factor * b if strictly else a <= factor * b for _, a, b in pairs)
    print(f"  {_verdict(ok)} {what}: {detail}")


def print_targets(
    problems: Sequence[Problem], available: set[str], results: Results, trials: int
) -> None:
    """Issue 18's targets, each as one PASS/FAIL line (n/a when a method is missing)."""
    print("\nTargets")

    def needs(*labels: str) -> str | None:
        absent = [label for label in labels if label not in available]
        return f"n/a (no {', '.join(absent)} in this run)" if absent else None

    def median(label: str) -> Callable[[Problem], float]:
        return lambda problem: _median(results, problem, label, trials)

    def best(labels: list[str]) -> Callable[[Problem], float]:
        return lambda problem: min(median(label)(problem) for label in labels)

    ours = [m for m in available if m.startswith("spacealg ") and "workers" not in m]
    optuna = [m for m in available if m.startswith("Optuna ")]
    peers = [m for m in available if not m.startswith("spacealg ")]
    what = "spacealg's best median regret <= Optuna's best (TPE or GP) on every problem"
    if not ours or not optuna:
        print(f"  {what}: n/a (a side is missing)")
    else:
        _print_per_problem(what, problems, best(ours), best(optuna))
    mixed = [p for p in problems if p.name == "mixed"]
    if mixed and ours and peers:
        what = "spacealg's best ahead of every peer on mixed"
        _print_per_problem(what, mixed, best(ours), best(peers), strictly=True)
    for mine, theirs, strictly in (
        ("spacealg tpe", "Optuna TPESampler", False),
        ("spacealg bayesian", "KerasTuner bayesian", True),
    ):
        what = f"{mine}'s median regret {'<' if strictly else '<='} {theirs}'s on every problem"
        if reason := needs(mine, theirs):
            print(f"  {what}: {reason}")
        else:
            _print_per_problem(what, problems, median(mine), median(theirs), strictly=strictly)
    workers = 4  # the parallel rows the target compares
    for oracle in ("bayesian", "tpe"):
        sequential, parallel = f"spacealg {oracle}", f"spacealg {oracle}, {workers} workers"
        what = f"{parallel}: median regret <= 1.5x sequential's on every problem"
        if reason := needs(sequential, parallel):
            print(f"  {what}: {reason}")
        else:
            _print_per_problem(what, problems, median(parallel), median(sequential), 1.5)
            # the last proposal of a parallel search knows trials - workers results
            known = trials - (workers - 1)
            lagged = ", ".join(
                f"{p.name} {_median(results, p, sequential, known):.3g}" for p in problems
            )
            print(
                f"    for reference, {sequential} after {known} trials "
                f"(its last proposal knows {known - 1} results, as a {workers}-worker "
                f"search's last does): {lagged}"
            )
    for mine, theirs in (
        ("spacealg tpe", "Optuna TPESampler"),
        ("spacealg bayesian", "Optuna GPSampler"),
    ):
        what = f"mean proposal time of {mine} <= {theirs}'s"
        if reason := needs(mine, theirs):
            print(f"  {what}: {reason}")
            continue
        a = _mean_proposal_ms(results, problems, mine)
        b = _mean_proposal_ms(results, problems, theirs)
        print(f"  {_verdict(a <= b)} {what}: {a:.2f} ms vs {b:.2f} ms (all problems)")


def write_plot(
    path: Path,
    problems: Sequence[Problem],
    methods: Sequence[Method],
    results: Results,
    trials: int,
    seeds: int,
) -> None:
    """Median regret after each trial with quartile bands, one panel per problem."""
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    columns = min(2, len(problems))
    rows = -(-len(problems) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(9, 3.2 * rows + 0.8), squeeze=False)
    x = np.arange(1, trials + 1)
    colors = plt.get_cmap("tab10")
    for ax, problem in zip(axes.flat, problems, strict=False):
        for method in methods:
            index = [m.label for m in METHODS].index(method.label)  # one color per method
            curves = np.maximum(
                regret_curves(results[problem.name, method.label], problem, trials), REGRET_FLOOR
            )
            q25, median, q75 = np.percentile(curves, [25, 50, 75], axis=0)
            style = "-" if method.label.startswith("spacealg") else "--"
            ax.plot(x, median, style, color=colors(index), lw=1.4, label=method.label)
            ax.fill_between(x, q25, q75, color=colors(index), alpha=0.12, lw=0)
        ax.set_yscale("log")
        ax.set_title(problem.name, fontsize=10)
        ax.set_xlabel("trial", fontsize=8)
        ax.set_ylabel("best-found regret", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(visible=True, which="major", alpha=0.3)
    for ax in axes.flat[len(problems) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.suptitle(f"Median and quartiles over {seeds} seeds", fontsize=10)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=72)
    plt.close(fig)


def _versions() -> str:
    found = []
    for name in ("optuna", "keras-tuner", "keras", "scikit-learn", "torch", "greenlet", "numpy"):
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def _select(terms: list[str]) -> tuple[list[Problem], list[Method]]:
    """The problems and methods named by ``--only`` (all of either kind when none is named)."""
    problems = [p for p in PROBLEMS.values() if any(t in p.name.lower() for t in terms)]
    methods = [m for m in METHODS if any(t in m.label.lower() for t in terms)]
    return problems or list(PROBLEMS.values()), methods or list(METHODS)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="searches per problem and method")
    parser.add_argument("--trials", type=int, default=50, help="trials per search")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="start no search after this many minutes; report the seeds completed",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated parts of problem names or method labels"
    )
    parser.add_argument("--plot", type=Path, default=PLOT, help="where to write the PNG")
    parser.add_argument("--no-plot", action="store_true", help="write no PNG")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    problems, methods = _select([t.strip().lower() for t in args.only.split(",") if t.strip()])
    missing = {m.label: reason for m in methods if (reason := m.unavailable())}
    runnable = [m for m in methods if m.label not in missing]
    print(f"Python {sys.version.split()[0]}; spacealg from {Path(spacealg.__file__).parent}")
    print(_versions())
    print(
        f"{args.seeds} seeds x {args.trials} trials, {args.jobs} worker processes "
        f"(1 BLAS/torch thread each) on {os.cpu_count()} CPUs"
    )
    print(
        "proposal: spacealg oracle.propose(); KerasTuner oracle.populate_space(); "
        "Optuna study.ask() + suggest_*()"
    )
    results, seeds = run_all(problems, runnable, args.seeds, args.trials, args.jobs, args.minutes)
    if seeds < args.seeds:
        print(f"\n--minutes {args.minutes:g} reached: {seeds} of {args.seeds} seeds completed")
    if seeds == 0:
        return
    print_tables(problems, methods, missing, results, args.trials)
    print_targets(problems, {m.label for m in runnable}, results, args.trials)
    if not args.no_plot:
        if importlib.util.find_spec("matplotlib") is None:
            print("\nplot: not written (matplotlib not installed)")
        else:
            write_plot(args.plot, problems, runnable, results, args.trials, seeds)
            print(f"\nplot: {args.plot} ({args.plot.stat().st_size // 1024} KB)")
    elapsed = time.perf_counter() - started
    print(f"wall time: {elapsed / 60:.1f} min ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()
