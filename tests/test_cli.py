"""The ``spacealg`` command line: every command, its exit statuses, and that it never writes."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from views_studies import NASTY, search

import spacealg as sa
from spacealg._cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cli")
    search(directory)
    return directory / "study"


def run(*argv):
    out = io.StringIO()
    status = main([str(a) for a in argv], out=out)
    return status, out.getvalue()


def fingerprint(folder: Path):
    """The bytes and modification time of the store and its write-ahead log.

    ``trials.db-shm`` is left out: it is SQLite's shared-memory index, which
    every reader of a WAL database updates (its read marks), and holds no data.
    """
    return {
        path.name: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.name.endswith("-shm")
    }


def test_the_commands_are_the_issues():
    # issue 19's five, and issue 15's diff
    names = ["show", "diff", "trials", "best", "report", "watch"]
    assert [command.NAME for command in COMMANDS] == names


def test_trials_prints_one_aligned_row_per_trial(project):
    status, text = run("trials", project)
    lines = text.splitlines()
    assert status == 0
    header = lines[0].split()
    assert header[:3] == ["id", "state", "score"]
    assert header[-1] == "duration"
    assert len(lines) == 1 + 24
    assert len({len(line) for line in lines[1:]}) <= 2  # aligned (a row may end early: rstrip)
    result = sa.load(project.parent, project.name)
    for line, trial in zip(lines[1:], result.trials, strict=True):
        assert line.split()[:2] == [str(trial.trial_id), trial.state.value]


def test_trials_shows_a_hyperparameter_named_duration_as_its_value(tmp_path):
    """Only the last column is the trial's duration in seconds; a value named so is a value."""
    space = sa.Space(
        [sa.Choice("duration", values=["short", "long"]), sa.Int("n", min_value=1, max_value=3)]
    )
    sa.minimize(
        lambda v: float(v["n"]), space, max_trials=3, seed=0, directory=tmp_path, project_name="d"
    )
    status, text = run("trials", tmp_path / "d")
    assert status == 0
    header, *rows = [line.split() for line in text.splitlines()]
    assert header.count("duration") == 2
    result = sa.load(tmp_path, "d")
    for row, trial in zip(rows, result.trials, strict=True):
        assert row[header.index("duration")] == trial.values["duration"]
        assert row[-1] == f"{trial.ended - trial.started:.3f}"


def test_trials_csv_and_json_hold_every_value(project):
    result = sa.load(project.parent, project.name)
    _, text = run("trials", project, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(row["id"]) for row in rows] == [t.trial_id for t in result.trials]
    assert rows[0][f"value:{NASTY}"] == result.trials[0].values[NASTY]
    _, text = run("trials", project, "--format", "json")
    document = json.loads(text)
    assert [trial["values"] for trial in document] == [dict(t.values) for t in result.trials]
    assert [trial["state"] for trial in document] == [t.state.value for t in result.trials]


def test_trials_filters_sorts_and_limits(project):
    result = sa.load(project.parent, project.name)
    _, text = run("trials", project, "--format", "json", "--state", "failed")
    failed = json.loads(text)
    assert failed
    assert {t["id"] for t in failed} == {
        t.trial_id for t in result.trials if t.state is sa.TrialState.FAILED
    }
    _, text = run("trials", project, "--format", "json", "--sort", "score", "--limit", "3")
    assert [t["id"] for t in json.loads(text)] == [t.trial_id for t in result.completed()[:3]]


def test_best_prints_the_best_trial(project):
    best = sa.load(project.parent, project.name).best_trial
    status, text = run("best", project, "--json")
    assert status == 0
    document = json.loads(text)
    assert (document["id"], document["score"], document["values"]) == (
        best.trial_id,
        best.score,
        dict(best.values),
    )
    _, text = run("best", project)
    assert text.startswith(f"trial {best.trial_id}: score = {best.score!r} (min)\n")


def test_show_prints_a_build_function_s_space(tmp_path):
    module = tmp_path / "models.py"
    module.write_text(
        "def build_model(hp):\n"
        "    hp.Int('units', min_value=32, max_value=128, step=32)\n"
        "    if hp.Boolean('dropout'):\n"
        "        hp.Float('rate', min_value=0.1, max_value=0.5)\n"
    )
    namespace = {}
    exec(module.read_text(), namespace)
    declared = sa.declare(namespace["build_model"])
    assert list(declared) == ["units", "dropout"]
    assert run("show", f"{module}:build_model") == (0, sa.summary(declared))
    status, text = run("show", f"{module}:build_model", "--json")
    assert (status, sa.from_json(text)) == (0, declared)


def test_show_reads_a_module_and_a_saved_space(tmp_path):
    status, text = run("show", "views_studies:SPACE")
    from views_studies import SPACE

    assert (status, text) == (0, sa.summary(SPACE))
    saved = tmp_path / "space.json"
    saved.write_text(sa.to_json(SPACE))
    assert run("show", saved) == (0, sa.summary(SPACE))


def test_diff_prints_what_changed_between_saved_spaces_and_studies(project, tmp_path):
    from views_studies import SPACE

    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(sa.to_json(SPACE))
    first = SPACE["x"]
    changed = sa.Space([sa.Boolean("extra"), *(SPACE[n] for n in SPACE if n != "x")])
    after.write_text(sa.to_json(changed))
    expected = sa.diff(SPACE, changed)
    assert expected  # the two spaces differ
    assert run("diff", before, after) == (0, f"{expected}\n")
    assert f"removed {first.name!r}" in str(expected)
    status, text = run("diff", before, after, "--json")
    document = json.loads(text)
    assert status == 0
    assert (document["added"], document["removed"]) == (["extra"], [first.name])
    # a study's folder stands for the space it searched
    searched = sa.load(project.parent, project.name).trial_space.tuned
    assert run("diff", project, project) == (0, "no change\n")
    assert run("diff", before, project) == (0, f"{sa.diff(SPACE, searched)}\n")


def test_read_commands_never_write_the_store(project, tmp_path):
    before = fingerprint(project)
    assert "trials.db" in before
    for argv in (
        ["trials", project],
        ["trials", project, "--format", "json"],
        ["best", project],
        ["report", project, "-o", tmp_path / "r.html"],
        ["watch", project, "--count", "2", "--interval", "0.1"],
        ["diff", project, project],
    ):
        assert run(*argv)[0] == 0
    assert fingerprint(project) == before


@pytest.mark.parametrize(
    ("argv", "status", "names"),
    [
        (["trials", "{tmp}/none"], 1, "{tmp}/none: no such folder"),
        (["trials", "{tmp}"], 1, "{tmp}/trials.db: no trial store here"),
        (["best", "{tmp}/foreign"], 1, "{tmp}/foreign/trials.db"),
        (["report", "{tmp}/corrupt"], 1, "{tmp}/corrupt/trials.db"),
        (["trials", "{project}", "--limit", "0"], 2, "argument --limit: '0' is not an int >= 1"),
        (["trials", "{project}", "--state", "done"], 2, "argument --state: invalid choice"),
        (["trials", "{project}", "--format", "xml"], 2, "argument --format"),
        (["watch", "{project}", "--interval", "0"], 2, "argument --interval"),
        (["show", "build_model"], 2, "argument TARGET: 'build_model' is not FILE.py:NAME"),
        (["show", "{tmp}/nothere.py:build"], 1, "{tmp}/nothere.py does not"),
        (["show", "{tmp}/empty.py:build"], 1, "has no 'build'"),
        (["show", "{tmp}/broken.py:build"], 1, "it raised ZeroDivisionError"),
        (["show", "{tmp}/missing.json"], 1, "TARGET='{tmp}/missing.json'"),
        (["diff", "{project}", "{tmp}/missing.json"], 1, "spacealg diff: B='{tmp}/missing.json'"),
        (["diff", "nothing", "{project}"], 2, "spacealg diff: argument A: 'nothing' is not"),
        (["diff", "{project}"], 2, "the following arguments are required: B"),
        (["frobnicate"], 2, "argument COMMAND: invalid choice: 'frobnicate'"),
        ([], 2, "the following arguments are required: COMMAND"),
    ],
)
def test_errors_are_one_line_with_the_status_and_the_culprit(
    project, tmp_path, capsys, argv, status, names
):
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "trials.db").write_text("a shopping list\n")
    (tmp_path / "corrupt").mkdir()
    (tmp_path / "corrupt" / "trials.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "broken.py").write_text("1 / 0\n")
    filled = [a.format(tmp=tmp_path, project=project) for a in argv]
    assert run(*filled)[0] == status
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert message.startswith("spacealg")
    assert names.format(tmp=tmp_path) in message


def test_python_dash_m_and_exit_statuses_in_a_real_process(project, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "spacealg", "best", str(project)],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("trial ")
    done = subprocess.run(
        [sys.executable, "-m", "spacealg", "best", str(tmp_path)],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1


WRITER = """
import sys, time
import spacealg as sa
def slow(values):
    time.sleep(0.05)
    return values["x"] ** 2
sa.minimize(slow, sa.Space([sa.Float("x", min_value=-1.0, max_value=1.0)]), max_trials=60,
            directory=sys.argv[1], project_name="live", verbose=0, seed=0)
"""


def _has_trials(directory, project_name):
    """Whether the writer has recorded a trial yet.

    Before that, the store may be missing or still being created (the file
    exists, its tables not yet): ``load`` then refuses it as empty.
    """
    try:
        return sa.load(directory, project_name).trials != ()
    except sa.errors.StoreError:
        return False


def test_watch_follows_a_running_search_and_leaves_on_ctrl_c(tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], env=ENV)
    try:
        deadline = time.monotonic() + 60
        while not _has_trials(tmp_path, "live"):
            assert time.monotonic() < deadline, "the search never started"
            time.sleep(0.1)
        watcher = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "spacealg",
                "watch",
                str(tmp_path / "live"),
                "--interval",
                "0.2",
                "--max-trials",
                "60",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        seen = []
        assert watcher.stdout is not None
        while len(seen) < 4:
            line = watcher.stdout.readline()
            assert line, "watch stopped by itself"
            if " trials: " in line:
                seen.append(int(line.split(" trials: ")[1].split()[0]))
        watcher.send_signal(signal.SIGINT)
        _, err = watcher.communicate(timeout=30)
        assert (watcher.returncode, err) == (0, "")
        assert seen == sorted(seen)
        assert seen[-1] > seen[0]  # it read the writer's progress, refresh after refresh
        assert writer.wait(timeout=120) == 0  # the writer never noticed
    finally:
        writer.kill()
        writer.wait()
    result = sa.load(tmp_path, "live")
    assert len(result.trials) == 60
    assert all(t.state is sa.TrialState.COMPLETED for t in result.trials)


def _always_fails(values):
    raise RuntimeError("no luck")


def test_best_of_a_study_with_no_completed_trial_says_how_trials_ended(tmp_path, capsys):
    space = sa.Space([sa.Int("x", min_value=0, max_value=9)])
    with pytest.raises(sa.errors.TooManyFailedTrialsError):
        sa.minimize(
            _always_fails,
            space,
            max_trials=5,
            directory=tmp_path,
            project_name="bad",
            verbose=0,
            max_consecutive_failed_trials=2,
        )
    assert run("best", tmp_path / "bad")[0] == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert message.startswith(f"spacealg best {tmp_path / 'bad'}")
    assert "2 FAILED" in message
