"""The trial table: one row per trial, as the terminal, CSV, JSON and the report show it."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any

from spacealg._search.trials import TrialRecord, metric_at_score

Row = list[Any]


def _names(trials: Sequence[TrialRecord], score: str) -> tuple[list[str], list[str]]:
    metrics: dict[str, None] = {}
    values: dict[str, None] = {}
    for trial in trials:
        metrics.update(dict.fromkeys(trial.metrics))
        values.update(dict.fromkeys(trial.values))
    metrics.pop(score, None)  # the score column shows it
    return list(metrics), list(values)


def duration(trial: TrialRecord) -> float | None:
    """Seconds from the trial's start to its end, or None while unknown."""
    if trial.started is None or trial.ended is None:
        return None
    return trial.ended - trial.started


def last_line(error: str | None) -> str | None:
    """The last non-empty line of an error text (the exception), or None."""
    if not error:
        return None
    lines = [line for line in error.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else None


def trial_rows(
    trials: Sequence[TrialRecord],
    objective: str,
    *,
    error_lines: bool = False,
    prefixed: bool = False,
) -> tuple[list[str], list[Row]]:
    """The header and the rows: id, state, score, each metric, each value, duration.

    Args:
        trials: the trials, in the order to show them.
        objective: the objective's metric, left out of the metrics (``score`` shows it).
        error_lines: whether to end each row with its error's last line.
        prefixed: whether metric and value columns are named ``metric:NAME`` and
            ``value:NAME`` (for CSV, where names must not collide).
    """
    metrics, values = _names(trials, objective)
    header = ["id", "state", "score"]
    header += [f"metric:{name}" if prefixed else name for name in metrics]
    header += [f"value:{name}" if prefixed else name for name in values]
    header.append("duration")
    if error_lines:
        header.append("error")
    rows = []
    for trial in trials:
        row: Row = [trial.trial_id, trial.state.value, trial.score]
        row += [metric_at_score(trial, trial.metrics.get(name, ())) for name in metrics]
        row += [trial.values.get(name) for name in values]
        row.append(duration(trial))
        if error_lines:
            row.append(last_line(trial.error))
        rows.append(row)
    return header, rows


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    return str(value)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def as_text(header: list[str], rows: list[Row]) -> str:
    """The rows aligned for a terminal (numbers right-aligned, durations to the millisecond)."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    seconds = len(header) - 1 - header[::-1].index("duration")  # a value may be named so too
    aligned = []
    for index, (name, column) in enumerate(zip(header, columns, strict=True)):
        show = _seconds if index == seconds else _shown
        cells = [name, *map(show, column)]
        width = max(map(len, cells))
        if all(value is None or isinstance(value, int | float) for value in column):
            aligned.append([cell.rjust(width) for cell in cells])
        else:
            aligned.append([cell.ljust(width) for cell in cells])
    return "".join("  ".join(line).rstrip() + "\n" for line in zip(*aligned, strict=True))


def as_csv(header: list[str], rows: list[Row]) -> str:
    """The rows as CSV text (empty cells where missing)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue()


def trial_json(trial: TrialRecord) -> dict[str, Any]:
    """One trial as a JSON object: id, state, score, metrics, values, meta, duration, error."""
    return {
        "id": trial.trial_id,
        "state": trial.state.value,
        "score": trial.score,
        "best_step": trial.best_step,
        "metrics": {name: list(steps) for name, steps in trial.metrics.items()},
        "values": dict(trial.values),
        "meta": dict(trial.meta),
        "duration": duration(trial),
        "error": trial.error,
    }


def as_json(trials: Sequence[TrialRecord]) -> str:
    """The trials as a JSON array (NaN written as ``NaN``, as Python's json does)."""
    return json.dumps([trial_json(trial) for trial in trials], indent=1) + "\n"
