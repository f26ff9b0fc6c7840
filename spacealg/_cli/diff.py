"""``spacealg diff A B [--json]``: what changed between two spaces or two studies' spaces."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from spacealg._cli.show import load_target
from spacealg._files.space_diff import SpaceDiff, diff
from spacealg._space.space import Space
from spacealg._views.project import read_project

NAME = "diff"
HELP = (
    "print what changed from space A to space B: each a study's folder, a saved space's "
    "JSON file, FILE.py:NAME or MODULE:NAME"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``A``, ``B`` and ``--json``."""
    for name, which in (("a", "first"), ("b", "second")):
        parser.add_argument(
            name,
            metavar=name.upper(),
            help=f"the {which} space: a study's folder (the space it searched), a JSON "
            "file, FILE.py:NAME or MODULE:NAME",
        )
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")


def space_of(target: str, argument: str) -> Space:
    """The space ``target`` names: a study folder's searched space, else as ``show`` reads it."""
    if Path(target).is_dir():
        trial_space = read_project(target, "spacealg diff").trial_space
        assert trial_space is not None  # load() always reads the study's trial space
        return trial_space.tuned
    return load_target(target, "spacealg diff", argument)


def as_json(changes: SpaceDiff) -> dict[str, object]:
    """The changes as a JSON-ready dict (entry values as saved by ``to_dict``)."""
    return {
        "added": list(changes.added),
        "removed": list(changes.removed),
        "changed": [
            {"name": c.name, "field": c.field, "before": c.before, "after": c.after}
            for c in changes.changed
        ],
        "constraints_added": list(changes.constraints_added),
        "constraints_removed": list(changes.constraints_removed),
        "reordered": changes.reordered,
    }


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the changes on one line (``no change`` when the spaces are equal), or as JSON."""
    changes = diff(space_of(args.a, "A"), space_of(args.b, "B"))
    if args.json:
        out.write(json.dumps(as_json(changes), indent=1) + "\n")
    else:
        out.write(f"{changes}\n")
    return 0
