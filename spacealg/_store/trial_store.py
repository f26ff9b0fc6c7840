"""The trial store: one SQLite file per project, the single source of truth of a search.

``<directory>/<project_name>/trials.db``, in WAL mode, one transaction per state
change (claim, finish, release). Claiming a trial proposes its values inside a
``BEGIN IMMEDIATE`` transaction, so several processes can share one store and
no configuration is claimed twice. A RUNNING trial whose owner is gone (its
process no longer exists on this host, or its heartbeat is older than the
timeout) is stale and reruns under the same id and values.

Every write transaction ends in :meth:`TrialStore._commit`, the one place a
crash test's store (a subclass, in ``tests/crash_worker.py``) stops its process
between a write's statements and its COMMIT.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from spacealg._search.trials import TrialRecord, TrialState
from spacealg._space.values import Values
from spacealg._store.database_file import (
    check_foreign,
    check_version,
    create_schema,
    migrate,
    unreadable,
    use_wal,
)
from spacealg._store.rows import COLUMNS, Owner, StudyRecord, as_json, process_alive, record
from spacealg.errors import StoreError

STORE_FILE = "trials.db"
ARTIFACTS = "trials"


def artifacts_directory(project: Path, trial_id: int) -> Path:
    """Where trial ``trial_id`` of the project folder ``project`` keeps its artifacts."""
    return project / ARTIFACTS / str(trial_id)


class TrialStore:
    """An open trial store. Use :meth:`open` (read-write) or :meth:`open_readonly`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection = connection
        self._tried: list[Values] = []
        """The tuned values of trials 0, 1, ... as last read: rows are never deleted and
        their tuned values change only when entries join the space, so a claim reads only
        the rows added since, unless the count of joined entries changed."""
        self._revision_seen = "0"
        self._ended: list[tuple[Values, TrialState, float | None, dict[str, int]]] = []
        """The history of trials 0, 1, ... up to the first one still running, as last read:
        a trial that ended is never changed, so :meth:`history` reads only the rows after."""
        self._select_trials = self._selection()

    def _selection(self) -> str:
        """The query of every trial column.

        A store of schema version 1, read as it is, has no ``meta`` column.
        """
        columns = {row[1] for row in self._connection.execute("PRAGMA table_info(trials)")}
        meta = "meta" if "meta" in columns or not columns else "'{}'"
        return f"SELECT {COLUMNS}, {meta} FROM trials"  # noqa: S608 - fixed column names

    # -- opening ------------------------------------------------------------

    @staticmethod
    def location(directory: str | os.PathLike[str], project_name: str) -> Path:
        """``<directory>/<project_name>/trials.db``."""
        return Path(directory) / project_name / STORE_FILE

    @classmethod
    def open(cls, path: Path, *, overwrite: bool = False) -> TrialStore:
        """Open (or create) the store at ``path``; ``overwrite`` starts it clean.

        Raises:
            StoreError: the file is not a spacealg store (never overwritten, even
                with ``overwrite=True``) or is from a newer schema version.
        """
        operation = "TrialStore.open()"
        try:
            check_foreign(path, operation)
            if overwrite:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                shutil.rmtree(path.parent / ARTIFACTS, ignore_errors=True)
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # a file where a folder goes, a name too long
            raise StoreError(
                operation, str(path), f"cannot be created: {error.strerror}"
            ) from error
        try:
            connection = sqlite3.connect(path, isolation_level=None, timeout=60.0)
        except sqlite3.Error as error:
            raise StoreError(operation, str(path), f"cannot be opened: {error}") from error
        store = cls(path, connection)
        try:
            use_wal(connection, timeout=60.0)
            connection.execute("PRAGMA synchronous=NORMAL")
            with store._transaction():
                tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
                if not tables:
                    create_schema(connection)
                elif "meta" in tables:
                    migrate(connection)
            check_version(connection, path, operation)
            store._select_trials = store._selection()  # after a migration
        except BaseException as error:
            connection.close()
            if isinstance(error, sqlite3.Error):
                raise unreadable(operation, path, error) from error
            raise
        return store

    @classmethod
    def open_readonly(cls, path: Path) -> TrialStore:
        """Open an existing store for reading, also while another process writes."""
        operation = "load()"
        try:
            found = path.exists()
            if found:
                check_foreign(path, operation)
        except OSError as error:  # a name too long
            raise StoreError(operation, str(path), f"cannot be read: {error.strerror}") from error
        if not found:
            raise StoreError(operation, str(path), "no trial store here")
        try:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60.0
            )
        except sqlite3.Error as error:
            raise unreadable(operation, path, error) from error
        store = cls(path, connection)
        try:
            check_version(connection, path, operation)
        except BaseException as error:
            connection.close()
            if isinstance(error, sqlite3.Error):
                raise unreadable(operation, path, error) from error
            raise
        return store

    @staticmethod
    def peek_study(path: Path) -> tuple[StudyRecord, int] | None:
        """The study recorded at ``path`` and its number of trials, read without a trace.

        For a check made before a search writes anything: it neither writes nor
        migrates the file, and leaves no side file behind (a read-write connection,
        the last to close, removes the ``-wal`` and ``-shm`` files it made; a
        read-only one leaves them). None when there is no study to read (no file,
        a new or a foreign one): :meth:`open` then says what is wrong, if anything.
        """
        try:
            if not path.is_file():
                return None
        except OSError:  # a name too long (Python 3.11 raises): open() says so
            return None
        try:
            check_foreign(path, "TrialStore.open()")
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None, timeout=60.0
            )
        except (StoreError, sqlite3.Error):
            return None
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            if not {"study", "trials"} <= tables:
                return None
            row = connection.execute(
                "SELECT trial_space, objective, oracle, seed FROM study WHERE id = 1"
            ).fetchone()
            count = connection.execute("SELECT COUNT(*) FROM trials").fetchone()[0]
        except sqlite3.Error:
            return None
        finally:
            connection.close()
        return None if row is None else (StudyRecord(*row), int(count))

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()

    # -- transactions ---------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        self._commit(connection)

    def _commit(self, connection: sqlite3.Connection) -> None:
        """COMMIT the write transaction in progress (its statements have all run)."""
        connection.execute("COMMIT")

    # -- the study ------------------------------------------------------------

    def study(self) -> StudyRecord | None:
        """The recorded study, or None in a new store."""
        row = self._connection.execute(
            "SELECT trial_space, objective, oracle, seed FROM study WHERE id = 1"
        ).fetchone()
        return None if row is None else StudyRecord(*row)

    def record_study(self, study: StudyRecord) -> None:
        """Record (or replace) the study: the given trial space is the one used."""
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO study VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "trial_space = excluded.trial_space, objective = excluded.objective, "
                "oracle = excluded.oracle, seed = excluded.seed",
                (study.trial_space, study.objective, study.oracle, study.seed, time.time()),
            )

    # -- entries declared during trials -------------------------------------------

    def joined(self) -> list[tuple[int, dict[str, Any]]]:
        """The entries declared during trials: (trial id, ``entry_to_dict`` dict), in order."""
        if not self._has_joined_table():
            return []
        rows = self._connection.execute(
            "SELECT trial_id, entry FROM joined ORDER BY position"
        ).fetchall()
        return [(row[0], json.loads(row[1])) for row in rows]

    def joined_count(self) -> int:
        """How many entries joined during trials (cheap: checked before each claim)."""
        if not self._has_joined_table():
            return 0
        return int(self._connection.execute("SELECT COUNT(*) FROM joined").fetchone()[0])

    @staticmethod
    def _revision(connection: sqlite3.Connection) -> str:
        """Changes whenever a finished trial's values change (entries joined during it)."""
        row = connection.execute("SELECT value FROM meta WHERE key = 'values_revision'").fetchone()
        return "0" if row is None else str(row[0])

    def _has_joined_table(self) -> bool:
        # A store of schema version 1 opened read-only has no such table.
        row = self._connection.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'joined'"
        ).fetchone()
        return bool(row[0])

    # -- trials -----------------------------------------------------------------

    def trials(self) -> tuple[TrialRecord, ...]:
        """Every trial, in trial order."""
        rows = self._connection.execute(self._select_trials + " ORDER BY trial_id").fetchall()
        return tuple(record(row) for row in rows)

    def tried(self) -> list[Values]:
        """The tuned values of every trial, in any state."""
        rows = self._connection.execute("SELECT tuned FROM trials ORDER BY trial_id").fetchall()
        return [Values.from_plain(json.loads(row[0])) for row in rows]

    def history(self) -> list[tuple[Values, TrialState, float | None, dict[str, int]]]:
        """Every trial's tuned values, state, score and metadata, in trial order.

        The leading trials that ended are the same objects from one call to the
        next (do not change them): only the rows after them are read and parsed.
        """
        meta = "meta" if "meta" in self._select_trials.split("FROM")[0] else "'{}'"
        ended = self._ended
        query = (
            f"SELECT trial_id, tuned, state, score, {meta} FROM trials "  # noqa: S608 - a fixed column name
            "WHERE trial_id >= ? ORDER BY trial_id"
        )
        rows = self._connection.execute(query, (len(ended),)).fetchall()
        if rows and rows[0][0] != len(ended):  # not the rows this cache assumes: read them all
            ended.clear()
            rows = self._connection.execute(query, (0,)).fetchall()
        start = len(ended)
        parsed = [
            (Values.from_plain(json.loads(row[1])), TrialState(row[2]), row[3], json.loads(row[4]))
            for row in rows
        ]
        for trial in parsed:  # trials that ended never change: keep the leading ones
            if trial[1] is TrialState.RUNNING:
                break
            ended.append(trial)
        return ended + parsed[len(ended) - start :]

    def tuned_values(self, trial_id: int) -> Values:
        """The tuned values trial ``trial_id`` was claimed with."""
        row = self._connection.execute(
            "SELECT tuned FROM trials WHERE trial_id = ?", (trial_id,)
        ).fetchone()
        return Values.from_plain(json.loads(row[0]))

    def _stale(self, row: tuple[Any, ...], owner: Owner, heartbeat_timeout: float) -> bool:
        host, pid, token, heartbeat = row
        if token is None:
            return True
        if heartbeat is not None and heartbeat < time.time() - heartbeat_timeout:
            return True
        if host == owner.host:
            return (pid == owner.pid and token != owner.token) or not process_alive(pid)
        return False

    def claim(
        self,
        propose: Callable[[list[Values]], tuple[Values, Values, Mapping[str, int]] | None],
        owner: Owner,
        *,
        max_trials: int | None,
        heartbeat_timeout: float,
    ) -> TrialRecord | None:
        """Claim the next trial atomically: a stale one to rerun, else a new proposal.

        Args:
            propose: given the tuned values tried so far, the next (tuned, complete)
                values and the trial's metadata, or None when the space is exhausted.
            owner: who will run the trial.
            max_trials: how many trials the store may hold in all (None: no limit).
            heartbeat_timeout: seconds after which a silent trial is stale.

        Returns:
            The claimed trial (RUNNING), or None when there is nothing left to run.
        """
        now = time.time()
        with self._transaction() as connection:
            running = connection.execute(
                "SELECT trial_id, owner_host, owner_pid, owner_token, heartbeat FROM trials "
                "WHERE state = 'RUNNING' ORDER BY trial_id"
            ).fetchall()
            for trial_id, *ownership in running:
                if self._stale(tuple(ownership), owner, heartbeat_timeout):
                    connection.execute(
                        "UPDATE trials SET owner_host = ?, owner_pid = ?, owner_token = ?, "
                        "heartbeat = ?, started = ?, runs = runs + 1, metrics = '{}' "
                        "WHERE trial_id = ?",
                        (owner.host, owner.pid, owner.token, now, now, trial_id),
                    )
                    return self._trial(trial_id)
            count = self.count()
            if max_trials is not None and count >= max_trials:
                return None
            proposal = propose(self._tried_so_far(connection, count))
            if proposal is None:
                return None
            tuned, complete, meta = proposal
            connection.execute(
                "INSERT INTO trials (trial_id, tuned, trial_values, meta, state, started, "
                "owner_host, owner_pid, owner_token, heartbeat) "
                "VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?)",
                (
                    count,
                    as_json(tuned),
                    as_json(complete),
                    as_json(meta),
                    now,
                    owner.host,
                    owner.pid,
                    owner.token,
                    now,
                ),
            )
            return self._trial(count)

    def _tried_so_far(self, connection: sqlite3.Connection, count: int) -> list[Values]:
        """The tuned values of the ``count`` trials, parsing only rows not read before."""
        known = self._tried
        revision = self._revision(connection)
        if revision != self._revision_seen:  # finished trials' tuned values gained joined entries
            known.clear()
            self._revision_seen = revision
        rows = connection.execute(
            "SELECT tuned FROM trials WHERE trial_id >= ? ORDER BY trial_id", (len(known),)
        ).fetchall()
        if len(known) + len(rows) != count:  # not the rows this cache assumes: read them all
            known.clear()
            rows = connection.execute("SELECT tuned FROM trials ORDER BY trial_id").fetchall()
        known.extend(Values.from_plain(json.loads(row[0])) for row in rows)
        return list(known)  # a copy: propose may keep or change what it is given

    def _trial(self, trial_id: int) -> TrialRecord:
        row = self._connection.execute(
            self._select_trials + " WHERE trial_id = ?", (trial_id,)
        ).fetchone()
        return record(row)

    def heartbeat(self, trial_id: int, owner: Owner) -> None:
        """Tell other processes the trial's owner is alive."""
        with self._transaction() as connection:
            connection.execute(
                "UPDATE trials SET heartbeat = ? WHERE trial_id = ? AND owner_token = ?",
                (time.time(), trial_id, owner.token),
            )

    def finish(
        self,
        trial_id: int,
        owner: Owner,
        *,
        state: TrialState,
        score: float | None,
        best_step: int | None,
        metrics: Mapping[str, Sequence[float]],
        error: str | None,
        joined: Sequence[tuple[str, Mapping[str, Any]]] = (),
        values: tuple[Values, Values] | None = None,
        meta: Mapping[str, int] | None = None,
    ) -> None:
        """Record a trial's end, in one transaction.

        Args:
            trial_id: the trial.
            owner: who ran it (a trial another owner took over is left alone).
            state: how it ended.
            score: the objective's best value, or None.
            best_step: the step of that value, or None.
            metrics: every metric's per-step values.
            error: why it failed or was skipped, or None.
            joined: (name, entry dict) of the entries the trial declared that the
                space lacked; a name joined before (by another process) is kept as is.
            values: the trial's (tuned, complete) values with the joined entries'
                values added, replacing the claimed ones.
            meta: keys to add to the trial's metadata (its retries and their seeds).
        """
        with self._transaction() as connection:
            if meta:
                row = connection.execute(
                    "SELECT meta FROM trials WHERE trial_id = ? AND owner_token = ?",
                    (trial_id, owner.token),
                ).fetchone()
                if row is not None:
                    connection.execute(
                        "UPDATE trials SET meta = ? WHERE trial_id = ? AND owner_token = ?",
                        (as_json({**json.loads(row[0]), **meta}), trial_id, owner.token),
                    )
            connection.executemany(
                "INSERT OR IGNORE INTO joined (name, entry, trial_id) VALUES (?, ?, ?)",
                [(name, json.dumps(entry), trial_id) for name, entry in joined],
            )
            if values is not None:
                connection.execute(
                    "UPDATE trials SET tuned = ?, trial_values = ? "
                    "WHERE trial_id = ? AND owner_token = ?",
                    (as_json(values[0]), as_json(values[1]), trial_id, owner.token),
                )
                connection.execute(
                    "INSERT INTO meta VALUES ('values_revision', '1') ON CONFLICT(key) "
                    "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
                )
            connection.execute(
                "UPDATE trials SET state = ?, score = ?, best_step = ?, metrics = ?, error = ?, "
                "ended = ?, owner_token = NULL WHERE trial_id = ? AND owner_token = ?",
                (
                    state.value,
                    score,
                    best_step,
                    json.dumps(dict(metrics)),
                    error,
                    time.time(),
                    trial_id,
                    owner.token,
                ),
            )

    def release(self, trial_id: int, owner: Owner) -> None:
        """Give a RUNNING trial back (after a Ctrl-C): the next run reruns it."""
        with self._transaction() as connection:
            connection.execute(
                "UPDATE trials SET owner_token = NULL WHERE trial_id = ? AND owner_token = ?",
                (trial_id, owner.token),
            )

    # -- reading a running study cheaply ------------------------------------------

    def tally(
        self, direction: str
    ) -> tuple[dict[str, int], float | None, float | None, float | None]:
        """Counts by state, the best score, the first start and the last end, in one query.

        ``direction`` is "min" or "max". A live view reads this each second.
        """
        rows = self._connection.execute(
            "SELECT state, COUNT(*), MIN(score), MAX(score), MIN(started), MAX(ended) "
            "FROM trials GROUP BY state"
        ).fetchall()
        counts = {str(row[0]): int(row[1]) for row in rows}
        best = None
        starts = [row[4] for row in rows if row[4] is not None]
        ends = [row[5] for row in rows if row[5] is not None]
        for row in rows:
            if row[0] == "COMPLETED":
                best = row[2] if direction == "min" else row[3]
        return counts, best, min(starts, default=None), max(ends, default=None)

    def count(self) -> int:
        """How many trials the store holds, in any state.

        Trials are numbered 0, 1, ... as they are claimed, so the count is one past
        the last id: a lookup, where ``COUNT(*)`` reads the whole table.
        """
        row = self._connection.execute("SELECT COALESCE(MAX(trial_id) + 1, 0) FROM trials")
        return int(row.fetchone()[0])

    def best_trial(self, direction: str) -> TrialRecord | None:
        """The best completed trial (ties: the earliest), or None, in one query."""
        order = "ASC" if direction == "min" else "DESC"
        row = self._connection.execute(
            self._select_trials + " WHERE state = 'COMPLETED' AND score IS NOT NULL "
            f"ORDER BY score {order}, trial_id LIMIT 1"
        ).fetchone()
        return None if row is None else record(row)
