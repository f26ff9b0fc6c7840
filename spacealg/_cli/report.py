"""``spacealg report PROJECT [-o report.html]``: the study as one self-contained HTML file."""

from __future__ import annotations

import argparse
from typing import TextIO

from spacealg._views.project import read_project
from spacealg._views.report import report

NAME = "report"
HELP = "write a study's one-file HTML report (plots, trial table)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``PROJECT`` and ``-o``."""
    parser.add_argument("project", metavar="PROJECT", help="the study's folder, DIRECTORY/NAME")
    parser.add_argument(
        "-o",
        "--output",
        default="report.html",
        help="the HTML file to write (default: report.html)",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Write the report and say where."""
    result = read_project(args.project, "spacealg report")
    path = report(result, args.output, title=f"spacealg study {args.project}")
    out.write(f"wrote {path}\n")
    return 0
