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

from ._trials import TrialRecord, TrialState
from ._values import Values
from .errors import StoreError

SCHEMA_VERSION = 1
APPLICATION = "spacealg"
STORE_FILE = "trials.db"
ARTIFACTS = "trials"
_SQLITE_HEADER = b"SQLite format 3\x00"
_CRASH_AT = "SPACEALG_STORE_CRASH_AT"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE study (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    trial_space TEXT NOT NULL,
    objective TEXT NOT NULL,
    oracle TEXT NOT NULL,
    seed INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE trials (
    trial_id INTEGER PRIMARY KEY,
    tuned TEXT NOT NULL,
    trial_values TEXT NOT NULL,
    state TEXT NOT NULL,
    score REAL,
    best_step INTEGER,
    metrics TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    started REAL,
    ended REAL,
    owner_host TEXT,
    owner_pid INTEGER,
    owner_token TEXT,
    heartbeat REAL,
    runs INTEGER NOT NULL DEFAULT 1
);
"""


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


def _busy(error: sqlite3.Error) -> bool:
    return error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _unreadable(operation: str, path: Path, error: sqlite3.Error) -> StoreError:
    if _busy(error):
        problem = f"cannot be opened ({error}): another process holds it locked"
    else:
        problem = (
            f"an SQLite file that cannot be read as a trial store ({error}): corrupt or truncated"
        )
    return StoreError(operation, str(path), problem + "; left untouched")


def _use_wal(connection: sqlite3.Connection, timeout: float) -> None:
    """Switch to WAL mode, retrying while other processes hold locks.

    Two processes switching a new store to WAL at once can deadlock on its locks;
    SQLite then answers "database is locked" at once instead of calling the busy
    handler, so the switch is retried here.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if not _busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)
        else:
            return


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
        cls._check_foreign(path, operation)
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
            _use_wal(connection, timeout=60.0)
            connection.execute("PRAGMA synchronous=NORMAL")
            with store._transaction():
                tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
                if not tables:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            connection.execute(statement)
                    connection.executemany(
                        "INSERT INTO meta VALUES (?, ?)",
                        [("application", APPLICATION), ("schema_version", str(SCHEMA_VERSION))],
                    )
            store._check_version(operation)
        except BaseException as error:
            connection.close()
            if isinstance(error, sqlite3.Error):
                raise _unreadable(operation, path, error) from error
            raise
        return store

    @classmethod
    def open_readonly(cls, path: Path) -> TrialStore:
        """Open an existing store for reading, also while another process writes."""
        operation = "load()"
        if not path.exists():
            raise StoreError(operation, str(path), "no trial store here")
        cls._check_foreign(path, operation)
        try:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60.0
            )
        except sqlite3.Error as error:
            raise _unreadable(operation, path, error) from error
        store = cls(path, connection)
        try:
            store._check_version(operation)
        except BaseException as error:
            connection.close()
            if isinstance(error, sqlite3.Error):
                raise _unreadable(operation, path, error) from error
            raise
        return store

    @staticmethod
    def _check_foreign(path: Path, operation: str) -> None:
        if not path.exists() or path.stat().st_size == 0:
            return
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
        if header != _SQLITE_HEADER:
            raise StoreError(
                operation,
                str(path),
                "not a spacealg trial store (not an SQLite file); left untouched",
            )
        try:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60.0
            )
            try:
                check = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
                tables = {
                    row[0]
                    for row in connection.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                    )
                }
                row = (
                    connection.execute(
                        "SELECT value FROM meta WHERE key = 'application'"
                    ).fetchone()
                    if "meta" in tables
                    else None
                )
            finally:
                connection.close()
        except sqlite3.Error as error:
            raise _unreadable(operation, path, error) from error
        if check != "ok":
            raise StoreError(
                operation,
                str(path),
                f"a corrupt SQLite file ({' '.join(check.split())}); left untouched",
            )
        if not tables:
            # An SQLite file with no tables yet: a store whose creation was cut
            # short (a crash) or is under way in another process. Empty, like a
            # 0-byte file.
            return
        if row is None or row[0] != APPLICATION:
            raise StoreError(
                operation,
                str(path),
                "an SQLite file that is not a spacealg trial store; left untouched",
            )

    def _check_version(self, operation: str) -> None:
        tables = self._connection.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'meta'"
        ).fetchone()[0]
        if not tables:
            raise StoreError(operation, str(self.path), "an empty trial store: no search ran here")
        row = self._connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        if row is None:
            raise StoreError(operation, str(self.path), "the store records no schema version")
        version = int(row[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                operation,
                str(self.path),
                f"schema version {version} is newer than this spacealg reads "
                f"({SCHEMA_VERSION}); upgrade spacealg",
            )

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
