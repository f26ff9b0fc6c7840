"""The checks of the scikit-learn front ends' arguments, one wording per rule.

``SearchCV`` runs them in ``fit`` (scikit-learn's estimators only store their
arguments in ``__init__``); ``SklearnTuner`` in its constructor. A bad value is
an :class:`~spacealg.errors.InvalidArgumentError` (an ``ArgumentTypeError`` for
the wrong type) naming the call, the argument, the value and what is allowed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from sklearn.metrics import get_scorer_names

import spacealg as sa
from spacealg.backend import runs_in_parallel

MAX_SEED = 2**63
ALLOWED = {
    "max_trials": "None or an int >= 1",
    "seed": "None or an int with 0 <= seed < 2**63",
    "directory": "None or a str or os.PathLike path",
    "project_name": "None or a non-empty str",
    "overwrite": "True or False",
    "cv": "None, a number of folds (an int >= 2), a scikit-learn splitter or (train, test) pairs",
    "scoring": (
        "None, a scorer name (sklearn.metrics.get_scorer_names()), a callable scorer, "
        "or a non-empty list or dict of them"
    ),
}


def is_int(value: object) -> bool:
    """Whether ``value`` is an int and not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def invalid(operation: str, argument: str, value: object, allowed: str) -> sa.errors.SpaceError:
    """The error for a value out of its argument's domain."""
    return sa.errors.InvalidArgumentError(operation, "", argument, value, allowed)


def wrong_type(operation: str, argument: str, value: object, allowed: str) -> sa.errors.SpaceError:
    """The error for a value of the wrong type."""
    return sa.errors.ArgumentTypeError(operation, "", argument, value, allowed)


def check_search(
    operation: str,
    *,
    max_trials: object,
    seed: object,
    directory: object,
    project_name: object,
    overwrite: object,
    executor: object,
    n_workers: object,
) -> None:
    """The arguments every scikit-learn front end shares with the search loop."""
    given = {
        "max_trials": max_trials,
        "seed": seed,
        "directory": directory,
        "project_name": project_name,
        "overwrite": overwrite,
    }
    types = {
        "max_trials": max_trials is None or is_int(max_trials),
        "seed": seed is None or is_int(seed),
        "directory": directory is None or isinstance(directory, str | os.PathLike),
        "project_name": project_name is None or isinstance(project_name, str),
        "overwrite": isinstance(overwrite, bool),
    }
    for argument, valid in types.items():
        if not valid:
            raise wrong_type(operation, argument, given[argument], ALLOWED[argument])
    if is_int(max_trials) and max_trials < 1:  # type: ignore[operator]
        raise invalid(operation, "max_trials", max_trials, ALLOWED["max_trials"])
    if is_int(seed) and not 0 <= seed < MAX_SEED:  # type: ignore[operator]
        raise invalid(operation, "seed", seed, ALLOWED["seed"])
    if project_name == "":
        raise invalid(operation, "project_name", project_name, ALLOWED["project_name"])
    runs_in_parallel(executor, n_workers, operation=operation)


def check_folds(operation: str, cv: object) -> None:
    """``cv`` is None, a fold count, a splitter, or an iterable of (train, test) pairs."""
    if cv is None or callable(getattr(cv, "split", None)):
        return
    if is_int(cv):
        if cv < 2:  # type: ignore[operator]
            raise invalid(operation, "cv", cv, ALLOWED["cv"])
        return
    if not isinstance(cv, Iterable) or isinstance(cv, str | bytes | Mapping):
        raise wrong_type(operation, "cv", cv, ALLOWED["cv"])
    pairs = list(cv)
    if not pairs or not all(_is_pair(pair) for pair in pairs):
        raise invalid(operation, "cv", cv, ALLOWED["cv"])


def _is_pair(pair: object) -> bool:
    if isinstance(pair, str | bytes) or not isinstance(pair, Iterable):
        return False
    parts = list(pair)
    return len(parts) == 2 and all(
        isinstance(part, Iterable) and not isinstance(part, str | bytes) for part in parts
    )


def scorer_names(operation: str, scoring: object) -> list[str] | None:
    """The metric names of a multi-metric ``scoring``, None for a single scorer.

    Raises:
        InvalidArgumentError: an unknown scorer name, an empty or duplicated list.
        ArgumentTypeError: ``scoring`` is none of the kinds scikit-learn takes.
    """
    known = set(get_scorer_names())
    if scoring is None or callable(scoring):
        return None
    if isinstance(scoring, str):
        if scoring not in known:
            raise invalid(operation, "scoring", scoring, ALLOWED["scoring"])
        return None
    if isinstance(scoring, Mapping):
        names = list(scoring)
        scorers: list[Any] = list(scoring.values())
    elif isinstance(scoring, list | tuple | set | frozenset):
        names = list(scoring)
        scorers = names
    else:
        raise wrong_type(operation, "scoring", scoring, ALLOWED["scoring"])
    valid = bool(names) and all(isinstance(name, str) for name in names)
    valid = valid and all(callable(s) or (isinstance(s, str) and s in known) for s in scorers)
    if not valid or len(set(names)) != len(names):
        raise invalid(operation, "scoring", scoring, ALLOWED["scoring"])
    return sorted(names) if isinstance(scoring, set | frozenset) else names
