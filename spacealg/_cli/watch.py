"""``spacealg watch PROJECT``: a live view of a running study, refreshed every second.

It keeps one read-only connection and reads two small aggregate queries per
refresh, so the writing search does not notice it. Ctrl-C leaves (status 0).
"""

from __future__ import annotations

import argparse
import time
from typing import TextIO

from spacealg._cli.trials import positive
from spacealg._views.progress import render, snapshot
from spacealg._views.project import open_project

NAME = "watch"
HELP = "watch a running study: trials done, running, failed, the best so far, the rate"

CLEAR = "\x1b[H\x1b[J"
"""Moves a terminal's cursor home and clears the screen."""


def interval(text: str) -> float:
    """Seconds between refreshes, for ``--interval``: 0.1 to 3600."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0.1 <= seconds <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds in [0.1, 3600]")
    return seconds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``PROJECT``, ``--interval``, ``--max-trials``, ``--count``."""
    parser.add_argument("project", metavar="PROJECT", help="the study's folder, DIRECTORY/NAME")
    parser.add_argument(
        "--interval", type=interval, default=1.0, help="seconds between refreshes (default 1)"
    )
    parser.add_argument(
        "--max-trials",
        type=positive,
        help="the search's max_trials, for an estimated time to finish",
    )
    parser.add_argument(
        "--count", type=positive, help="stop after this many refreshes (default: until Ctrl-C)"
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Refresh the view until Ctrl-C (or ``--count`` refreshes)."""
    store, objective = open_project(args.project, "spacealg watch")
    live = out.isatty()
    shown = 0
    try:
        while True:
            text = render(
                snapshot(store, objective),
                objective,
                project=args.project,
                max_trials=args.max_trials,
            )
            out.write(CLEAR + text if live else text + "\n")
            out.flush()
            shown += 1
            if args.count is not None and shown >= args.count:
                return 0
            time.sleep(args.interval)
    except KeyboardInterrupt:
        out.write("\n" if live else "")
        out.flush()
        return 0
    finally:
        store.close()
