"""spacealg.plots, importance and to_dataframe on stores of minimize, Hyperband and a pool."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from views_studies import NASTY, hyperband, search

import spacealg as sa
from spacealg import plots
from spacealg.errors import MissingDependencyError

FIGURES = [plots.history, plots.parallel_coordinates, plots.slices, plots.importance]


@pytest.fixture(scope="module")
def studies(tmp_path_factory):
    directory = tmp_path_factory.mktemp("plots")
    search(directory, "serial")
    hyperband(directory)
    with sa.ProcessPool(2) as pool:
        search(directory, "parallel", executor=pool)
    return {name: sa.load(directory, name) for name in ("serial", "hyperband", "parallel")}


@pytest.mark.parametrize("name", ["serial", "hyperband", "parallel"])
@pytest.mark.parametrize("draw", FIGURES, ids=lambda f: f.__name__)
def test_every_figure_draws_every_store(studies, name, draw):
    figure = draw(studies[name])
    figure.canvas.draw()  # lays out and renders: errors in artists show here
    assert figure.axes


def test_history_marks_failed_trials_and_the_best_so_far(studies):
    result = studies["serial"]
    axes = plots.history(result).axes[0]
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    failed = sum(t.state is sa.TrialState.FAILED for t in result.trials)
    assert failed
    assert labels == ["completed", "best so far", f"failed ({failed})"]
    [line] = axes.get_lines()
    completed = [t for t in result.trials if t.state is sa.TrialState.COMPLETED]
    assert line.get_ydata()[-1] == min(t.score for t in completed)


def test_a_budgeted_search_plots_the_score_per_budget(studies):
    result = studies["hyperband"]
    axes = plots.history(result).axes[0]
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    budgets = sorted({t.meta["tuner/epochs"] for t in result.trials})
    assert len(budgets) > 1
    for budget in budgets:
        assert f"{budget} epochs" in labels
        assert f"best so far ({budget} epochs)" in labels


def test_parallel_coordinates_draws_kinds_as_such_and_skips_inactive_entries(studies):
    result = studies["serial"]
    figure = plots.parallel_coordinates(result)
    axes = figure.axes[0]
    names = [label.get_text() for label in axes.get_xticklabels()]
    assert names == [*result.trial_space.tuned, "score"]
    texts = {text.get_text() for text in axes.texts}
    assert {"plain", "<b>bold</b>", "mlp", "cnn"} <= texts  # categorical axes list the choices
    assert "0.1 (log)" in texts  # the log-scaled axis says so
    completed = [t for t in result.trials if t.state is sa.TrialState.COMPLETED]
    order = [*result.trial_space.tuned]
    # a segment joins two neighbouring axes only where both entries are active
    present = [[name in t.values for name in order] + [True] for t in completed]  # + the score
    expected = sum(sum(a and b for a, b in itertools.pairwise(p)) for p in present)
    [lines] = axes.collections
    assert len(lines.get_segments()) == expected
    assert expected < len(completed) * len(order)  # filters is inactive in some trials


def test_slices_draw_one_panel_per_hyperparameter_with_log_axes(studies):
    result = studies["serial"]
    figure = plots.slices(result)
    panels = figure.axes
    assert [a.get_xlabel() for a in panels] == list(result.trial_space.tuned)
    assert panels[1].get_xscale() == "log"
    assert panels[0].get_xscale() == "linear"


def test_importance_ranks_the_dominant_hyperparameter_first(studies):
    for name in ("serial", "parallel"):
        scores = plots.importance_scores(studies[name])
        assert next(iter(scores)) == "x"
        assert scores["x"] > 0.5
    figure = plots.importance(studies["serial"])
    assert figure.axes[0].get_yticklabels()[-1].get_text() == "x"  # the top bar


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    weight=st.floats(min_value=5.0, max_value=100.0),
    dominant=st.sampled_from(["a", "b", "c"]),
)
def test_importance_finds_the_dominant_of_three_hyperparameters(seed, weight, dominant):
    rng = np.random.default_rng(seed)
    trials = []
    for i in range(60):
        values = {
            "a": float(rng.uniform()),
            "b": int(rng.integers(1, 100)),
            "c": str(rng.choice(["x", "y", "z"])),
        }
        signal = {"a": values["a"], "b": values["b"] / 100, "c": "xyz".index(values["c"]) / 2}
        score = weight * signal[dominant] + sum(
            0.05 * v for k, v in signal.items() if k != dominant
        )
        trials.append(sa.TrialRecord(i, sa.Values(values), sa.TrialState.COMPLETED, score=score))
    scores = plots.importance_scores(sa.SearchResult(trials, sa.Objective("loss", "min")))
    assert next(iter(scores)) == dominant
    assert all(0.0 <= s <= 1.0 for s in scores.values())


def test_importance_of_a_hyperparameter_without_effect_is_near_zero():
    rng = np.random.default_rng(0)
    trials = [
        sa.TrialRecord(
            i,
            sa.Values({"noise": float(rng.uniform())}),
            sa.TrialState.COMPLETED,
            score=float(rng.normal()),
        )
        for i in range(200)
    ]
    scores = plots.importance_scores(sa.SearchResult(trials, sa.Objective("loss", "min")))
    assert scores["noise"] < 0.05


def test_figures_need_a_search_result():
    for draw in FIGURES:
        with pytest.raises(sa.errors.ArgumentTypeError, match="result"):
            draw("not a result")


def test_to_dataframe_has_a_column_per_hyperparameter_and_the_trial_facts(studies):
    result = studies["hyperband"]
    frame = result.to_dataframe()
    assert list(frame["trial_id"]) == [t.trial_id for t in result.trials]
    assert list(frame["state"]) == [t.state.value for t in result.trials]
    for name in result.trial_space.tuned:
        assert f"value:{name}" in frame.columns
    assert {"score", "duration", "started", "ended", "metric:score", "meta:tuner/epochs"} <= set(
        frame.columns
    )
    filters = [t.values.get("filters") for t in result.trials]
    assert frame["value:filters"].isna().tolist() == [v is None for v in filters]


@pytest.mark.parametrize(
    ("blocked", "call", "extra"),
    [
        ("matplotlib", "plots.history(result)", "plot"),
        ("pandas", "result.to_dataframe()", "pandas"),
    ],
)
def test_without_the_optional_dependency_the_error_names_the_extra(blocked, call, extra):
    code = f"""
import sys
sys.modules[{blocked!r}] = None  # as if not installed: importing it raises ImportError
import spacealg as sa
from spacealg import plots
from spacealg.errors import MissingDependencyError
result = sa.SearchResult([], sa.Objective("loss", "min"))
try:
    {call}
except MissingDependencyError as error:
    print(error)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert f"pip install 'spacealg[{extra}]'" in done.stdout
    assert blocked in done.stdout


def test_the_core_imports_without_matplotlib_and_pandas():
    code = (
        "import sys, spacealg, spacealg.plots; "
        "print(sorted({'matplotlib', 'pandas'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_missing_dependency_error_is_the_public_one():
    assert issubclass(MissingDependencyError, ImportError)
    assert NASTY  # the studies carry a markup name, shown as text by the report's test
