"""``spacealg best PROJECT [--json]``: the best trial's values, score and metrics."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from spacealg._search.trials import metric_at_score
from spacealg._views.project import open_project
from spacealg.errors import NoCompletedTrialError

NAME = "best"
HELP = "print a study's best trial: its values, score and metrics"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``PROJECT`` and ``--json``."""
    parser.add_argument("project", metavar="PROJECT", help="the study's folder, DIRECTORY/NAME")
    parser.add_argument("--json", action="store_true", help="print the trial as JSON")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the best trial."""
    store, objective = open_project(args.project, "spacealg best")
    try:  # one query for the best trial: a large study is never read whole
        best = store.best_trial(objective.direction)
        if best is None:
            counts = store.tally(objective.direction)[0]
            raise NoCompletedTrialError(f"spacealg best {args.project}", counts)
    finally:
        store.close()
    metrics = {name: metric_at_score(best, steps) for name, steps in best.metrics.items()}
    if args.json:  # every metric, the objective's too
        document = {
            "id": best.trial_id,
            "score": best.score,
            "values": dict(best.values),
            "metrics": metrics,
        }
        out.write(json.dumps(document, indent=1) + "\n")
        return 0
    metrics.pop(objective.name, None)  # the score is its value
    lines = [f"trial {best.trial_id}: {objective.name} = {best.score!r} ({objective.direction})"]
    lines += ["values:"] + [f"  {name} = {value!r}" for name, value in best.values.items()]
    if metrics:
        lines += ["metrics:"] + [f"  {name} = {value!r}" for name, value in metrics.items()]
    out.write("".join(line + "\n" for line in lines))
    return 0
