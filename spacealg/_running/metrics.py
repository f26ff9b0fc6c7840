"""A trial's metrics: per-step series, reported or returned, averaged over executions."""

from __future__ import annotations

import math
from collections.abc import Mapping

from spacealg._running.backend_protocol import Outcome
from spacealg._space.scalars import as_python
from spacealg._space.validation import check_int, is_real
from spacealg.errors import ArgumentTypeError


def is_metric_value(value: object) -> bool:
    """Whether a backend may report ``value`` as a metric: an int or float (numpy's too)."""
    return is_real(as_python(value))


def metric(name: str, value: object) -> float:
    """A reported metric as a float; anything but an int or float is the backend's error."""
    if not is_metric_value(value):
        raise ArgumentTypeError("Trial.report()", "", name, value, "an int or float metric value")
    return float(value)  # type: ignore[arg-type]


def record_step(steps: dict[str, list[float]], step: int, metrics: Mapping[str, object]) -> None:
    """Record one step's metrics; a step skipped over is NaN, a step reported again is replaced."""
    check_int("Trial.report()", "step", step, minimum=0)
    for name, value in metrics.items():
        series = steps.setdefault(name, [])
        series.extend([math.nan] * (step + 1 - len(series)))
        series[step] = metric(name, value)


def merge_outcome(steps: dict[str, list[float]], outcome: Outcome) -> None:
    """Record a returned outcome as one more step of each of its metrics."""
    if outcome is None:
        return
    if not isinstance(outcome, Mapping):
        outcome = {"score": outcome}
    for name, value in outcome.items():
        steps.setdefault(name, []).append(metric(name, value))


def average(runs: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    """Each metric's per-step mean over the executions that reported it."""
    names = dict.fromkeys(name for run in runs for name in run)
    averaged = {}
    for name in names:
        series = [run[name] for run in runs if name in run]
        length = min(len(s) for s in series)
        averaged[name] = [math.fsum(s[i] for s in series) / len(series) for i in range(length)]
    return averaged
