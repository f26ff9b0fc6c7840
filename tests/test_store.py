"""The SQLite trial store: refusing foreign files, schema versions, WAL, claims and stale trials.

Every test uses a real SQLite file under ``tmp_path``.
"""

from __future__ import annotations

import json
import os
import pickle
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import spacealg as sa
from spacealg import Boolean, Int, Space, TrialState, Values
from spacealg._store.database_file import SCHEMA_VERSION
from spacealg._store.rows import Owner, StudyRecord
from spacealg._store.trial_store import TrialStore
from spacealg.errors import SpaceError, StoreError

SPACE = Space([Int("x", min_value=0, max_value=9), Boolean("b")])


def _store_path(tmp_path: Path, project: str = "project") -> Path:
    return TrialStore.location(tmp_path, project)


def _search(tmp_path: Path, *, project: str = "project", **options: object) -> sa.SearchResult:
    options = {"max_trials": 3, "seed": 0, "verbose": 0, **options}
    return sa.minimize(
        lambda v: v["x"],
        SPACE,
        directory=tmp_path,
        project_name=project,
        **options,  # type: ignore[arg-type]
    )


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _sequence(store: TrialStore, values: list[Values]) -> object:
    """A propose function handing out ``values`` in order, then None."""

    def propose(tried: list[Values]) -> tuple[Values, Values, dict[str, int]] | None:
        left = [v for v in values if v not in tried]
        return (left[0], left[0], {}) if left else None

    return propose


def _claim(store: TrialStore, owner: Owner, values: list[Values], **options: object):
    options = {"max_trials": None, "heartbeat_timeout": 60.0, **options}
    return store.claim(_sequence(store, values), owner, **options)  # type: ignore[arg-type]


POINTS = [Values({"x": i, "b": False}) for i in range(5)]


# --- where the store lives ------------------------------------------------------------------------


def test_the_store_lives_at_directory_project_trials_db(tmp_path):
    assert TrialStore.location(tmp_path, "p") == tmp_path / "p" / "trials.db"
    _search(tmp_path)
    assert (tmp_path / "project" / "trials.db").is_file()


def test_wal_mode_is_on(tmp_path):
    _search(tmp_path)
    connection = sqlite3.connect(_store_path(tmp_path))
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        connection.close()


def test_the_store_records_its_application_and_schema_version(tmp_path):
    _search(tmp_path)
    connection = sqlite3.connect(_store_path(tmp_path))
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta"))
    finally:
        connection.close()
    assert meta == {"application": "spacealg", "schema_version": str(SCHEMA_VERSION)}


def _claim_plan(path: Path) -> tuple[str, str]:
    """How SQLite answers a claim's two lookups: the running trials and the trial count."""
    connection = sqlite3.connect(path)
    try:
        running = connection.execute(
            "EXPLAIN QUERY PLAN SELECT trial_id, owner_host, owner_pid, owner_token, heartbeat "
            "FROM trials WHERE state = 'RUNNING' ORDER BY trial_id"
        ).fetchall()
        count = connection.execute(
            "EXPLAIN QUERY PLAN SELECT COALESCE(MAX(trial_id) + 1, 0) FROM trials"
        ).fetchall()
    finally:
        connection.close()
    return " ".join(row[-1] for row in running), " ".join(row[-1] for row in count)


def _best_plan(path: Path, order: str) -> str:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "EXPLAIN QUERY PLAN SELECT trial_id FROM trials WHERE state = 'COMPLETED' "
            f"AND score IS NOT NULL ORDER BY score {order}, trial_id LIMIT 1"
        ).fetchall()
    finally:
        connection.close()
    return " ".join(row[-1] for row in rows)


def test_a_claim_reads_no_more_rows_as_the_history_grows(tmp_path):
    """Finding running trials uses the index of running trials; the count is the last id."""
    _search(tmp_path)
    running, count = _claim_plan(_store_path(tmp_path))
    assert running == "SCAN trials USING INDEX trials_running"  # the running trials only
    assert count.startswith("SEARCH trials")  # not a SCAN of every row


@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_the_best_trial_is_found_through_the_index_of_scores(tmp_path, order):
    """The trial log and ``spacealg best`` read the best trial without scanning the table."""
    _search(tmp_path)
    assert _best_plan(_store_path(tmp_path), order).startswith(
        "SEARCH trials USING INDEX trials_best"
    )


def test_a_store_without_the_running_index_gains_it_when_opened_for_a_search(tmp_path):
    """A store written before the index existed reads as before, and gains it on the next search."""
    _search(tmp_path)
    path = _store_path(tmp_path)
    connection = sqlite3.connect(path)
    connection.execute("DROP INDEX trials_running")
    connection.execute("DROP INDEX trials_best")
    connection.commit()
    connection.close()
    assert _claim_plan(path)[0] == "SCAN trials"  # every row
    assert len(sa.load(tmp_path, "project").trials) == 3
    assert _claim_plan(path)[0] == "SCAN trials"  # load() never writes
    _search(tmp_path, max_trials=5)
    assert _claim_plan(path)[0] == "SCAN trials USING INDEX trials_running"
    assert "trials_best" in _best_plan(path, "ASC")
    assert len(sa.load(tmp_path, "project").trials) == 5


def test_the_store_records_the_study(tmp_path):
    _search(tmp_path, seed=17, oracle=sa.RandomSearchOracle(max_collisions=4))
    store = TrialStore.open_readonly(_store_path(tmp_path))
    try:
        study = store.study()
    finally:
        store.close()
    assert study is not None
    assert study.seed == 17
    assert json.loads(study.objective) == {"name": "score", "direction": "min"}
    assert json.loads(study.oracle) == {"name": "random", "max_collisions": 4}
    recorded = json.loads(study.trial_space)
    assert sa.from_dict(recorded["tuned"]) == SPACE
    assert recorded["pinned"] == {}


# --- files that are not spacealg stores -----------------------------------------------------------


@pytest.mark.parametrize("overwrite", [False, True])
@pytest.mark.parametrize(
    "content",
    [b"hello, world\n", b"\x00" * 100, b"SQLite format 2\x00" + b"\x00" * 100, b"x"],
    ids=["text", "zeros", "near-header", "one-byte"],
)
def test_a_foreign_file_is_refused_and_left_untouched(tmp_path, content, overwrite):
    path = _store_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(content)
    (path.parent / "trials").mkdir()
    (path.parent / "trials" / "keep.txt").write_text("mine")
    with pytest.raises(StoreError) as raised:
        _search(tmp_path, overwrite=overwrite)
    assert "not a spacealg trial store" in str(raised.value)
    assert "left untouched" in str(raised.value)
    assert str(path) in str(raised.value)
    assert isinstance(raised.value, RuntimeError)
    assert isinstance(raised.value, SpaceError)
    assert path.read_bytes() == content
    assert (path.parent / "trials" / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in path.parent.iterdir()) == ["trials", "trials.db"]


def _foreign_sqlite(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    connection.execute("INSERT INTO contacts VALUES ('Ada', '123')")
    connection.commit()
    connection.close()
    return path.read_bytes()


@pytest.mark.parametrize("overwrite", [False, True])
def test_another_applications_sqlite_file_is_refused_and_left_untouched(tmp_path, overwrite):
    path = _store_path(tmp_path)
    before = _foreign_sqlite(path)
    with pytest.raises(StoreError, match="an SQLite file that is not a spacealg trial store"):
        _search(tmp_path, overwrite=overwrite)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["trials.db"]


def test_an_sqlite_file_with_a_meta_table_of_another_application_is_refused(tmp_path):
    path = _store_path(tmp_path)
    path.parent.mkdir()
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    connection.execute("INSERT INTO meta VALUES ('application', 'someone-else')")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a spacealg trial store"):
        _search(tmp_path, overwrite=True)
    with pytest.raises(StoreError, match="not a spacealg trial store"):
        sa.load(tmp_path, "project")
    assert path.read_bytes() == before


def test_load_refuses_a_foreign_file_too(tmp_path):
    path = _store_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(b"not a database")
    with pytest.raises(StoreError, match="not a spacealg trial store"):
        sa.load(tmp_path, "project")
    assert path.read_bytes() == b"not a database"


def _set_schema_version(path: Path, version: int) -> None:
    connection = sqlite3.connect(path)
    connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    connection.commit()
    connection.close()


def test_a_store_from_a_newer_schema_version_asks_for_an_upgrade(tmp_path):
    _search(tmp_path)
    path = _store_path(tmp_path)
    _set_schema_version(path, SCHEMA_VERSION + 1)
    before = path.read_bytes()
    for attempt in (lambda: _search(tmp_path), lambda: sa.load(tmp_path, "project")):
        with pytest.raises(StoreError) as raised:
            attempt()
        message = str(raised.value)
        assert f"schema version {SCHEMA_VERSION + 1} is newer" in message
        assert "upgrade spacealg" in message
    assert path.read_bytes() == before


def test_a_newer_store_is_refused_even_with_overwrite(tmp_path):
    _search(tmp_path)
    path = _store_path(tmp_path)
    _set_schema_version(path, SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="upgrade spacealg"):
        _search(tmp_path)
    # overwrite=True deletes a spacealg store, whatever its version: it is ours.
    result = _search(tmp_path, overwrite=True)
    assert len(result.trials) == 3


def test_an_empty_file_is_an_empty_store(tmp_path):
    path = _store_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(b"")
    result = _search(tmp_path)
    assert [t.trial_id for t in result.trials] == [0, 1, 2]
    assert path.stat().st_size > 0
    assert sa.load(tmp_path, "project") == result


def test_an_empty_file_with_overwrite_is_an_empty_store(tmp_path):
    path = _store_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(b"")
    assert len(_search(tmp_path, overwrite=True).trials) == 3


def test_an_sqlite_file_without_tables_is_an_empty_store(tmp_path):
    # What a crash between creating the file and committing the schema leaves.
    path = _store_path(tmp_path)
    path.parent.mkdir()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()
    assert path.stat().st_size > 0
    assert len(_search(tmp_path).trials) == 3


# --- load -----------------------------------------------------------------------------------------


def test_load_of_a_missing_project_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="no trial store here") as raised:
        sa.load(tmp_path, "nothing")
    assert str(_store_path(tmp_path, "nothing")) in str(raised.value)
    assert not (tmp_path / "nothing").exists()


def test_load_of_an_empty_store_is_a_store_error(tmp_path):
    path = _store_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(b"")
    with pytest.raises(StoreError):
        sa.load(tmp_path, "project")
    assert path.read_bytes() == b""


def test_load_reads_a_finished_store(tmp_path):
    result = _search(tmp_path, max_trials=5)
    loaded = sa.load(tmp_path, "project")
    assert loaded == result
    assert loaded.objective == sa.Objective("score", "min")
    assert loaded.best_values == result.best_values


def test_load_never_writes_the_database(tmp_path):
    # A WAL reader may create the -wal and -shm side files; the database is unchanged.
    _search(tmp_path)
    path = _store_path(tmp_path)
    before = path.read_bytes()
    sa.load(tmp_path, "project")
    assert path.read_bytes() == before


def test_load_works_while_another_connection_holds_a_write_transaction(tmp_path):
    result = _search(tmp_path, max_trials=4)
    writer = sqlite3.connect(_store_path(tmp_path), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE trials SET score = -100.0")
        writer.execute("DELETE FROM trials WHERE trial_id = 0")
        started = time.monotonic()
        loaded = sa.load(tmp_path, "project")
        assert time.monotonic() - started < 5.0
        assert loaded == result  # the uncommitted changes are invisible
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert len(sa.load(tmp_path, "project").trials) == 3


def test_load_during_an_exclusive_transaction(tmp_path):
    result = _search(tmp_path, max_trials=2)
    writer = sqlite3.connect(_store_path(tmp_path), isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE trials SET state = 'FAILED'")
        assert sa.load(tmp_path, "project") == result
        writer.execute("ROLLBACK")
    finally:
        writer.close()


def test_peek_study_reads_the_study_and_leaves_no_trace(tmp_path):
    _search(tmp_path, max_trials=2)
    path = _store_path(tmp_path)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in path.parent.iterdir()}
    peeked = TrialStore.peek_study(path)
    assert peeked is not None
    study, count = peeked
    assert (json.loads(study.objective), study.seed, count) == (
        {"name": "score", "direction": "min"},
        0,
        2,
    )
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in path.parent.iterdir()}
    assert after == before


def test_peek_study_finds_nothing_where_there_is_no_study(tmp_path):
    path = _store_path(tmp_path)
    assert TrialStore.peek_study(path) is None  # no file
    path.parent.mkdir()
    path.write_bytes(b"my notes")
    assert TrialStore.peek_study(path) is None  # a foreign file, left as it was
    assert path.read_bytes() == b"my notes"
    other = _store_path(tmp_path, "sqlite")
    before = _foreign_sqlite(other)
    assert TrialStore.peek_study(other) is None
    assert other.read_bytes() == before
    assert sorted(p.name for p in other.parent.iterdir()) == ["trials.db"]


def test_store_errors_pickle():
    error = StoreError("load()", "/x/trials.db", "no trial store here")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) == "load(): /x/trials.db: no trial store here"


# --- overwrite ------------------------------------------------------------------------------------


def test_overwrite_deletes_the_store_and_the_artifacts(tmp_path):
    _search(tmp_path, max_trials=5)
    artifacts = _store_path(tmp_path).parent / "trials" / "0"
    artifacts.mkdir(parents=True)
    (artifacts / "model.keras").write_bytes(b"weights")
    other = tmp_path / "project" / "notes.txt"
    other.write_text("kept")
    result = _search(tmp_path, max_trials=2, overwrite=True)
    assert [t.trial_id for t in result.trials] == [0, 1]
    assert not (tmp_path / "project" / "trials").exists()
    assert other.read_text() == "kept"
    assert len(sa.load(tmp_path, "project").trials) == 2


def test_overwrite_touches_only_its_own_project(tmp_path):
    _search(tmp_path, project="a", max_trials=4)
    _search(tmp_path, project="b", max_trials=2, overwrite=True)
    assert len(sa.load(tmp_path, "a").trials) == 4
    assert len(sa.load(tmp_path, "b").trials) == 2


# --- claiming, finishing, releasing ---------------------------------------------------------------


@pytest.fixture
def store(tmp_path):
    opened = TrialStore.open(_store_path(tmp_path))
    opened.record_study(StudyRecord(trial_space="{}", objective="{}", oracle="{}", seed=0))
    yield opened
    opened.close()


def test_claims_number_trials_from_zero_and_record_them_running(store):
    owner = Owner.current()
    first = _claim(store, owner, POINTS)
    second = _claim(store, owner, POINTS)
    assert (first.trial_id, second.trial_id) == (0, 1)
    assert first.values == POINTS[0]
    assert second.values == POINTS[1]
    assert first.state is second.state is TrialState.RUNNING
    assert first.score is None
    assert first.started is not None
    assert first.ended is None


def test_claims_stop_at_max_trials_and_at_exhaustion(store):
    owner = Owner.current()
    for _ in range(3):
        trial = _claim(store, owner, POINTS, max_trials=3)
        store.finish(
            trial.trial_id,
            owner,
            state=TrialState.COMPLETED,
            score=1.0,
            best_step=0,
            metrics={"score": [1.0]},
            error=None,
        )
    assert _claim(store, owner, POINTS, max_trials=3) is None
    for _ in range(2):
        assert _claim(store, owner, POINTS) is not None
    assert _claim(store, owner, POINTS) is None


def test_two_connections_never_claim_the_same_trial(tmp_path, store):
    other = TrialStore.open(store.path)
    try:
        # Two live processes: this one and its parent.
        owners = [Owner.current(), Owner(socket.gethostname(), os.getppid(), "parent")]
        claimed = [
            _claim(connection, owner, POINTS)
            for connection, owner in zip(
                [store, other, store, other, store], owners * 3, strict=False
            )
        ]
        assert _claim(other, owners[1], POINTS) is None
    finally:
        other.close()
    assert [t.trial_id for t in claimed] == [0, 1, 2, 3, 4]
    assert [t.values for t in claimed] == POINTS


def test_finish_records_the_outcome(store):
    owner = Owner.current()
    trial = _claim(store, owner, POINTS)
    store.finish(
        trial.trial_id,
        owner,
        state=TrialState.COMPLETED,
        score=0.25,
        best_step=1,
        metrics={"loss": [0.5, 0.25, 0.3], "acc": [0.1, 0.2, 0.3]},
        error=None,
    )
    (record,) = store.trials()
    assert record.state is TrialState.COMPLETED
    assert record.score == 0.25
    assert record.best_step == 1
    assert record.metrics == {"loss": (0.5, 0.25, 0.3), "acc": (0.1, 0.2, 0.3)}
    assert record.ended is not None
    assert record.ended >= record.started


def test_finish_by_another_owner_is_ignored(store):
    owner = Owner.current()
    trial = _claim(store, owner, POINTS)
    store.finish(
        trial.trial_id,
        Owner.current(),
        state=TrialState.COMPLETED,
        score=1.0,
        best_step=0,
        metrics={},
        error=None,
    )
    assert store.trials()[0].state is TrialState.RUNNING


def test_a_released_trial_is_claimed_again_under_the_same_id_and_values(store):
    owner = Owner.current()
    trial = _claim(store, owner, POINTS)
    store.release(trial.trial_id, owner)
    assert store.trials()[0].state is TrialState.RUNNING
    again = _claim(store, Owner.current(), POINTS)
    assert (again.trial_id, again.values) == (trial.trial_id, trial.values)
    assert len(store.trials()) == 1


def _set_owner(store_path: Path, **columns: object) -> None:
    connection = sqlite3.connect(store_path)
    assignments = ", ".join(f"{name} = ?" for name in columns)
    connection.execute(f"UPDATE trials SET {assignments}", tuple(columns.values()))
    connection.commit()
    connection.close()


def test_a_running_trial_of_a_dead_process_is_stale(store):
    trial = _claim(store, Owner.current(), POINTS)
    _set_owner(store.path, owner_pid=_dead_pid())
    again = _claim(store, Owner.current(), POINTS)
    assert (again.trial_id, again.values) == (trial.trial_id, trial.values)


def test_a_running_trial_of_a_live_process_is_not_stale(store):
    _claim(store, Owner.current(), POINTS)
    # The parent of this process is alive and is not this process.
    _set_owner(store.path, owner_pid=os.getppid())
    assert _claim(store, Owner.current(), POINTS).trial_id == 1


def test_an_earlier_run_of_this_very_process_left_a_stale_trial(store):
    trial = _claim(store, Owner.current(), POINTS)
    again = _claim(store, Owner.current(), POINTS)  # same pid, another token
    assert again.trial_id == trial.trial_id


def test_the_same_run_does_not_reclaim_its_own_running_trial(store):
    owner = Owner.current()
    assert _claim(store, owner, POINTS).trial_id == 0
    assert _claim(store, owner, POINTS).trial_id == 1


def test_another_hosts_trial_is_stale_only_after_its_heartbeat_times_out(store):
    _claim(store, Owner.current(), POINTS)
    _set_owner(store.path, owner_host=socket.gethostname() + "-elsewhere", heartbeat=time.time())
    assert _claim(store, Owner.current(), POINTS, heartbeat_timeout=60.0).trial_id == 1
    _set_owner(store.path, heartbeat=time.time() - 120.0)
    reclaimed = _claim(store, Owner.current(), POINTS, heartbeat_timeout=60.0)
    assert reclaimed.trial_id == 0


def test_a_heartbeat_keeps_a_trial_alive(store):
    owner = Owner(socket.gethostname() + "-elsewhere", 1, "token")
    _claim(store, owner, POINTS)
    _set_owner(store.path, heartbeat=time.time() - 120.0)
    store.heartbeat(0, owner)
    assert _claim(store, Owner.current(), POINTS, heartbeat_timeout=60.0).trial_id == 1


def test_a_rerun_starts_with_no_metrics(store):
    trial = _claim(store, Owner.current(), POINTS)
    _set_owner(store.path, metrics='{"loss": [1.0]}')
    again = _claim(store, Owner.current(), POINTS)
    assert again.trial_id == trial.trial_id
    assert again.metrics == {}


def test_completed_trials_are_never_claimed_again(store):
    owner = Owner.current()
    trial = _claim(store, owner, POINTS)
    store.finish(
        trial.trial_id,
        owner,
        state=TrialState.FAILED,
        score=None,
        best_step=None,
        metrics={},
        error="boom",
    )
    assert _claim(store, Owner.current(), POINTS).trial_id == 1


def test_tried_lists_the_tuned_values_of_every_trial(store):
    owner = Owner.current()
    for _ in range(3):
        _claim(store, owner, POINTS)
    assert store.tried() == POINTS[:3]
