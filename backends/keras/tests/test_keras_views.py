"""The views on stores the Keras tuners write: plots, the HTML report and the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import spacealg_keras as keras_tuner
from tiny_models import dense

import spacealg as sa
from spacealg import plots

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    rng = np.random.default_rng(1)
    x, y = rng.random((32, 8)).astype("float32"), rng.integers(0, 3, (32,))
    directory = tmp_path_factory.mktemp("keras_views")
    random = keras_tuner.RandomSearch(
        dense,
        objective="val_loss",
        max_trials=3,
        seed=0,
        directory=directory,
        project_name="random",
    )
    random.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    band = keras_tuner.Hyperband(
        dense, max_epochs=3, factor=3, seed=0, directory=directory, project_name="hyperband"
    )
    band.search(x, y, validation_split=0.25, verbose=0)
    return directory


@pytest.mark.parametrize("project", ["random", "hyperband"])
def test_plots_and_the_report_work_on_a_keras_tuner_s_store(stores, tmp_path, project):
    result = sa.load(stores, project)
    assert result.trial_space is not None
    for draw in (plots.history, plots.parallel_coordinates, plots.slices, plots.importance):
        draw(result).canvas.draw()
    text = sa.report(result, tmp_path / "report.html").read_text()
    assert text.count("<svg") == 4
    assert text.count("<tr class=") == len(result.trials)
    frame = result.to_dataframe()
    assert {"value:units", "value:learning_rate", "metric:loss"} <= set(frame.columns)


def test_hyperband_s_history_plots_the_score_per_budget(stores):
    axes = plots.history(sa.load(stores, "hyperband")).axes[0]
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "1 epochs" in labels
    assert "3 epochs" in labels


def test_the_command_line_reads_a_keras_tuner_s_store(stores, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [
                str(ROOT),
                str(ROOT / "backends" / "keras"),
                str(Path(__file__).parent),
                os.environ.get("PYTHONPATH", ""),
            ]
        ),
    }
    project = stores / "hyperband"

    def spacealg(*argv):
        return subprocess.run(
            [sys.executable, "-m", "spacealg", *argv],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout

    best = sa.load(stores, "hyperband").best_trial
    assert json.loads(spacealg("best", str(project), "--json"))["id"] == best.trial_id
    rows = json.loads(spacealg("trials", str(project), "--format", "json"))
    assert {row["meta"]["tuner/epochs"] for row in rows} == {1, 3}
    assert "wrote" in spacealg("report", str(project), "-o", str(tmp_path / "r.html"))
    shown = spacealg("show", "tiny_models:dense")  # builds the model with defaults, trains nothing
    assert shown == sa.summary(sa.load(stores, "random").trial_space.tuned)
    done = subprocess.run(
        [sys.executable, "-m", "spacealg", "show", "spacealg_keras.applications:HyperImageAugment"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    message = done.stderr.splitlines()[-1]  # TensorFlow may log lines of its own before it
    assert message.startswith("spacealg show: ")
    assert "a hypermodel class that builds with no arguments" in message
