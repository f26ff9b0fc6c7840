"""Trial records and search results: what a search leaves behind."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from spacealg._algebra.resolve import TrialSpace
from spacealg._search.objective import Objective
from spacealg._space.frozen_mapping import FrozenMapping, frozen_mapping
from spacealg._space.validation import check_instance, check_items
from spacealg._space.values import Values
from spacealg.errors import MissingDependencyError, NoCompletedTrialError


class TrialState(enum.StrEnum):
    """Where a trial stands. ``INVALID`` marks a NaN score or a skipped combination."""

    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    INVALID = "INVALID"


def trial_meta(meta: Mapping[str, int]) -> FrozenMapping[str, int]:
    """A trial's metadata as an immutable mapping (the converter of every ``meta`` field)."""
    return frozen_mapping(meta)


@attrs.frozen
class Proposal:
    """An oracle's proposal with trial metadata (a budget, say) recorded beside its values.

    Oracles may return plain :class:`Values`; one that schedules budgets
    (Hyperband) returns a ``Proposal``. The metadata is recorded with the
    trial (``TrialRecord.meta``), passed to the backend (``Trial.meta``), and is
    never part of the space.

    Attributes:
        values: the tuned values to try.
        meta: names to ints, such as ``{"tuner/epochs": 3}`` (any mapping given is
            kept as an immutable, hashable :class:`FrozenMapping`).
    """

    values: Values
    meta: Mapping[str, int] = attrs.field(factory=FrozenMapping, converter=trial_meta)


def metric_steps(metrics: Mapping[str, Any]) -> FrozenMapping[str, tuple[float, ...]]:
    """Each metric's per-step values as a tuple of floats, in an immutable mapping."""
    return FrozenMapping((name, tuple(float(v) for v in steps)) for name, steps in metrics.items())


@attrs.frozen
class TrialRecord:
    """One trial as the store keeps it.

    Attributes:
        trial_id: the trial's number, 0-based, in the order trials were started.
        values: the values the trial ran with (tuned values plus active pinned defaults).
        state: RUNNING, COMPLETED, FAILED or INVALID.
        score: the objective's best step value, or None.
        metrics: each metric's value per step.
        best_step: the step the score comes from, or None.
        error: the error and its traceback when the trial failed, else None.
        started: when it started (seconds since the epoch), or None.
        ended: when it ended, or None.
        meta: the oracle's metadata for the trial (Hyperband's ``tuner/epochs``,
            ``tuner/bracket``, ...), empty for most oracles.
    """

    trial_id: int
    values: Values
    state: TrialState
    score: float | None = None
    metrics: Mapping[str, tuple[float, ...]] = attrs.field(
        factory=FrozenMapping, converter=metric_steps
    )
    best_step: int | None = None
    error: str | None = None
    started: float | None = None
    ended: float | None = None
    meta: Mapping[str, int] = attrs.field(factory=FrozenMapping, converter=trial_meta)

    def to_record(self) -> dict[str, Any]:
        """A flat dict (``trial_id``, ``state``, ``score``, then one key per value)."""
        record: dict[str, Any] = {
            "trial_id": self.trial_id,
            "state": self.state.value,
            "score": self.score,
            "best_step": self.best_step,
        }
        record.update(self.values)
        return record


def _trial_space(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_instance("SearchResult()", attribute.name, value, TrialSpace, "a TrialSpace, or None")


def _oracle(value: Mapping[str, Any]) -> FrozenMapping[str, Any]:
    check_instance("SearchResult()", "oracle", value, Mapping, "a mapping, such as {}")
    return frozen_mapping(value)


def _records(trials: Iterable[TrialRecord]) -> tuple[TrialRecord, ...]:
    check_items("SearchResult()", "trials", trials, "an iterable of TrialRecord")
    return tuple(trials)


@attrs.frozen
class SearchResult:
    """The trials of a search and its best one.

    Attributes:
        trials: every trial in trial order.
        objective: what the search optimised.
        seed: the search's seed (drawn and recorded when none was given), or None
            when unknown.
        trial_space: the trial space searched, entries joined during trials
            included, or None when unknown (not part of equality). One read back
            by :func:`~spacealg.load` knows what was tuned and pinned, not which
            operators shaped it.
        oracle: the oracle's name and settings as the store records them
            (``{"name": "random", "max_collisions": 20}``), empty when unknown
            (not part of equality).
    """

    trials: tuple[TrialRecord, ...] = attrs.field(converter=_records)
    objective: Objective
    seed: int | None = None
    trial_space: TrialSpace | None = attrs.field(
        default=None, kw_only=True, eq=False, validator=_trial_space
    )
    oracle: Mapping[str, Any] = attrs.field(
        factory=FrozenMapping, converter=_oracle, kw_only=True, eq=False
    )

    def completed(self) -> tuple[TrialRecord, ...]:
        """The completed trials, best first (ties keep trial order)."""
        done = [t for t in self.trials if t.state is TrialState.COMPLETED and t.score is not None]
        sign = 1.0 if self.objective.direction == "min" else -1.0
        return tuple(sorted(done, key=lambda t: (sign * (t.score or 0.0), t.trial_id)))

    @property
    def best_trial(self) -> TrialRecord | None:
        """The best completed trial, or None when none completed."""
        best = self.completed()
        return best[0] if best else None

    def last_error(self) -> str:
        """The error of the last FAILED trial (in trial order), or "" when none failed."""
        failed = [t for t in self.trials if t.state is TrialState.FAILED and t.error]
        return failed[-1].error or "" if failed else ""

    def _best(self, operation: str) -> TrialRecord:
        best = self.best_trial
        if best is None:
            counts = {state.value: 0 for state in TrialState}
            for trial in self.trials:
                counts[trial.state.value] += 1
            raise NoCompletedTrialError(operation, counts, self.last_error())
        return best

    @property
    def best_values(self) -> Values:
        """The best trial's values, pinned entries included.

        Raises:
            NoCompletedTrialError: no trial completed.
        """
        return self._best("SearchResult.best_values").values

    @property
    def best_score(self) -> float:
        """The best trial's score.

        Raises:
            NoCompletedTrialError: no trial completed.
        """
        score = self._best("SearchResult.best_score").score
        assert score is not None
        return score

    def to_records(self) -> list[dict[str, Any]]:
        """Each trial as a flat dict, for ``pandas.DataFrame(result.to_records())``."""
        return [trial.to_record() for trial in self.trials]

    def to_dataframe(self) -> Any:
        """The trials as a ``pandas.DataFrame``, one row per trial, in trial order.

        Columns: ``trial_id``, ``state``, ``score``, ``best_step``, ``started``,
        ``ended`` and ``duration`` (seconds), then ``metric:<name>`` for each
        metric (its value at the score's step, else its last step), then
        ``value:<name>`` for each hyperparameter (missing where inactive), then
        ``meta:<name>`` for the oracle's metadata (Hyperband's budget).

        Raises:
            MissingDependencyError: pandas is not installed (``spacealg[pandas]``).

        Examples:
            >>> result = SearchResult(
            ...     [TrialRecord(0, Values({"units": 32}), TrialState.COMPLETED, score=0.5,
            ...                  metrics={"loss": [0.9, 0.5]}, best_step=1)],
            ...     Objective("loss", "min"))
            >>> result.to_dataframe()[["trial_id", "score", "metric:loss", "value:units"]]
               trial_id  score  metric:loss  value:units
            0         0    0.5          0.5           32
        """
        try:
            import pandas as pd  # noqa: PLC0415 - an optional dependency, imported when used
        except ImportError as error:
            raise MissingDependencyError(
                "SearchResult.to_dataframe()", "pandas", "pandas"
            ) from error
        return pd.DataFrame(trial_columns(self.trials))

    def results_summary(self, num_trials: int = 10, *, location: str = "the trial store") -> str:
        """KerasTuner's ``results_summary()`` text for the best ``num_trials`` trials."""
        objective = self.objective
        lines = [
            "Results summary",
            f"Results in {location}",
            f"Showing {num_trials} best trials",
            f'Objective(name="{objective.name}", direction="{objective.direction}")',
        ]
        for trial in self.completed()[:num_trials]:
            lines += ["", f"Trial {trial.trial_id} summary", "Hyperparameters:"]
            # KerasTuner prints each value with print(f"{name}:", value): str, not repr.
            lines += [f"{name}: {value}" for name, value in trial.values.items()]
            if not trial.values:
                lines.append("default configuration")
            lines.append(f"Score: {trial.score!r}")
        return "".join(line + "\n" for line in lines)


def metric_at_score(trial: TrialRecord, steps: tuple[float, ...]) -> float | None:
    """A metric's value at the trial's best step, else its last value, or None when empty."""
    if not steps:
        return None
    step = trial.best_step
    return steps[step] if step is not None and 0 <= step < len(steps) else steps[-1]


def trial_columns(trials: tuple[TrialRecord, ...]) -> dict[str, list[Any]]:
    """The columns of :meth:`SearchResult.to_dataframe`, as lists (None where missing)."""
    metrics: dict[str, None] = {}
    values: dict[str, None] = {}
    meta: dict[str, None] = {}
    for trial in trials:
        metrics.update(dict.fromkeys(trial.metrics))
        values.update(dict.fromkeys(trial.values))
        meta.update(dict.fromkeys(trial.meta))
    columns: dict[str, list[Any]] = {
        "trial_id": [t.trial_id for t in trials],
        "state": [t.state.value for t in trials],
        "score": [t.score for t in trials],
        "best_step": [t.best_step for t in trials],
        "started": [t.started for t in trials],
        "ended": [t.ended for t in trials],
        "duration": [
            None if t.started is None or t.ended is None else t.ended - t.started for t in trials
        ],
    }
    for name in metrics:
        columns[f"metric:{name}"] = [metric_at_score(t, t.metrics.get(name, ())) for t in trials]
    for name in values:
        columns[f"value:{name}"] = [t.values.get(name) for t in trials]
    for name in meta:
        columns[f"meta:{name}"] = [t.meta.get(name) for t in trials]
    return columns


def is_nan(value: float | None) -> bool:
    """Whether ``value`` is a float NaN."""
    return isinstance(value, float) and math.isnan(value)
