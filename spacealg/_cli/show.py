"""``spacealg show TARGET [--json]``: the space of a build function, hypermodel or JSON file."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path
from typing import TextIO

from spacealg._algebra.capture import declare
from spacealg._cli.usage import UsageError
from spacealg._files.serialization import from_json, to_json
from spacealg._files.summary import summary
from spacealg._space.space import Space
from spacealg.errors import InvalidArgumentError

NAME = "show"
HELP = "print a space: of path/to/file.py:build_model, package.module:build_model or space.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``TARGET`` and ``--json``."""
    parser.add_argument(
        "target",
        metavar="TARGET",
        help="FILE.py:NAME, MODULE:NAME (a build function or hypermodel) "
        "or a saved space's JSON file",
    )
    parser.add_argument("--json", action="store_true", help="print the space as JSON")


def load_target(target: str, operation: str = "spacealg show", argument: str = "TARGET") -> Space:
    """The space ``target`` names (see :data:`HELP`); errors name ``operation`` and ``argument``."""

    def _bad(target: str, allowed: str) -> InvalidArgumentError:
        return InvalidArgumentError(operation, "", argument, target, allowed)

    if target.endswith(".json") and ":" not in Path(target).name:
        path = Path(target)
        if not path.is_file():
            raise _bad(target, "an existing JSON file of a saved space")
        return from_json(path.read_bytes())
    source, colon, attribute = target.rpartition(":")
    if not colon or not source or not attribute.isidentifier():
        raise UsageError(
            f"{operation}: argument {argument}: {target!r} is not FILE.py:NAME, MODULE:NAME "
            "or a .json file"
        )
    try:
        if source.endswith(".py"):
            path = Path(source)
            if not path.is_file():
                raise _bad(target, f"a Python file that exists ({source} does not)")  # noqa: TRY301 - the one check before the import
            spec = importlib.util.spec_from_file_location(path.stem, path)
            assert spec is not None
            assert spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.path.insert(0, str(path.resolve().parent))  # its neighbours import as usual
            try:
                spec.loader.exec_module(module)
            finally:
                sys.path.remove(str(path.resolve().parent))
        else:
            module = importlib.import_module(source)
    except InvalidArgumentError:
        raise
    except Exception as error:  # any import failure is the TARGET's fault
        raise _bad(
            target, f"a module that imports (it raised {type(error).__name__}: {error})"
        ) from error
    if not hasattr(module, attribute):
        raise _bad(target, f"a name defined in {source}, which has no {attribute!r}")
    found = getattr(module, attribute)
    if inspect.isclass(found):  # a HyperModel class: its instance declares the space
        try:
            found = found()
        except Exception as error:
            raise _bad(
                target, f"a hypermodel class that builds with no arguments ({error})"
            ) from error
    return declare(found)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the space as KerasTuner's summary, or as JSON."""
    space = load_target(args.target)
    out.write(to_json(space, indent=2) + "\n" if args.json else summary(space))
    return 0
