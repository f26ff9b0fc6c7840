"""The study's figures, drawn with matplotlib (an optional dependency: ``spacealg[plot]``).

Each function takes a :class:`~spacealg.SearchResult` and returns a new
``matplotlib.figure.Figure``, built without pyplot (no global figure state, no
GUI backend). Large studies are thinned where every trial cannot be told apart
anyway: parallel coordinates draw at most :data:`MOST_LINES` trials and slices
at most :data:`MOST_POINTS` points, chosen evenly by score rank so the spread of
scores is kept; the title says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from spacealg._search.trials import SearchResult, TrialRecord, TrialState
from spacealg._space.discrete import Boolean, Choice
from spacealg._space.kinds import Hyperparameter
from spacealg._space.numeric import Float, Int
from spacealg._space.validation import check_instance
from spacealg._views.importance import (
    importance_scores,
    is_log,
    is_numeric,
    scored,
    tuned_names,
)
from spacealg.errors import MissingDependencyError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MOST_LINES = 1000
MOST_POINTS = 2000
RASTER = 500
"""Above this many points or lines, a collection is drawn as an image inside the SVG:
thousands of vector markers make a file slow to write and to open."""
BUDGET = "tuner/epochs"
"""The metadata key of a budgeted search's budget (Hyperband's epochs)."""


def new_figure(operation: str, width: float, height: float) -> Figure:
    """An empty figure; MissingDependencyError (naming the extra) without matplotlib."""
    try:
        from matplotlib.figure import Figure  # noqa: PLC0415 - optional, imported when used
    except ImportError as error:
        raise MissingDependencyError(operation, "matplotlib", "plot") from error
    return Figure(figsize=(width, height), layout="constrained")


def check_result(operation: str, result: object) -> SearchResult:
    """``result`` when it is a SearchResult; ArgumentTypeError otherwise."""
    check_instance(operation, "result", result, SearchResult, "a SearchResult, such as load(...)")
    assert isinstance(result, SearchResult)
    return result


def thinned(trials: list[TrialRecord], most: int) -> list[TrialRecord]:
    """At most ``most`` trials, evenly spaced in score order (all of them when few)."""
    if len(trials) <= most:
        return trials
    ranked = sorted(trials, key=lambda t: (t.score, t.trial_id))
    picks = np.linspace(0, len(ranked) - 1, most).round().astype(int)
    return sorted((ranked[i] for i in picks), key=lambda t: t.trial_id)


def plain(text: object) -> str:
    """``text`` as matplotlib shows it literally: a ``$`` never starts mathtext."""
    return str(text).replace("$", r"\$")


def _of(count: int, shown: int) -> str:
    return "" if shown == count else f" ({shown:,} of {count:,} trials shown)"


def _best_so_far(scores: Sequence[float], direction: str) -> np.ndarray:
    array = np.asarray(scores, dtype=float)
    return np.minimum.accumulate(array) if direction == "min" else np.maximum.accumulate(array)


def history(result: SearchResult) -> Figure:
    """Each completed trial's score and the best so far, failed and invalid trials marked.

    A budgeted search (Hyperband: trials carry ``tuner/epochs``) draws one
    colour per budget, each with its own best so far: scores after different
    numbers of epochs are not comparable.
    """
    operation = "plots.history()"
    result = check_result(operation, result)
    figure = new_figure(operation, 7.0, 4.0)
    axes = figure.add_subplot()
    objective = result.objective
    done = scored(result)
    budgets = sorted({t.meta[BUDGET] for t in done if BUDGET in t.meta})
    series = [(f"{b} epochs", [t for t in done if t.meta.get(BUDGET) == b]) for b in budgets]
    if not budgets:
        series = [("completed", done)]
    many = len(done) > RASTER
    for label, trials in series:
        if not trials:
            continue
        ids = [t.trial_id for t in trials]
        scores = [float(t.score or 0.0) for t in trials]
        points = axes.scatter(ids, scores, s=12, alpha=0.6, label=plain(label), rasterized=many)
        axes.step(
            ids,
            _best_so_far(scores, objective.direction),
            where="post",
            color=points.get_facecolor()[0],
            linewidth=1.5,
            label=f"best so far ({label})" if budgets else "best so far",
        )
    marks = {TrialState.FAILED: ("x", "tab:red"), TrialState.INVALID: ("|", "tab:gray")}
    for state, (marker, colour) in marks.items():
        ids = [t.trial_id for t in result.trials if t.state is state]
        if ids:
            axes.scatter(
                ids,
                [0.02] * len(ids),
                marker=marker,
                color=colour,
                transform=axes.get_xaxis_transform(),
                label=f"{state.value.lower()} ({len(ids)})",
                rasterized=len(ids) > RASTER,
            )
    axes.set_xlabel("trial")
    axes.set_ylabel(plain(f"{objective.name} ({objective.direction})"))
    axes.set_title("Optimization history")
    if done or len(result.trials):
        axes.legend(loc="best", fontsize="small")
    return figure


def _axis_values(
    hp: Hyperparameter | None, values: list[Any]
) -> tuple[list[float | None], list[tuple[float, str]], bool]:
    """Values on [0, 1] (None where inactive), the axis ticks, whether categorical."""
    present = [v for v in values if v is not None]
    if is_numeric(hp, present) and present:
        numbers = [float(v) for v in present]
        low, high = min(numbers), max(numbers)
        if isinstance(hp, Int | Float):
            low, high = min(low, float(hp.min_value)), max(high, float(hp.max_value))
        log = is_log(hp) and low > 0

        def scale(x: float) -> float:
            return math.log(x) if log else x

        span = scale(high) - scale(low) or 1.0
        placed = [None if v is None else (scale(float(v)) - scale(low)) / span for v in values]
        ticks = [(0.0, f"{low:.3g}"), (1.0, f"{high:.3g}")]  # no user text: no $
        if log:
            ticks[1] = (1.0, f"{high:.3g} (log)")
        return placed, ticks, False
    if isinstance(hp, Choice):
        order: list[Any] = list(hp.values)
    elif isinstance(hp, Boolean):
        order = [False, True]
    else:
        order = list(dict.fromkeys(present))
    order += [v for v in dict.fromkeys(present) if v not in order]
    spots = {
        repr(v): (i / (len(order) - 1) if len(order) > 1 else 0.5) for i, v in enumerate(order)
    }
    placed = [None if v is None else spots[repr(v)] for v in values]
    return placed, [(spots[repr(v)], plain(v)) for v in order], True


def _space_entry(result: SearchResult, name: str) -> Hyperparameter | None:
    space = result.trial_space
    return space.tuned[name] if space is not None and name in space.tuned else None


def parallel_coordinates(result: SearchResult) -> Figure:
    """One axis per tuned hyperparameter and one for the score, a line per completed trial.

    Lines are coloured by score. Numeric axes span the declared range (a log
    axis is marked ``(log)``), categorical axes list the choices; a line skips
    the axes of conditional entries inactive in its trial.
    """
    operation = "plots.parallel_coordinates()"
    result = check_result(operation, result)
    from matplotlib.collections import LineCollection  # noqa: PLC0415 - optional dependency

    names = tuned_names(result)
    figure = new_figure(operation, max(6.0, 1.4 * (len(names) + 1)), 4.5)
    axes = figure.add_subplot()
    done = scored(result)
    shown = thinned(done, MOST_LINES)
    scores = [float(t.score or 0.0) for t in shown]
    columns = []
    for name in names:
        placed, ticks, _ = _axis_values(
            _space_entry(result, name), [t.values.get(name) for t in shown]
        )
        columns.append((name, placed, ticks))
    placed, ticks, _ = _axis_values(None, scores)
    columns.append((result.objective.name, placed, ticks))
    segments, colours = [], []
    for row in range(len(shown)):
        for left in range(len(columns) - 1):
            a, b = columns[left][1][row], columns[left + 1][1][row]
            if a is not None and b is not None:
                segments.append([(left, a), (left + 1, b)])
                colours.append(scores[row])
    if segments:
        lines = LineCollection(segments, array=np.asarray(colours), cmap="viridis", linewidths=0.8)
        lines.set_alpha(0.7)
        lines.set_rasterized(len(shown) > RASTER)
        axes.add_collection(lines)
        figure.colorbar(lines, ax=axes, label=plain(result.objective.name))
    for x, (_, _, ticks) in enumerate(columns):
        axes.axvline(x, color="black", linewidth=0.8)
        for y, label in ticks:
            axes.annotate(
                label, (x, y), xytext=(3, 0), textcoords="offset points", fontsize=7, va="center"
            )
    axes.set_xlim(-0.2, max(len(columns) - 0.6, 0.8))
    axes.set_ylim(-0.05, 1.05)
    axes.set_xticks(range(len(columns)), [plain(name) for name, _, _ in columns], rotation=20)
    axes.set_yticks([])
    axes.set_title("Parallel coordinates" + _of(len(done), len(shown)))
    return figure


def slices(result: SearchResult) -> Figure:
    """One panel per tuned hyperparameter: each completed trial's score against its value.

    Categorical values sit at evenly spaced positions; log-scaled ones on a log axis.
    """
    operation = "plots.slices()"
    result = check_result(operation, result)
    names = tuned_names(result) or [""]
    columns = min(3, len(names))
    rows = math.ceil(len(names) / columns)
    figure = new_figure(operation, 3.2 * columns, 2.8 * rows)
    done = scored(result)
    shown = thinned(done, MOST_POINTS)
    for index, name in enumerate(names):
        axes: Axes = figure.add_subplot(rows, columns, index + 1)
        hp = _space_entry(result, name)
        trials = [t for t in shown if name in t.values]
        values = [t.values[name] for t in trials]
        scores = [float(t.score or 0.0) for t in trials]
        if is_numeric(hp, values):
            axes.scatter(
                [float(v) for v in values],
                scores,
                s=10,
                alpha=0.6,
                c=scores,
                cmap="viridis",
                rasterized=len(trials) > RASTER,
            )
            if is_log(hp) and values and min(float(v) for v in values) > 0:
                axes.set_xscale("log")
        else:
            placed, ticks, _ = _axis_values(hp, values)
            axes.scatter(
                [0.5 if y is None else y for y in placed],
                scores,
                s=10,
                alpha=0.6,
                c=scores,
                cmap="viridis",
                rasterized=len(trials) > RASTER,
            )
            axes.set_xticks(
                [y for y, _ in ticks], [label for _, label in ticks], rotation=20, fontsize=7
            )
            axes.set_xlim(-0.15, 1.15)
        axes.set_xlabel(plain(name))
        if index % columns == 0:
            axes.set_ylabel(plain(result.objective.name))
    figure.suptitle("Slices" + _of(len(done), len(shown)))
    return figure


def importance(result: SearchResult) -> Figure:
    """A bar per tuned hyperparameter: the share of the score's variance its value explains.

    See :func:`spacealg.plots.importance_scores` for the method.
    """
    operation = "plots.importance()"
    result = check_result(operation, result)
    found = importance_scores(result)
    figure = new_figure(operation, 6.0, max(2.0, 0.4 * len(found) + 1.2))
    axes = figure.add_subplot()
    names = list(found)[::-1]
    axes.barh(range(len(names)), [found[name] for name in names], color="tab:blue")
    axes.set_yticks(range(len(names)), [plain(name) for name in names])
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of the score's variance explained (first order)")
    axes.set_title("Hyperparameter importance")
    return figure
