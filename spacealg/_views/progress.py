"""A running study at a glance: what ``spacealg watch`` shows each refresh.

One snapshot is two small queries on a read-only connection (counts by state
with the best score and time span, then the best trial's row), whatever the
number of trials, so watching costs the writing search next to nothing.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import attrs

from spacealg._search.objective import Objective
from spacealg._search.trials import TrialRecord
from spacealg._space.frozen_mapping import FrozenMapping, frozen_mapping
from spacealg._store.trial_store import TrialStore


def _counts(counts: Mapping[str, int]) -> FrozenMapping[str, int]:
    return frozen_mapping(counts)


@attrs.frozen(kw_only=True)
class Snapshot:
    """What a study's store holds at one moment.

    Attributes:
        counts: trials by state (RUNNING, COMPLETED, FAILED, INVALID).
        best: the best completed trial, or None.
        first_start: when the first trial started, or None.
        last_end: when the last trial ended, or None.
        taken: when the snapshot was read (seconds since the epoch).
    """

    counts: Mapping[str, int] = attrs.field(converter=_counts)
    best: TrialRecord | None
    first_start: float | None
    last_end: float | None
    taken: float

    @property
    def finished(self) -> int:
        """Trials that ended (completed, failed or invalid)."""
        return sum(n for state, n in self.counts.items() if state != "RUNNING")

    @property
    def total(self) -> int:
        """Every trial in the store."""
        return sum(self.counts.values())

    def rate(self) -> float | None:
        """Finished trials per second since the first trial started, or None."""
        if self.first_start is None or not self.finished:
            return None
        elapsed = max(self.taken, self.last_end or 0.0) - self.first_start
        return self.finished / elapsed if elapsed > 0 else None

    def eta(self, max_trials: int | None) -> float | None:
        """Seconds until ``max_trials`` trials have finished at the current rate, or None."""
        rate = self.rate()
        if max_trials is None or rate is None:
            return None
        return max(0, max_trials - self.finished) / rate


def snapshot(store: TrialStore, objective: Objective) -> Snapshot:
    """Read the store's counts, best trial and time span now."""
    counts, _, first, last = store.tally(objective.direction)
    return Snapshot(
        counts=counts,
        best=store.best_trial(objective.direction),
        first_start=first,
        last_end=last,
        taken=time.time(),
    )


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:d}h {whole % 3600 // 60:02d}m {whole % 60:02d}s"


def render(shot: Snapshot, objective: Objective, *, project: str, max_trials: int | None) -> str:
    """The snapshot as the lines ``spacealg watch`` prints."""
    counts = shot.counts
    done = counts.get("COMPLETED", 0)
    of = f" of {max_trials}" if max_trials is not None else ""
    lines = [
        (
            f"{project}: {shot.total}{of} trials: {done} completed, {counts.get('RUNNING', 0)} "
            f"running, {counts.get('FAILED', 0)} failed, {counts.get('INVALID', 0)} invalid"
        ),
    ]
    best = shot.best
    if best is None:
        lines.append(f"best {objective.name} ({objective.direction}): none yet")
    else:
        values = ", ".join(f"{name}={value!r}" for name, value in best.values.items())
        lines.append(
            f"best {objective.name} ({objective.direction}): {best.score!r} "
            f"(trial {best.trial_id}: {values})"
        )
    rate = shot.rate()
    line = "rate: -" if rate is None else f"rate: {rate * 60:.3g} trials/min"
    eta = shot.eta(max_trials)
    if eta is not None:
        line += f", about {_clock(eta)} to {max_trials} trials"
    lines.append(line)
    lines.append(time.strftime("read at %H:%M:%S (Ctrl-C leaves)", time.localtime(shot.taken)))
    return "".join(f"{line}\n" for line in lines)
