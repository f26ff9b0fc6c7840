"""The store's rows as values: who owns a trial, the study's record, a trial's row.

The ``trials`` table keeps values, metrics and metadata as JSON text; ``record``
reads a row back as a :class:`~spacealg.TrialRecord`.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from spacealg._search.trials import TrialRecord, TrialState
from spacealg._space.values import Values


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


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def as_json(values: Mapping[str, Any]) -> str:
    """A mapping as the JSON text a column holds (NaN allowed, as metrics may hold it)."""
    return json.dumps(dict(values), allow_nan=True)


COLUMNS = "trial_id, trial_values, state, score, metrics, best_step, error, started, ended"


def record(row: tuple[Any, ...]) -> TrialRecord:
    """The trial record of a ``trials`` row selected as ``COLUMNS, meta``."""
    return TrialRecord(
        trial_id=row[0],
        values=Values.from_plain(json.loads(row[1])),
        state=TrialState(row[2]),
        score=row[3],
        metrics=json.loads(row[4]),
        best_step=row[5],
        error=row[6],
        started=row[7],
        ended=row[8],
        meta=json.loads(row[9]),
    )
