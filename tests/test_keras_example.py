"""The README's main job: the guide's scenarios on real Keras models, with the guide's summaries.

The example runs once, in a subprocess, on the Keras backend ``KERAS_BACKEND``
names in this environment. Its checks sit in one test so that pytest-xdist never
runs the 3 x 4 trials twice.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = ROOT / "examples" / "tailor_the_search_space.py"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("spacealg_keras") is None or importlib.util.find_spec("keras") is None,
    reason="spacealg-keras is not installed (pip install -e backends/keras)",
)

SUMMARIES = {
    "Search a few and fix the rest": "guide_search_a_few.txt",
    "Fix a few and tune the rest": "guide_fix_a_few.txt",
    "Tailor the space of a prebuilt hypermodel": "guide_prebuilt_xception.txt",
}
SCENARIOS = [
    "Search a few and fix the rest",
    "Fix a few and tune the rest",
    "Overriding compilation arguments",
    "Tailor the space of a prebuilt hypermodel",
]


def _sections(stdout: str) -> dict[str, str]:
    """Each ``## <title>`` section of the output, by title."""
    sections = {}
    for chunk in stdout.split("\n## ")[1:]:
        title, _, body = chunk.partition("\n")
        sections[title] = body
    return sections


def test_the_keras_example_runs_the_guides_scenarios() -> None:
    completed = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
        env=os.environ.copy(),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    stdout = completed.stdout
    backend = os.environ.get("KERAS_BACKEND")
    if backend:
        assert stdout.startswith("Keras "), stdout[:200]
        assert f" on {backend}\n" in stdout.splitlines(keepends=True)[0]

    sections = _sections(stdout)
    assert list(sections) == SCENARIOS

    for title, expected in SUMMARIES.items():
        summary = (DATA / expected).read_text()
        assert "\n" + summary in sections[title], f"{title}: the guide's summary is not printed"

    for title, section in sections.items():
        running = re.findall(r"^Search: Running Trial #(\d+)$", section, re.MULTILINE)
        complete = re.findall(r"^Trial (\d+) Complete \[", section, re.MULTILINE)
        tried = re.findall(r"^trial (\d+): ", section, re.MULTILINE)
        assert running == complete == ["1", "2", "3"], f"{title}: {running}, {complete}"
        assert tried == ["0", "1", "2"], f"{title}: the store holds trials {tried}"

    assert "best model's loss: 'mse'\n" in sections["Overriding compilation arguments"]

    prebuilt = sections["Tailor the space of a prebuilt hypermodel"]
    assert "HyperXception declares 11 hyperparameters: activation, " in prebuilt
    rates = re.findall(r"^trial \d+: \{'learning_rate': ([0-9.e-]+),", prebuilt, re.MULTILINE)
    assert sorted(rates, key=float) == ["0.0001", "0.001", "0.01"]

    # verbose=0 reaches fit() while log=True keeps the trial log: no Keras progress bars.
    assert "Epoch 1/1" not in stdout
    assert "\u2501" not in stdout  # the progress bar's character
    # The warning KerasTuner does not give: optimizer= makes the tuned learning rate dead.
    assert "TailoringWarning: optimizer= replaces every model's optimizer" in completed.stderr
