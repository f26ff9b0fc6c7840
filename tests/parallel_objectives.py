"""Objectives and a backend that ``tests/test_parallel.py`` runs on worker processes.

They live in their own module, which imports only spacealg, so that a spawned
worker (or a Dask worker) that unpickles them imports little: pytest's test
modules would bring the whole test environment along.
"""

from __future__ import annotations

import json
import os
import signal
import time
import zlib
from pathlib import Path

import attrs

import spacealg as sa
from spacealg.backend import Trial

SPACE = sa.Space(
    [
        sa.Float("learning_rate", min_value=1e-5, max_value=1e-1, sampling="log"),
        sa.Int("units", min_value=1, max_value=4096),
        sa.Choice("activation", values=["relu", "tanh", "gelu"]),
    ]
)

FINITE = sa.Space(
    [
        sa.Int("units", min_value=32, max_value=128, step=32),
        sa.Choice("activation", values=["relu", "tanh"]),
        sa.Boolean("dropout"),
    ]
)


def score(values: sa.Values) -> float:
    """A score computed from the values alone (the same in every process)."""
    text = json.dumps(dict(values), sort_keys=True).encode()
    return zlib.crc32(text) % 100_000 / 1000.0


@attrs.frozen
class Logged:
    """Appends ``"<pid> <values as JSON>"`` to ``log`` as a trial starts, sleeps, scores.

    With ``kill``, the first trial to start (of any process) creates that file,
    writes its values there and kills its own process with SIGKILL, mid-trial:
    the search must run it again. With ``always`` too, that trial kills its
    process every time it runs.
    """

    log: str
    sleep: float = 0.05
    kill: str | None = None
    always: bool = False

    def __call__(self, values: sa.Values) -> float:
        text = json.dumps(dict(values), sort_keys=True)
        with Path(self.log).open("a") as log:
            log.write(f"{os.getpid()} {text}\n")
        if self.kill is not None:
            try:
                marker = os.open(self.kill, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                if self.always and Path(self.kill).read_text() == text:
                    os.kill(os.getpid(), signal.SIGKILL)
            else:
                os.write(marker, text.encode())
                os.close(marker)
                os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(self.sleep)
        return score(values)


def die() -> None:
    """Kill the worker process this runs in (it breaks a process pool)."""
    os.kill(os.getpid(), signal.SIGKILL)


def device(values: sa.Values) -> dict[str, float]:
    """The device the worker was given, as a metric (and a score)."""
    time.sleep(0.2)
    return {"score": score(values), "device": float(os.environ["CUDA_VISIBLE_DEVICES"])}


def failing(values: sa.Values) -> float:
    """Every trial fails."""
    raise ValueError(f"no good: {values['units']}")


@attrs.frozen
class ReportingBackend:
    """Reports three steps, declares ``extra`` (which the space lacks) and returns nothing."""

    def run_trial(self, trial: Trial) -> None:
        hp = sa.HyperParameters(
            trial.values,
            tailoring=trial.space.tuned,
            declared=trial.space.declared,
            allow_new_entries=trial.space.allow_new_entries,
        )
        units = hp.Choice("units", [8, 16, 32])
        extra = hp.Int("extra", min_value=1, max_value=3)
        trial.declared(hp.space)
        for step in range(3):
            trial.report(step, {"loss": float(units + extra + step), "pid": float(os.getpid())})


def budgeted(values: sa.Values, budget: int) -> float:
    """Hyperband's function: better with a larger budget."""
    return score(values) / budget
