"""Watching a backend: what it was given, reported and returned, checked against the rules.

:class:`Probe` wraps a backend for the contract suite; the helpers here turn
what it saw into the metrics the store should hold, raising AssertionError
(also under ``python -O``) where the backend broke a rule of the protocol.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from spacealg._running.backend_protocol import Backend, Outcome, Trial
from spacealg._running.metrics import is_metric_value


def expect(condition: object, message: str) -> None:
    """Raise AssertionError(message) unless ``condition`` holds (also under ``python -O``)."""
    if not condition:
        raise AssertionError(message)


def typed(values: Mapping[str, Any]) -> dict[str, tuple[type, Any]]:
    """Values compared with their types, so 1, 1.0 and True differ."""
    return {name: (type(value), value) for name, value in values.items()}


def close(a: float, b: float) -> bool:
    """Whether two metric values are equal up to rounding (two NaNs are equal)."""
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def same_metrics(a: Mapping[str, Sequence[float]], b: Mapping[str, Sequence[float]]) -> bool:
    """Whether two sets of per-step metrics are equal, up to rounding."""
    return a.keys() == b.keys() and all(
        len(a[name]) == len(b[name]) and all(map(close, a[name], b[name])) for name in a
    )


@attrs.define
class Call:
    """One ``run_trial`` call: the trial given, and what the backend did with it."""

    trial: Trial
    reports: list[tuple[int, dict[str, Any]]] = attrs.Factory(list)
    recorded: list[dict[str, Any]] = attrs.Factory(list)
    outcome: Outcome = None


@attrs.define
class Probe:
    """A backend wrapped so the suite sees every trial, report and outcome."""

    backend: Backend
    recorded: list[dict[str, Any]]
    interrupt_after: int | None = None
    calls: list[Call] = attrs.Factory(list)

    def run_trial(self, trial: Trial) -> Outcome:
        """Run the wrapped backend, noting the trial, its reports and its outcome."""
        call = Call(trial)
        self.calls.append(call)

        def report(step: int, metrics: Mapping[str, float]) -> None:
            call.reports.append((step, dict(metrics)))
            trial.report(step, metrics)

        start = len(self.recorded)
        try:
            outcome = self.backend.run_trial(attrs.evolve(trial, reporter=report))
        finally:
            call.recorded = self.recorded[start:]
        call.outcome = outcome
        if self.interrupt_after == len(self.calls):
            raise KeyboardInterrupt
        return outcome

    def by_trial(self) -> dict[int, list[Call]]:
        """The calls of each trial, in order."""
        grouped: dict[int, list[Call]] = {}
        for call in self.calls:
            grouped.setdefault(call.trial.trial_id, []).append(call)
        return grouped


def reported_metrics(call: Call) -> dict[str, list[float]]:
    """The metrics one execution reported and returned, as the store should hold them."""
    trial_id = call.trial.trial_id
    steps: dict[str, list[float]] = {}
    for step, metrics in call.reports:
        expect(
            isinstance(step, int) and not isinstance(step, bool),
            f"trial {trial_id} reported step {step!r}; steps are ints counting from 0",
        )
        for name, value in metrics.items():
            series = steps.setdefault(name, [])
            expect(
                step == len(series),
                f"trial {trial_id} reported {name!r} for step {step} after {len(series)} "
                f"step(s) of it; each metric's steps count from 0, one report per step",
            )
            expect(
                is_metric_value(value), f"trial {trial_id} reported {name}={value!r}, not a number"
            )
            series.append(float(value))
    outcome = call.outcome
    if isinstance(outcome, Mapping):
        for name, value in outcome.items():
            expect(
                is_metric_value(value), f"trial {trial_id} returned {name}={value!r}, not a number"
            )
            steps.setdefault(name, []).append(float(value))
    elif outcome is not None:
        expect(
            is_metric_value(outcome),
            f"trial {trial_id} returned {outcome!r}: not a float, a mapping of metrics or None",
        )
        steps.setdefault("score", []).append(float(outcome))
    return steps


def expected_metrics(calls: list[Call]) -> dict[str, list[float]]:
    """Each metric's per-step mean over the executions that reported it."""
    runs = [reported_metrics(call) for call in calls]
    expected: dict[str, list[float]] = {}
    for name in dict.fromkeys(name for run in runs for name in run):
        series = [run[name] for run in runs if name in run]
        length = min(len(s) for s in series)
        expected[name] = [math.fsum(s[i] for s in series) / len(series) for i in range(length)]
    return expected
