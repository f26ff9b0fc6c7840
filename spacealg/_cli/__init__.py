"""The ``spacealg`` command line: one module per command, listed in :data:`COMMANDS`.

Each command module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args, out) -> int``. Adding a command is one module and one entry in
:data:`COMMANDS`. Exit status: 0 on success, 2 on a usage error, 1 on any
other error, each error a single line on stderr naming the file or argument at
fault. No command writes a store.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from spacealg._cli import best, diff, report, show, trials, watch
from spacealg._cli.usage import UsageError
from spacealg.errors import SpaceError

COMMANDS = (show, diff, trials, best, report, watch)
"""The commands, in the order ``spacealg --help`` lists them."""

USAGE_ERROR = 2
FAILURE = 1


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit with status 2."""

    def error(self, message: str) -> NoReturn:
        """Report a usage error in one line (argparse would print the usage too)."""
        raise UsageError(f"{self.prog}: {message}")


def parser() -> Parser:
    """The parser of every command."""
    top = Parser(
        prog="spacealg",
        description="Look at spacealg studies: spaces, trials, the best trial, reports.",
    )
    commands = top.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Parser
    )
    for command in COMMANDS:
        sub = commands.add_parser(command.NAME, help=command.HELP, description=command.HELP)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return top


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return its exit status."""
    stream = sys.stdout if out is None else out
    try:
        args = parser().parse_args(argv)
    except UsageError as error:
        print(error, file=sys.stderr)  # noqa: T201 - the command line's one-line error
        return USAGE_ERROR
    try:
        status: int = args.run(args, stream)
    except (SpaceError, OSError) as error:
        message = one_line(error)
        if not message.startswith("spacealg "):
            message = f"spacealg {args.command}: {message}"
        print(message, file=sys.stderr)  # noqa: T201 - the command line's one-line error
        return FAILURE
    except UsageError as error:
        print(error, file=sys.stderr)  # noqa: T201 - the command line's one-line error
        return USAGE_ERROR
    return status


def one_line(error: BaseException) -> str:
    """The error's message on one line."""
    text = (
        str(error)
        if not isinstance(error, OSError) or not error.filename
        else (f"{error.filename}: {error.strerror}")
    )
    return " ".join(text.split())
