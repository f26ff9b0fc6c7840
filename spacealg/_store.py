"""The trial store: one SQLite file per project, the single source of truth of a search.

``<directory>/<project_name>/trials.db``, in WAL mode, one transaction per state
change (claim, finish, release). Claiming a trial proposes its values inside a
``BEGIN IMMEDIATE`` transaction, so several processes can share one store and
no configuration is claimed twice. A RUNNING trial whose owner is gone (its
process no longer exists on this host, or its heartbeat is older than the
timeout) is stale and reruns under the same id and values.

The test-only environment variable ``SPACEALG_STORE_CRASH_AT`` (a number N)
kills the process with SIGKILL between the N-th write and its commit.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from ._store_file import (
    check_foreign,
    check_version,
    create_schema,
    unreadable,
    use_wal,
)
from ._trials import TrialRecord, TrialState
from ._values import Values
from .errors import StoreError

STORE_FILE = "trials.db"
ARTIFACTS = "trials"
_CRASH_AT = "SPACEALG_STORE_CRASH_AT"


@attrs.frozen
class Owner:
    """Who runs a trial: a host, a process and a token unique to one search run."""

    host: str
    pid: int
    token: str

    @classmethod
    def current(cls) -> Owner:
        """This process, with a fresh token."""
        return cls(socket.gethostname(), os.getpid(), uuid.uuid4().hex)


@attrs.frozen
class StudyRecord:
    """What a store records about its study, as JSON text where structured."""

    trial_space: str
    objective: str
    oracle: str
    seed: int


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _json(values: Mapping[str, Any]) -> str:
    return json.dumps(dict(values), allow_nan=True)


_SELECT_TRIALS = (
    "SELECT trial_id, trial_values, state, score, metrics, best_step, error, started, "
    "ended FROM trials"
)


def _record(row: tuple[Any, ...]) -> TrialRecord:
    return TrialRecord(
        trial_id=row[0],
        values=Values(json.loads(row[1])),
        state=TrialState(row[2]),
        score=row[3],
        metrics=json.loads(row[4]),
        best_step=row[5],
        error=row[6],
        started=row[7],
        ended=row[8],
    )


class TrialStore:
    """An open trial store. Use :meth:`open` (read-write) or :meth:`open_readonly`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection = connection
        self._writes = 0
        self._tried: list[Values] = []
        """The tuned values of trials 0, 1, ... as last read: rows are never deleted and
        their tuned values never change, so a claim reads only the rows added since."""

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
        check_foreign(path, operation)
        if overwrite:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.rmtree(path.parent / ARTIFACTS, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
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
            check_version(connection, path, operation)
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
        if not path.exists():
            raise StoreError(operation, str(path), "no trial store here")
        check_foreign(path, operation)
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
        self._writes += 1
        crash_at = os.environ.get(_CRASH_AT)
        if crash_at is not None and self._writes == int(crash_at):
            os.kill(os.getpid(), signal.SIGKILL)
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

    # -- trials -----------------------------------------------------------------

    def trials(self) -> tuple[TrialRecord, ...]:
        """Every trial, in trial order."""
        rows = self._connection.execute(_SELECT_TRIALS + " ORDER BY trial_id").fetchall()
        return tuple(_record(row) for row in rows)

    def tried(self) -> list[Values]:
        """The tuned values of every trial, in any state."""
        rows = self._connection.execute("SELECT tuned FROM trials ORDER BY trial_id").fetchall()
        return [Values(json.loads(row[0])) for row in rows]

    def outcomes(self) -> list[tuple[TrialState, float | None]]:
        """Each trial's state and score, in trial order.

        Called by a ``propose`` given to :meth:`claim`, it reads inside the claim's
        transaction, so it sees the same trials as the tuned values ``propose`` got.
        """
        rows = self._connection.execute(
            "SELECT state, score FROM trials ORDER BY trial_id"
        ).fetchall()
        return [(TrialState(state), score) for state, score in rows]

    def _stale(self, row: tuple[Any, ...], owner: Owner, heartbeat_timeout: float) -> bool:
        host, pid, token, heartbeat = row
        if token is None:
            return True
        if heartbeat is not None and heartbeat < time.time() - heartbeat_timeout:
            return True
        if host == owner.host:
            return (pid == owner.pid and token != owner.token) or not _process_alive(pid)
        return False

    def claim(
        self,
        propose: Callable[[list[Values]], tuple[Values, Values] | None],
        owner: Owner,
        *,
        max_trials: int | None,
        heartbeat_timeout: float,
    ) -> TrialRecord | None:
        """Claim the next trial atomically: a stale one to rerun, else a new proposal.

        Args:
            propose: given the tuned values tried so far, the next (tuned, complete)
                values, or None when the space is exhausted.
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
            count = connection.execute("SELECT COUNT(*) FROM trials").fetchone()[0]
            if max_trials is not None and count >= max_trials:
                return None
            proposal = propose(self._tried_so_far(connection, count))
            if proposal is None:
                return None
            tuned, complete = proposal
            connection.execute(
                "INSERT INTO trials (trial_id, tuned, trial_values, state, started, owner_host, "
                "owner_pid, owner_token, heartbeat) VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?)",
                (
                    count,
                    _json(tuned),
                    _json(complete),
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
        rows = connection.execute(
            "SELECT tuned FROM trials WHERE trial_id >= ? ORDER BY trial_id", (len(known),)
        ).fetchall()
        if len(known) + len(rows) != count:  # not the rows this cache assumes: read them all
            known.clear()
            rows = connection.execute("SELECT tuned FROM trials ORDER BY trial_id").fetchall()
        known.extend(Values(json.loads(row[0])) for row in rows)
        return list(known)  # a copy: propose may keep or change what it is given

    def _trial(self, trial_id: int) -> TrialRecord:
        row = self._connection.execute(
            _SELECT_TRIALS + " WHERE trial_id = ?", (trial_id,)
        ).fetchone()
        return _record(row)

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
        metrics: Mapping[str, list[float]],
        error: str | None,
    ) -> None:
        """Record a trial's end, in one transaction."""
        with self._transaction() as connection:
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
