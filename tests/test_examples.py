"""The README's main job: the guide's scenarios print the guide's summaries."""

from __future__ import annotations

import importlib.util
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


# --- the other examples: each runs as a script, in a fresh process and folder ----------------


def _run_example(name: str, cwd: Path) -> str:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def _needs(*modules: str) -> pytest.MarkDecorator:
    missing = [module for module in modules if importlib.util.find_spec(module) is None]
    return pytest.mark.skipif(bool(missing), reason=f"not installed: {missing}")


def test_the_tpe_function_search_resumes_and_reads_back(tmp_path: Path) -> None:
    out = _run_example("search_a_function_with_tpe.py", tmp_path)
    lines = out.splitlines()
    assert lines[0].startswith("after 20 trials: best ")
    assert lines[1].startswith("after 40 trials: best ")
    assert float(lines[1].rsplit(" ", 1)[1]) <= float(lines[0].rsplit(" ", 1)[1])
    assert lines[3].startswith("read back: 40 trials")
    assert list(tmp_path.iterdir()) == []  # it searched in a temporary folder


@_needs("dask", "distributed")
def test_the_dask_example_runs_every_trial_on_the_cluster(tmp_path: Path) -> None:
    out = _run_example("parallel_search_on_dask.py", tmp_path)
    assert out.startswith("10 trials on 2 Dask workers, all COMPLETED\n")


@_needs("hypothesis", "keras")
def test_the_property_test_example_checks_both_branches(tmp_path: Path) -> None:
    out = _run_example("property_test_your_hypermodel.py", tmp_path)
    assert "declared: ['units', 'deep', 'deep_units', 'dropout', 'rate']" in out
    assert "the property holds for 25 configurations" in out


@_needs("keras", "spacealg_keras")
def test_the_hyperband_example_promotes_with_budgets(tmp_path: Path) -> None:
    out = _run_example("hyperband_keras_search.py", tmp_path)
    budgets = [line for line in out.splitlines() if line.startswith("trial ")]
    assert len(budgets) == 6
    assert "trial 3: 3 epochs, bracket 1, round 1" in budgets
    assert "6 trials; best values: " in out


@_needs("keras", "spacealg_keras")
def test_the_prebuilt_example_searches_only_what_the_tailoring_leaves(tmp_path: Path) -> None:
    out = _run_example("tailor_a_prebuilt_hypermodel.py", tmp_path)
    assert "declared: 11 entries, 190512 configurations" in out
    assert "14 configurations" in out
    trials = [line for line in out.splitlines() if line.startswith("trial ")]
    assert len(trials) == 2
    assert all("'sep_num_filters': 128" in line for line in trials)
