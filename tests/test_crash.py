"""Crash safety: killed searches resume with no completed trial lost or rerun (real processes).

The searches run ``tests/crash_worker.py`` in subprocesses: a search (random,
TPE or Bayesian optimization) of a continuous space whose objective logs each
trial's start, sleeps a little and scores the values. The tests kill it with
SIGKILL at random moments and through a store that kills its process between a
write's statements and its COMMIT (the worker's ``--crash-at=N``, a
:func:`crash_worker.crashing_store`), run two workers on one store at once, and
open corrupt stores.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import spacealg as sa
from spacealg.errors import StoreError

WORKER = Path(__file__).with_name("crash_worker.py")
sys.path.insert(0, str(WORKER.parent))
import crash_worker  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only")

SEED = 424242
MAX_TRIALS = 40
SLEEP = 0.025
# The store's write transactions in one worker process, in order: open (1),
# record the study (2), then claim (3), finish (4), claim (5), finish (6), ...
OPEN, CLAIM, SECOND_FINISH = 1, 3, 6


def _spawn(
    directory: Path,
    project: str,
    log: Path,
    *,
    sleep: float = SLEEP,
    crash_at: int | None = None,
    barrier: tuple[Path, Path] | None = None,
    oracle: str = "random",
) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    # One BLAS thread per worker: on a small shared machine a BLAS thread pool per
    # process (the Bayesian oracle's Gaussian process) slows every worker down.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    args = [] if crash_at is None else [f"--crash-at={crash_at}"]
    args += [str(directory), project, str(SEED), str(MAX_TRIALS), str(sleep), str(log), oracle]
    args += [str(path) for path in barrier or ()]
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _finish(process: subprocess.Popen[bytes], timeout: float = 60.0) -> tuple[int, str]:
    output, _ = process.communicate(timeout=timeout)
    return process.returncode, output.decode(errors="replace")


def _starts(log: Path) -> list[tuple[int, str]]:
    """The start log: (trial_id, values as JSON) per line."""
    if not log.exists():
        return []
    text = log.read_text()
    assert not text or text.endswith("\n"), "a torn line in the start log"
    return [
        (int(trial_id), values)
        for trial_id, values in (entry.split(" ", 1) for entry in text.splitlines())
    ]


def _connect(path: Path) -> contextlib.closing[sqlite3.Connection]:
    return contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True))


Row = tuple[str, str, float | None, str, int]  # state, values (JSON), score, metrics, runs


def _snapshot(path: Path) -> dict[int, Row]:
    """Every trial in the store, read with plain sqlite3, after checking its integrity."""
    if not path.exists() or path.stat().st_size == 0:
        return {}
    with _connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "trials" not in tables:
            return {}
        rows = connection.execute(
            "SELECT trial_id, state, trial_values, score, metrics, runs FROM trials"
        ).fetchall()
    return {
        trial_id: (state, json.dumps(json.loads(values), sort_keys=True), score, metrics, runs)
        for trial_id, state, values, score, metrics, runs in rows
    }


def _completed(snapshot: dict[int, Row]) -> dict[int, Row]:
    return {trial_id: row for trial_id, row in snapshot.items() if row[0] == "COMPLETED"}


def _running(snapshot: dict[int, Row]) -> list[int]:
    return sorted(trial_id for trial_id, row in snapshot.items() if row[0] == "RUNNING")


def _wait_for_lines(log: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30.0
    while len(_starts(log)) < count and process.poll() is None:
        assert time.monotonic() < deadline, "the worker made no progress"
        time.sleep(0.002)


def _check_segment(
    before: dict[int, Row],
    after: dict[int, Row],
    started: list[tuple[int, str]],
    *,
    stale: list[int],
) -> None:
    """What must hold across one run of a worker, killed or not.

    ``before``/``after``: the store before and after it; ``started``: the start-log
    lines it wrote; ``stale``: the trials left RUNNING by the previous kill.
    """
    assert sorted(after) == list(range(len(after))), "trial ids are 0, 1, 2, ..."
    for trial_id, row in before.items():
        assert trial_id in after, f"trial {trial_id} was lost"
        assert after[trial_id][1] == row[1], f"trial {trial_id} changed its values"
        if row[0] == "COMPLETED":
            assert after[trial_id][:4] == row[:4], f"completed trial {trial_id} changed"
    ids = [trial_id for trial_id, _ in started]
    assert len(ids) == len(set(ids)), f"one process started a trial twice: {ids}"
    for trial_id, values in started:
        assert trial_id in after, f"trial {trial_id} started but is not in the store"
        assert values == after[trial_id][1], f"trial {trial_id} ran other values"
        if trial_id in before:
            assert before[trial_id][0] == "RUNNING", (
                f"trial {trial_id} ran again after it ended {before[trial_id][0]}"
            )
    assert len(_running(after)) <= 1, "one worker runs one trial at a time"
    if stale and started:
        assert ids[0] == stale[0], "the trial a kill left RUNNING is the first to rerun"


def _kill(process: subprocess.Popen[bytes], log: Path, lines: int, rng: random.Random) -> bool:
    """SIGKILL the worker at a random moment; False if it ended first."""
    wait_for = rng.choice([0, 1, 1, 2, 3])
    if wait_for:  # a moment inside the wait_for-th trial from now
        _wait_for_lines(log, lines + wait_for, process)
        time.sleep(rng.uniform(0.0, 1.5 * SLEEP))
    else:  # a moment from the start: importing, opening, claiming, ...
        time.sleep(rng.uniform(0.05, 0.6))
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    return True


def _check_hooked(
    crash_at: int, before: dict[int, Row], after: dict[int, Row], started: list[tuple[int, str]]
) -> None:
    """What a kill by the worker's ``--crash-at`` store leaves in the store."""
    if crash_at == OPEN:  # killed while creating the store: still empty
        assert after == {}
        assert started == []
    elif crash_at == CLAIM:  # the claim rolled back: nothing changed
        assert after == before
        assert started == []
    else:  # the first trial's finish committed, the second's did not
        assert len(started) == 2
        first, second = (trial_id for trial_id, _ in started)
        assert after[first][0] == "COMPLETED"
        assert _running(after) == [second]


@pytest.mark.parametrize("oracle", ["random", "tpe", "bayesian", "hyperband", "asha"])
def test_a_search_killed_many_times_resumes_to_the_uninterrupted_result(
    tmp_path: Path, oracle: str
) -> None:
    rng = random.Random(SEED)
    reference_log = tmp_path / "reference.log"
    reference = _spawn(tmp_path / "reference", "search", reference_log, oracle=oracle)

    directory, project = tmp_path / "killed", "search"
    store = directory / project / "trials.db"
    log = tmp_path / "killed.log"
    # 12 kills at random moments and 3 through the store's hook: while the store is
    # created, while a claim is being written, while the second finish is.
    plan: list[int | None] = [OPEN, None, None, CLAIM, None, None, None, SECOND_FINISH]
    plan += [None] * 7
    kills = 0
    kills_while_running: collections.Counter[int] = collections.Counter()
    snapshot: dict[int, Row] = {}
    for crash_at in plan:
        before, stale, lines = snapshot, _running(snapshot), len(_starts(log))
        process = _spawn(directory, project, log, crash_at=crash_at, oracle=oracle)
        if crash_at is None:
            kills += _kill(process, log, lines, rng)
        returncode, output = _finish(process)
        assert returncode == -signal.SIGKILL, f"the worker was not killed: {output}"
        assert output == ""
        snapshot = _snapshot(store)
        started = _starts(log)[lines:]
        _check_segment(before, snapshot, started, stale=stale)
        kills_while_running.update(_running(snapshot))
        if crash_at is not None:
            _check_hooked(crash_at, before, snapshot, started)
    assert kills >= 10
    assert 0 < len(_completed(snapshot)) < MAX_TRIALS, "the kills landed mid-search"

    before, stale, lines = snapshot, _running(snapshot), len(_starts(log))
    returncode, output = _finish(_spawn(directory, project, log, oracle=oracle))
    assert (returncode, output) == (0, "")
    snapshot = _snapshot(store)
    _check_segment(before, snapshot, _starts(log)[lines:], stale=stale)

    assert sorted(snapshot) == list(range(MAX_TRIALS))
    assert {row[0] for row in snapshot.values()} == {"COMPLETED"}
    starts = collections.Counter(trial_id for trial_id, _ in _starts(log))
    for trial_id, row in snapshot.items():
        runs = row[4]
        assert starts[trial_id] <= runs <= 1 + kills_while_running[trial_id], (
            f"trial {trial_id}: {starts[trial_id]} starts, {runs} runs, "
            f"{kills_while_running[trial_id]} kills while it ran"
        )
    assert any(runs > 1 for *_, runs in snapshot.values()), "no trial was interrupted"

    returncode, output = _finish(reference)
    assert (returncode, output) == (0, "")
    expected = _snapshot(tmp_path / "reference" / "search" / "trials.db")
    assert {row[1] for row in snapshot.values()} == {row[1] for row in expected.values()}
    assert {i: row[:3] for i, row in snapshot.items()} == {
        i: row[:3] for i, row in expected.items()
    }
    assert _starts(reference_log) == [
        (trial_id, expected[trial_id][1]) for trial_id in range(MAX_TRIALS)
    ]
    result = sa.load(directory, project)
    assert [t.trial_id for t in result.trials] == list(range(MAX_TRIALS))
    assert [t.score for t in result.trials] == [snapshot[i][2] for i in range(MAX_TRIALS)]


def _study_fields(directory: Path, project: str) -> dict[str, object]:
    return {
        "trial_space": sa.resolve(crash_worker.SPACE),
        "backend": crash_worker.LoggingBackend(os.devnull, 0.0),
        "objective": sa.Objective("score", "min"),
        "directory": directory,
        "project_name": project,
        "seed": SEED,
    }


@pytest.mark.parametrize("attempt", range(3))
def test_two_processes_share_one_store(tmp_path: Path, attempt: int) -> None:
    directory, project = tmp_path / "shared", f"search{attempt}"
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    go = tmp_path / "go"
    barriers = [(tmp_path / "first.ready", go), (tmp_path / "second.ready", go)]
    processes = [
        _spawn(directory, project, log, sleep=0.02, barrier=barrier)
        for log, barrier in zip(logs, barriers, strict=True)
    ]
    deadline = time.monotonic() + 30.0
    while not all(ready.exists() for ready, _ in barriers):  # both imported: start together
        assert time.monotonic() < deadline
        assert all(process.poll() is None for process in processes)
        time.sleep(0.001)
    go.touch()
    for process in processes:
        returncode, output = _finish(process)
        assert (returncode, output) == (0, "")

    snapshot = _snapshot(directory / project / "trials.db")
    assert sorted(snapshot) == list(range(MAX_TRIALS)), "a trial was lost"
    assert {row[0] for row in snapshot.values()} == {"COMPLETED"}
    assert {row[4] for row in snapshot.values()} == {1}, "a trial was claimed again"
    first, second = (_starts(log) for log in logs)
    assert first, "both processes ran trials"
    assert second, "both processes ran trials"
    ids = [trial_id for trial_id, _ in first + second]
    assert sorted(ids) == list(range(MAX_TRIALS)), "each trial started exactly once"
    for trial_id, values in first + second:
        assert values == snapshot[trial_id][1]
    assert len({row[1] for row in snapshot.values()}) == MAX_TRIALS, "a duplicate configuration"
    # The same configurations as one process would have tried, trial by trial.
    alone = sa.Study(**_study_fields(tmp_path / "alone", project)).run(MAX_TRIALS, verbose=0)
    assert [crash_worker.line(t.trial_id, t.values) for t in alone.trials] == [
        f"{trial_id} {snapshot[trial_id][1]}\n" for trial_id in range(MAX_TRIALS)
    ]


def _valid_store(directory: Path, project: str, trials: int = 300) -> Path:
    study = sa.Study(**_study_fields(directory, project))
    study.run(trials, verbose=0)
    assert not Path(f"{study.store_path}-wal").exists(), "closing checkpoints the WAL"
    return study.store_path


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _junk(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(3 * 4096))


def _junk_after_header(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + random.Random(2).randbytes(3 * 4096))


def _junk_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 4096] = random.Random(3).randbytes(4096)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("corrupt", "valid_first"),
    [
        pytest.param(_junk, False, id="random-bytes"),
        pytest.param(_junk_after_header, False, id="sqlite-header-then-random-bytes"),
        pytest.param(_truncated, True, id="truncated-store"),
        pytest.param(_junk_page, True, id="store-with-a-page-of-random-bytes"),
    ],
)
def test_a_corrupt_store_is_a_clear_error_and_left_untouched(
    tmp_path: Path, corrupt, valid_first: bool
) -> None:
    project = "search"
    path = tmp_path / project / "trials.db"
    if valid_first:
        _valid_store(tmp_path, project)
    else:
        path.parent.mkdir()
    corrupt(path)
    data = path.read_bytes()

    def objective(values: sa.Values) -> float:
        raise AssertionError("no trial runs on a corrupt store")

    attempts = [
        lambda: sa.minimize(
            objective,
            crash_worker.SPACE,
            max_trials=5,
            directory=tmp_path,
            project_name=project,
            verbose=0,
        ),
        lambda: sa.minimize(
            objective,
            crash_worker.SPACE,
            max_trials=5,
            directory=tmp_path,
            project_name=project,
            verbose=0,
            overwrite=True,
        ),
        lambda: sa.load(tmp_path, project),
    ]
    for attempt in attempts:
        with pytest.raises(StoreError) as raised:
            attempt()
        assert str(path) in str(raised.value)
        assert "left untouched" in str(raised.value)
        assert not isinstance(raised.value, sqlite3.Error)
        assert path.read_bytes() == data
    if not valid_first:  # not even opened by SQLite: nothing created beside it
        assert sorted(p.name for p in path.parent.iterdir()) == ["trials.db"]
