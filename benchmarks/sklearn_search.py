"""Search quality and overhead of spacealg_sklearn.SearchCV next to scikit-learn's and Optuna's.

Problems: three datasets scikit-learn ships (digits, breast cancer, wine; no
download), each with two models: ``HistGradientBoostingClassifier`` (learning
rate, iterations, leaves, leaf size, L2) and a ``StandardScaler`` + ``SVC``
pipeline (C, gamma, kernel, with gamma only for the RBF kernel where the method
can say so). Methods, all with the same budget and the same three stratified
folds:

- ``SearchCV tpe`` and ``SearchCV bayesian``: spacealg_sklearn.SearchCV with the
  TPE and the Gaussian-process oracles;
- ``RandomizedSearchCV``: scikit-learn's, with the same ranges as scipy.stats
  distributions (log-uniform where spacealg samples on a log scale);
- ``OptunaSearchCV``: optuna-integration's, with Optuna distributions (TPE).

Every method searches every problem once per seed (``--seeds``, 10 by default)
for ``--trials`` trials (50), keeping the best mean CV accuracy after each trial.
The table shows the median and quartiles of the best score after 20 trials and
after the last one, and the overhead per trial: the search's wall time less the
estimator's own fit and score time (the folds' ``fit_time`` and ``score_time``),
divided by the trials (no refit). Then the targets, as PASS/FAIL lines:
model-based SearchCV beats RandomizedSearchCV's median on every problem and
matches or beats OptunaSearchCV's; overhead per trial at most 5 ms.

Searches run in ``--jobs`` worker processes (2 by default), one BLAS thread
each. A peer that is not installed shows "not installed". From the repository
root (peers: benchmarks/requirements.txt)::

    python benchmarks/sklearn_search.py                               # the full run
    python benchmarks/sklearn_search.py --seeds 1 --trials 4 --only wine   # a quick look
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

MILESTONE = 20
"""The earlier budget the table reports (as well as the last trial)."""
OVERHEAD_TARGET_MS = 5.0


@dataclass(frozen=True)
class Problem:
    name: str
    dataset: str
    model: str


PROBLEMS = [
    Problem(f"{dataset}/{model}", dataset, model)
    for dataset in ("digits", "breast_cancer", "wine")
    for model in ("hgb", "svc")
]
METHODS = ["SearchCV tpe", "SearchCV bayesian", "RandomizedSearchCV", "OptunaSearchCV"]
MODEL_BASED = ("SearchCV tpe", "SearchCV bayesian")


@dataclass(frozen=True)
class Run:
    """One search: the best mean CV score after each trial, and its overhead per trial."""

    curve: tuple[float, ...]
    overhead_ms: float


# --- problems ---


def load(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    loader = {
        "digits": datasets.load_digits,
        "breast_cancer": datasets.load_breast_cancer,
        "wine": datasets.load_wine,
    }[dataset]
    data, y = loader(return_X_y=True)
    return data, y


def estimator(model: str) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    if model == "hgb":
        return HistGradientBoostingClassifier(random_state=0)
    return Pipeline([("scale", StandardScaler()), ("svc", SVC())])


def spacealg_space(model: str) -> Any:
    import spacealg as sa

    if model == "hgb":
        return sa.Space(
            [
                sa.Float("learning_rate", min_value=0.01, max_value=0.5, sampling="log"),
                sa.Int("max_iter", min_value=20, max_value=200),
                sa.Int("max_leaf_nodes", min_value=4, max_value=64, sampling="log"),
                sa.Int("min_samples_leaf", min_value=2, max_value=50, sampling="log"),
                sa.Float("l2_regularization", min_value=1e-4, max_value=10.0, sampling="log"),
            ]
        )
    return sa.Space(
        [
            sa.Float("svc__C", min_value=1e-2, max_value=1e3, sampling="log"),
            sa.Choice("svc__kernel", values=["rbf", "linear"]),
            sa.Float(
                "svc__gamma",
                min_value=1e-5,
                max_value=1.0,
                sampling="log",
                conditions=sa.Condition("svc__kernel", ["rbf"]),
            ),
        ]
    )


def scipy_space(model: str) -> dict[str, Any]:
    from scipy.stats import loguniform, randint

    if model == "hgb":
        return {
            "learning_rate": loguniform(0.01, 0.5),
            "max_iter": randint(20, 201),
            "max_leaf_nodes": randint(4, 65),
            "min_samples_leaf": randint(2, 51),
            "l2_regularization": loguniform(1e-4, 10.0),
        }
    return {  # no conditions: gamma is drawn for the linear kernel too, and ignored there
        "svc__C": loguniform(1e-2, 1e3),
        "svc__kernel": ["rbf", "linear"],
        "svc__gamma": loguniform(1e-5, 1.0),
    }


def optuna_space(model: str) -> dict[str, Any]:
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    if model == "hgb":
        return {
            "learning_rate": FloatDistribution(0.01, 0.5, log=True),
            "max_iter": IntDistribution(20, 200),
            "max_leaf_nodes": IntDistribution(4, 64, log=True),
            "min_samples_leaf": IntDistribution(2, 50, log=True),
            "l2_regularization": FloatDistribution(1e-4, 10.0, log=True),
        }
    return {  # a flat dict: OptunaSearchCV has no conditional parameters
        "svc__C": FloatDistribution(1e-2, 1e3, log=True),
        "svc__kernel": CategoricalDistribution(["rbf", "linear"]),
        "svc__gamma": FloatDistribution(1e-5, 1.0, log=True),
    }


# --- methods ---


def _best_so_far(scores: Sequence[float]) -> tuple[float, ...]:
    filled = np.nan_to_num(np.asarray(scores, dtype=float), nan=-np.inf)
    return tuple(float(v) for v in np.maximum.accumulate(filled))


def _fit_and_score_seconds(results: dict[str, Any], n_splits: int) -> float:
    times = np.nan_to_num(results["mean_fit_time"]) + np.nan_to_num(results["mean_score_time"])
    return float(np.sum(times) * n_splits)


def run_search_cv(problem: Problem, seed: int, trials: int, oracle: str) -> Run:
    from spacealg_sklearn import SearchCV

    data, y = load(problem.dataset)
    search = SearchCV(
        estimator(problem.model),
        spacealg_space(problem.model),
        oracle=oracle,
        max_trials=trials,
        cv=folds(),
        refit=False,
        seed=seed,
        verbose=0,
    )
    started = time.perf_counter()
    search.fit(data, y)
    wall = time.perf_counter() - started
    results = search.cv_results_
    own = _fit_and_score_seconds(results, search.n_splits_)
    return Run(_best_so_far(results["mean_test_score"]), 1000 * (wall - own) / trials)


def run_randomized(problem: Problem, seed: int, trials: int) -> Run:
    from sklearn.model_selection import RandomizedSearchCV

    data, y = load(problem.dataset)
    search = RandomizedSearchCV(
        estimator(problem.model),
        scipy_space(problem.model),
        n_iter=trials,
        cv=folds(),
        refit=False,
        random_state=seed,
    )
    started = time.perf_counter()
    search.fit(data, y)
    wall = time.perf_counter() - started
    results = search.cv_results_
    own = _fit_and_score_seconds(results, search.n_splits_)
    return Run(_best_so_far(results["mean_test_score"]), 1000 * (wall - own) / trials)


def run_optuna(problem: Problem, seed: int, trials: int) -> Run:
    import optuna

    try:
        from optuna_integration import OptunaSearchCV
    except ImportError:  # older releases keep it under optuna.integration
        from optuna.integration import OptunaSearchCV

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    data, y = load(problem.dataset)
    search = OptunaSearchCV(
        estimator(problem.model),
        optuna_space(problem.model),
        n_trials=trials,
        cv=folds(),
        refit=False,
        random_state=seed,
        verbose=0,
    )
    started = time.perf_counter()
    search.fit(data, y)
    wall = time.perf_counter() - started
    scores, own = [], 0.0
    for trial in search.trials_:
        attrs = trial.user_attrs
        scores.append(trial.value if trial.value is not None else np.nan)
        own += (attrs.get("mean_fit_time", 0.0) + attrs.get("mean_score_time", 0.0)) * (
            search.n_splits_
        )
    return Run(_best_so_far(scores), 1000 * (wall - own) / trials)


def folds() -> Any:
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(3, shuffle=True, random_state=0)


RUNNERS: dict[str, Callable[[Problem, int, int], Run]] = {
    "SearchCV tpe": lambda p, s, t: run_search_cv(p, s, t, "tpe"),
    "SearchCV bayesian": lambda p, s, t: run_search_cv(p, s, t, "bayesian"),
    "RandomizedSearchCV": run_randomized,
    "OptunaSearchCV": run_optuna,
}


def installed(method: str) -> bool:
    import importlib.util

    if method == "OptunaSearchCV":
        return importlib.util.find_spec("optuna") is not None and (
            importlib.util.find_spec("optuna_integration") is not None
        )
    if method.startswith("SearchCV"):
        return importlib.util.find_spec("spacealg_sklearn") is not None
    return True


def _init_worker() -> None:
    warnings.simplefilter("ignore")  # convergence and fit-failed warnings of the estimators


def _task(problem: Problem, method: str, seed: int, trials: int) -> tuple[str, str, int, Run]:
    return problem.name, method, seed, RUNNERS[method](problem, seed, trials)


# --- reporting ---


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return float(q1), float(median), float(q3)


def cell(values: Sequence[float]) -> str:
    q1, median, q3 = quartiles(values)
    return f"{median:.4f} [{q1:.4f}, {q3:.4f}]"


def report(
    results: dict[tuple[str, str], list[Run]],
    problems: Sequence[Problem],
    methods: Sequence[str],
    trials: int,
) -> list[str]:
    milestone = min(MILESTONE, trials)
    header = (
        f"{'problem':<20} {'method':<20} {f'best after {milestone}':<28} "
        f"{f'best after {trials}':<28} overhead ms/trial"
    )
    lines = [header, "-" * len(header)]
    for problem in problems:
        for method in methods:
            runs = results.get((problem.name, method))
            if not runs:
                lines.append(f"{problem.name:<20} {method:<20} not installed")
                continue
            early = [run.curve[milestone - 1] for run in runs]
            last = [run.curve[-1] for run in runs]
            overhead = float(np.median([run.overhead_ms for run in runs]))
            lines.append(
                f"{problem.name:<20} {method:<20} {cell(early):<28} {cell(last):<28} {overhead:.2f}"
            )
        lines.append("")
    return lines


def targets(results: dict[tuple[str, str], list[Run]], problems: Sequence[Problem]) -> list[str]:
    def median(problem: Problem, method: str) -> float | None:
        runs = results.get((problem.name, method))
        return None if not runs else float(np.median([run.curve[-1] for run in runs]))

    lines = []
    for peer, relation in (("RandomizedSearchCV", "beats"), ("OptunaSearchCV", "matches or beats")):
        verdicts = []
        for problem in problems:
            ours = [m for m in (median(problem, method) for method in MODEL_BASED) if m is not None]
            theirs = median(problem, peer)
            if not ours or theirs is None:
                continue
            best = max(ours)
            verdicts.append(best > theirs if relation == "beats" else best >= theirs)
        if not verdicts:
            lines.append(f"SKIP model-based SearchCV {relation} {peer}'s median: not measured")
        else:
            verdict = "PASS" if all(verdicts) else "FAIL"
            lines.append(
                f"{verdict} model-based SearchCV {relation} {peer}'s median on every problem "
                f"({sum(verdicts)} of {len(verdicts)})"
            )
    overheads = [
        run.overhead_ms
        for (problem, method), runs in results.items()
        if method.startswith("SearchCV")
        for run in runs
    ]
    if overheads:
        worst = float(np.median(overheads))
        verdict = "PASS" if worst <= OVERHEAD_TARGET_MS else "FAIL"
        lines.append(
            f"{verdict} SearchCV's overhead per trial {worst:.2f} ms (median) "
            f"<= {OVERHEAD_TARGET_MS} ms"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="searches per problem and method")
    parser.add_argument("--trials", type=int, default=50, help="trials per search")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--only", default="", help="comma-separated problem names, datasets, models or methods"
    )
    args = parser.parse_args(argv)
    terms = [t.strip() for t in args.only.split(",") if t.strip()]
    problems = [
        p for p in PROBLEMS if not terms or any(t in (p.name, p.dataset, p.model) for t in terms)
    ] or PROBLEMS
    methods = [m for m in METHODS if not terms or m in terms] or METHODS
    available = [m for m in methods if installed(m)]
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    started = time.perf_counter()
    tasks = [(p, m, s) for s in range(args.seeds) for p in problems for m in available]
    results: dict[tuple[str, str], list[Run]] = {}
    with ProcessPoolExecutor(args.jobs, initializer=_init_worker) as pool:
        futures = [pool.submit(_task, p, m, s, args.trials) for p, m, s in tasks]
        done = [future.result() for future in futures]
    for name, method, _seed, run in sorted(done, key=lambda item: item[:3]):
        results.setdefault((name, method), []).append(run)
    print(f"python {sys.version.split()[0]}, {args.seeds} seeds x {args.trials} trials, 3 folds")
    print("\n".join(report(results, problems, methods, args.trials)))
    print("\n".join(targets(results, problems)))
    print(f"wall time: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
