"""A search run as a separate process by ``tests/test_crash.py`` (it prints nothing).

    python tests/crash_worker.py [--crash-at=N] DIRECTORY PROJECT SEED MAX_TRIALS SLEEP LOG ORACLE \
        [READY GO]

Runs a search of ``SPACE`` with the oracle named ``ORACLE`` (``random``, ``tpe``,
``bayesian``, with its default settings) on the store at ``DIRECTORY/PROJECT/trials.db``.
The objective appends one line ``"<trial_id> <values as JSON>"`` to ``LOG`` each
time a trial starts (one ``write`` to a file opened for appending, so lines of
processes killed at any moment or running side by side never interleave), then
sleeps ``SLEEP`` seconds and returns a score computed from the values alone.
With ``READY`` and ``GO``, the worker creates ``READY`` once imported and
waits for ``GO`` to exist before it opens the store, so that several workers
start at the same moment.

With ``--crash-at=N`` the search's store is a :func:`crashing_store`: the worker
kills itself with SIGKILL between the store's N-th write and that write's COMMIT
(1: creating the store, 2: recording the study, then a claim or a finish each).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

from spacealg import Choice, Float, Int, Objective, Space, Study, Values, resolve
from spacealg._running import study as study_module
from spacealg._store.trial_store import TrialStore
from spacealg.backend import Trial
from spacealg.oracles import HyperbandOracle, as_oracle

SPACE = Space(
    [
        Float("learning_rate", min_value=1e-5, max_value=1e-1, sampling="log"),
        Float("dropout", min_value=0.0, max_value=0.5),
        Int("units", min_value=1, max_value=4096),
        Choice("activation", values=["relu", "tanh", "gelu"]),
    ]
)


def line(trial_id: int, values: Values) -> str:
    """The start-log line of a trial."""
    return f"{trial_id} {json.dumps(dict(values), sort_keys=True)}\n"


def score(values: Values) -> float:
    """A deterministic score of the values."""
    return float(values["learning_rate"]) * float(values["units"]) + float(values["dropout"])


class LoggingBackend:
    """Logs each trial's start, sleeps, and scores the values."""

    def __init__(self, log: str, sleep: float) -> None:
        self.log = log
        self.sleep = sleep

    def run_trial(self, trial: Trial) -> float:
        """Log the start, sleep, score."""
        descriptor = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, line(trial.trial_id, trial.values).encode())
        finally:
            os.close(descriptor)
        time.sleep(self.sleep)
        return score(trial.values)


def crashing_store(crash_at: int) -> type[TrialStore]:
    """A ``TrialStore`` that SIGKILLs its process between its ``crash_at``-th write and COMMIT."""

    class CrashingStore(TrialStore):
        writes = 0

        def _commit(self, connection: sqlite3.Connection) -> None:
            self.writes += 1
            if self.writes == crash_at:
                os.kill(os.getpid(), signal.SIGKILL)
            super()._commit(connection)

    return CrashingStore


def crash_at(write: int) -> None:
    """Make this process's searches write to a store that crashes at its ``write``-th write.

    Only the search opens its store read-write through ``Study.run``; this process
    is a test's worker, so replacing the store class it uses there is its own business.
    """
    study_module.TrialStore = crashing_store(write)  # type: ignore[misc]


ORACLES = {
    # Small brackets, so that 40 trials go through several rounds of promotions.
    "hyperband": HyperbandOracle(max_epochs=9, factor=3, hyperband_iterations=2),
    "asha": HyperbandOracle(max_epochs=9, factor=3, asynchronous=True),
}


def study(
    directory: str, project: str, seed: int, log: str, sleep: float, oracle: str = "random"
) -> Study:
    """The study every worker (and the uninterrupted reference) runs."""
    return Study(
        trial_space=resolve(SPACE),
        backend=LoggingBackend(log, sleep),
        objective=Objective("score", "min"),
        oracle=ORACLES.get(oracle) or as_oracle(oracle, "crash_worker"),
        directory=Path(directory),
        project_name=project,
        seed=seed,
    )


def main(argv: list[str]) -> None:
    """Run the search the arguments describe."""
    if argv and argv[0].startswith("--crash-at="):
        crash_at(int(argv[0].removeprefix("--crash-at=")))
        argv = argv[1:]
    directory, project, seed, max_trials, sleep, log, oracle = argv[:7]
    if len(argv) == 9:
        ready, go = Path(argv[7]), Path(argv[8])
        ready.touch()
        deadline = time.monotonic() + 30.0
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.001)
    study(directory, project, int(seed), log, float(sleep), oracle).run(int(max_trials), verbose=0)


if __name__ == "__main__":
    main(sys.argv[1:])
