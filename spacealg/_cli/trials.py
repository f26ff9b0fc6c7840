"""``spacealg trials PROJECT``: one row per trial, for a terminal, as CSV or as JSON."""

from __future__ import annotations

import argparse
from typing import TextIO

from spacealg._search.trials import TrialState
from spacealg._views.project import read_project
from spacealg._views.trial_table import as_csv, as_json, as_text, trial_rows

NAME = "trials"
HELP = "list a study's trials: id, state, score, metrics, values, duration"


def positive(text: str) -> int:
    """An int >= 1, for ``--limit``."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not an int >= 1")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``PROJECT``, ``--format``, ``--state``, ``--sort``, ``--limit``."""
    parser.add_argument("project", metavar="PROJECT", help="the study's folder, DIRECTORY/NAME")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument(
        "--state",
        type=str.upper,
        choices=[s.value for s in TrialState],
        help="only trials in this state",
    )
    parser.add_argument(
        "--sort",
        choices=("score", "id"),
        default="id",
        help="score: best first (trials without a score last); id: trial order",
    )
    parser.add_argument("--limit", type=positive, help="at most this many rows")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the trials."""
    result = read_project(args.project, "spacealg trials")
    trials = list(result.trials)
    if args.state is not None:
        trials = [t for t in trials if t.state.value == args.state]
    if args.sort == "score":
        sign = 1.0 if result.objective.direction == "min" else -1.0
        trials.sort(key=lambda t: (t.score is None, sign * (t.score or 0.0), t.trial_id))
    if args.limit is not None:
        trials = trials[: args.limit]
    if args.format == "json":
        out.write(as_json(trials))
    elif args.format == "csv":
        out.write(as_csv(*trial_rows(trials, result.objective.name, prefixed=True)))
    else:
        out.write(as_text(*trial_rows(trials, result.objective.name)))
    return 0
