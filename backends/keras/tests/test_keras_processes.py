"""Checks that need a fresh process: resident memory over many trials, and no TensorFlow under JAX.

Each runs ``keras_worker.py`` in a subprocess, with warnings as errors (but the
Keras ``__array__`` warning the root ``pyproject.toml`` ignores too).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

WORKER = Path(__file__).with_name("keras_worker.py")
WARNINGS = [
    "-W",
    "error",
    "-W",
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning",
]


def run_worker(check, directory, **environment):
    env = {**os.environ, **environment}
    completed = subprocess.run(
        [sys.executable, *WARNINGS, str(WORKER), check, str(directory)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-5000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


MIB = 2**20


def test_memory_stays_flat_over_forty_trials(tmp_path):
    # 40 trials of a Dense model of about a million parameters, on 32 samples for 1
    # epoch, under the current KERAS_BACKEND; the worker's run_trial notes the resident
    # memory after each trial.
    report = run_worker("memory", tmp_path)
    rss = report["rss"]
    assert report["parameters"] > 1_000_000
    assert report["completed"] == len(rss) == 40
    growth = rss[39] - rss[9]
    assert growth <= 64 * MIB, f"grew {growth / MIB:.1f} MiB: {[r // MIB for r in rss]}"


def test_tensorflow_is_never_imported_under_jax(tmp_path):
    # Whatever the current KERAS_BACKEND, the worker runs under JAX (TensorFlow is
    # installed): a seeded search with compile overrides, get_best_models and the
    # summaries, then it reads sys.modules.
    report = run_worker("jax", tmp_path, KERAS_BACKEND="jax")
    assert report["backend"] == "jax"
    assert report["completed"] == 3
    assert report["loss"] == "mse"
    assert report["summary"].startswith("Results summary")
    assert report["tensorflow"] == []
