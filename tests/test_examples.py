"""The README's main job: the guide's scenarios print the guide's summaries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def example_output() -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "tailor_the_search_space_core.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("Search a few and fix the rest", "guide_search_a_few.txt"),
        ("Fix a few and tune the rest", "guide_fix_a_few.txt"),
        ("Tailor the space of a prebuilt hypermodel", "guide_prebuilt_xception.txt"),
    ],
)
def test_each_scenario_prints_the_guides_summary(
    example_output: str, scenario: str, expected: str
) -> None:
    section = example_output.split(f"## {scenario}\n", 1)[1]
    summary = (DATA / expected).read_text()
    assert section.startswith(summary)


def test_fixing_a_few_enumerates_the_eight_configurations_default_first(
    example_output: str,
) -> None:
    section = example_output.split("## Fix a few and tune the rest\n", 1)[1]
    assert "configurations: 8\n" in section
    assert "grid order: [(0.0001, 64, False), (0.0001, 64, True), (0.0001, 32, False)" in section


def _readme_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    return [block.split("```", 1)[0] for block in readme.split("```python\n")[1:]]


def test_the_readme_has_the_function_search_and_the_keras_switch_on_its_first_screen() -> None:
    readme = (ROOT / "README.md").read_text()
    first_screen = readme.split("\n## ", 1)[0]
    blocks = _readme_blocks()
    assert len(blocks) == 2
    assert all(block in first_screen for block in blocks)
    assert 'oracle="tpe"' in blocks[0]
    assert "import spacealg_keras as keras_tuner" in blocks[1]
    assert "| | spacealg | KerasTuner" in first_screen


def test_the_readmes_function_search_runs(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(_readme_blocks()[0], "README.md", "exec"), namespace)
    result = namespace["result"]
    assert len(result.trials) == 30  # type: ignore[attr-defined]
    assert result.best_score < 0.05  # type: ignore[attr-defined]
    assert (tmp_path / "quickstart" / "trials.db").is_file()
    assert "Values({'x': " in capsys.readouterr().out


def test_the_readmes_keras_switch_runs(tmp_path) -> None:
    # In its own process: Keras stays out of the core suite's processes.
    (tmp_path / "readme_keras.py").write_text(_readme_blocks()[1])
    completed = subprocess.run(
        [sys.executable, "readme_keras.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "'units': " in completed.stdout
    assert (tmp_path / "keras_quickstart" / "trials.db").is_file()


def test_each_scenario_runs_a_search_of_three_distinct_trials(example_output: str) -> None:
    scenarios = example_output.split("\n## ")[1:]  # the declared space comes first
    assert len(scenarios) == 4
    for scenario in scenarios:
        tried = [line for line in scenario.splitlines() if line.startswith("tried: ")]
        assert len(tried) == 3
        assert len({line.split(" -> ")[0] for line in tried}) == 3
        assert scenario.count(" Complete [") == 3


def test_the_prebuilt_scenario_tries_each_learning_rate_once(example_output: str) -> None:
    section = example_output.split("## Tailor the space of a prebuilt hypermodel\n", 1)[1]
    tried = [line for line in section.splitlines() if line.startswith("tried: ")]
    rates = sorted(line.split("'learning_rate': ")[1].split(",")[0] for line in tried)
    assert rates == ["0.0001", "0.001", "0.01"]
