"""The store's file: recognising, checking and creating a spacealg SQLite file.

A file at the store path is used only when it is empty, an SQLite file with no
tables yet (a creation cut short), or a spacealg store of a schema version this
spacealg reads; anything else is refused and left untouched.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from spacealg.errors import StoreError

SCHEMA_VERSION = 2
APPLICATION = "spacealg"
_SQLITE_HEADER = b"SQLite format 3\x00"

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
    runs INTEGER NOT NULL DEFAULT 1,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE joined (
    position INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    entry TEXT NOT NULL,
    trial_id INTEGER NOT NULL
);
"""
_JOINED = _SCHEMA[_SCHEMA.index("CREATE TABLE joined") :]
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS trials_running ON trials (trial_id) WHERE state = 'RUNNING'",
    (
        "CREATE INDEX IF NOT EXISTS trials_best ON trials (score, trial_id) "
        "WHERE state = 'COMPLETED' AND score IS NOT NULL"
    ),
)
"""The running trials (a claim's first look) and the scored ones by score (the best
trial): lookups of a few rows, however long the history."""


def create_schema(connection: sqlite3.Connection) -> None:
    """Create the tables of a new store (inside the caller's transaction)."""
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            connection.execute(statement)
    for index in _INDEXES:
        connection.execute(index)
    connection.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("application", APPLICATION), ("schema_version", str(SCHEMA_VERSION))],
    )


def migrate(connection: sqlite3.Connection) -> None:
    """Bring a store of an older schema version to this one (inside the caller's transaction).

    Version 2 added the ``joined`` table (entries declared during trials) and the
    trials' ``meta`` column (an oracle's metadata, such as Hyperband's budget).
    The indexes of running trials and of scores came later, within version 2: an
    index changes no row and every reader ignores it, so a store that lacks them
    gains them here.
    """
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is not None and int(row[0]) == 1:
        connection.execute(_JOINED)
        connection.execute("ALTER TABLE trials ADD COLUMN meta TEXT NOT NULL DEFAULT '{}'")
        connection.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
        )
    if row is not None and int(row[0]) <= SCHEMA_VERSION:
        for index in _INDEXES:
            connection.execute(index)


def busy(error: sqlite3.Error) -> bool:
    return error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def unreadable(operation: str, path: Path, error: sqlite3.Error) -> StoreError:
    if busy(error):
        problem = f"cannot be opened ({error}): another process holds it locked"
    else:
        problem = (
            f"an SQLite file that cannot be read as a trial store ({error}): corrupt or truncated"
        )
    return StoreError(operation, str(path), problem + "; left untouched")


def use_wal(connection: sqlite3.Connection, timeout: float) -> None:
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
            if not busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)
        else:
            return


def check_foreign(path: Path, operation: str) -> None:
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
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60.0)
        try:
            check = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            row = (
                connection.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
                if "meta" in tables
                else None
            )
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise unreadable(operation, path, error) from error
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


def check_version(connection: sqlite3.Connection, path: Path, operation: str) -> None:
    tables = connection.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'meta'"
    ).fetchone()[0]
    if not tables:
        raise StoreError(operation, str(path), "an empty trial store: no search ran here")
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise StoreError(operation, str(path), "the store records no schema version")
    version = int(row[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            operation,
            str(path),
            f"schema version {version} is newer than this spacealg reads "
            f"({SCHEMA_VERSION}); upgrade spacealg",
        )
