"""The scikit-learn backend's names called with hostile arguments (the core's suite is
``tests/test_bad_input.py``).

``SearchCV`` checks its arguments in ``fit``, as scikit-learn's estimators do, so its
recipe constructs and fits on a tiny dataset, over a two-configuration space (a huge
``max_trials`` ends when the space is exhausted). A call either succeeds or raises a
``SpaceError`` naming the call and the argument, and the error pickles. A public name of
``spacealg_sklearn`` without a recipe fails :func:`test_every_public_name_has_a_recipe`.
"""

from __future__ import annotations

import contextlib
import math
import pickle
import re
import tempfile
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import spacealg_sklearn as sk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.tree import DecisionTreeClassifier

import spacealg as sa
from spacealg.errors import SpaceError, UnknownNameError

_SCRATCH = Path(tempfile.mkdtemp(prefix="spacealg-sklearn-bad-input-"))
A_FILE = _SCRATCH / "a_file"
A_FILE.write_text("not a folder\n")

HOSTILE = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            0,
            -1,
            10**30,
            math.nan,
            math.inf,
            "",
            "x",
            b"bytes",
            [],
            [1, 2],
            {},
            {"a": 1},
            np.int64(3),
            np.float32(0.5),
            np.array([1, 2]),
            "[" * 5000 + "]" * 5000,
            A_FILE,
            object(),
        ]
    ),
    st.integers(),
    st.floats(),
    st.text(max_size=6),
)

X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
Y = np.array([0, 1, 0, 1, 0, 1])
SPACE = sa.Space([sa.Choice("max_depth", values=[1, 2])])


def _build(hp: sa.HyperParameters) -> Any:
    return DecisionTreeClassifier(max_depth=hp.Choice("max_depth", [1, 2]))


def _folder() -> Path:
    return Path(tempfile.mkdtemp(dir=_SCRATCH))


def _search(**arguments: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a hostile error_score may fail trials: FitFailedWarning
        sk.SearchCV(**arguments).fit(X, Y)


RECIPES: dict[str, tuple[str, Callable[..., Any], dict[str, Callable[[], Any]]]] = {
    "SearchCV": (
        "SearchCV.fit()",
        _search,
        {
            "estimator": DecisionTreeClassifier,
            "space": lambda: SPACE,
            "oracle": lambda: "grid",
            "max_trials": lambda: 2,
            "cv": lambda: 2,
            "scoring": lambda: None,
            "refit": lambda: True,
            "seed": lambda: 0,
            "n_workers": lambda: None,
            "executor": lambda: None,
            "directory": _folder,
            "project_name": lambda: "p",
            "overwrite": lambda: False,
            "error_score": lambda: math.nan,
            "verbose": lambda: 0,
        },
    ),
    "SklearnTuner": (
        "SklearnTuner()",
        sk.SklearnTuner,
        {
            "oracle": lambda: "grid",
            "hypermodel": lambda: _build,
            "scoring": lambda: None,
            "metrics": lambda: None,
            "cv": lambda: None,
            "objective": lambda: None,
            "max_trials": lambda: 2,
            "seed": lambda: 0,
            "hyperparameters": lambda: None,
            "tune_new_entries": lambda: True,
            "allow_new_entries": lambda: True,
            "directory": _folder,
            "project_name": lambda: "p",
            "overwrite": lambda: False,
            "executor": lambda: None,
            "n_workers": lambda: None,
        },
    ),
    "SklearnBackend": (
        "SklearnBackend()",
        sk.SklearnBackend,
        {
            "model": DecisionTreeClassifier,
            "X": lambda: X,
            "y": lambda: Y,
            "cv": lambda: 2,
            "scoring": lambda: None,
            "groups": lambda: None,
            "fit_params": dict,
            "seeded": lambda: False,
            "error_score": lambda: "raise",
            "raised": lambda: None,
        },
    ),
}

NOT_CALLED = {
    "__version__": "a string",
    "FitFailedError": "an error class: raised, never called with user input",
}

KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("SklearnBackend", "X"): "the data: checked by scikit-learn when a trial runs",
    ("SklearnBackend", "y"): "the targets: checked by scikit-learn when a trial runs",
    ("SklearnBackend", "cv"): "checked by scikit-learn's check_cv when a trial runs",
    ("SklearnBackend", "scoring"): "checked by scikit-learn's check_scoring when a trial runs",
    ("SklearnBackend", "groups"): "checked by scikit-learn's splitter when a trial runs",
    ("SklearnTuner", "hyperparameters"): "resolve()'s checks; its errors name resolve()",
    ("SearchCV", "executor"): (
        "a string is a Dask scheduler address, connected by Study.run(): a malformed one "
        "('0') raises Dask's own ValueError there, a gap of the core's executor check"
    ),
}
"""Arguments the hostile draws skip, each with the reason."""


def test_every_public_name_has_a_recipe() -> None:
    missing = sorted(set(sk.__all__) - RECIPES.keys() - NOT_CALLED.keys())
    assert not missing, f"public names without a recipe: {missing}"
    assert not (RECIPES.keys() | NOT_CALLED.keys()) - set(sk.__all__)


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_each_recipe_succeeds_with_its_valid_arguments(name: str) -> None:
    _, call, valid = RECIPES[name]
    call(**{argument: make() for argument, make in valid.items()})


_INNER = re.compile(
    r"(resolve|Objective|Study|Study\.run|Study\.current_trial_space|\w+Oracle|ProcessPool)\(\): "
)
"""A front end's checks include those of what it builds: its trial space, objective,
oracle and study; their errors name those calls."""


def _names(message: str, error: SpaceError, operation: str, argument: str, value: object) -> bool:
    if not (message.startswith(operation) or _INNER.match(message)):
        return False
    if re.search(rf"\b{re.escape(argument)}\b", message) or isinstance(error, UnknownNameError):
        return True
    return repr(value)[:40] in message or (isinstance(value, str | Path) and str(value) in message)


@pytest.mark.parametrize("name", sorted(RECIPES))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_hostile_argument_succeeds_or_raises_a_space_error(
    name: str, data: st.DataObject
) -> None:
    operation, call, valid = RECIPES[name]
    arguments = sorted(a for a in valid if (name, a) not in KNOWN_GAPS)
    argument = data.draw(st.sampled_from(arguments), label="argument")
    value = data.draw(HOSTILE, label="value")
    given: Mapping[str, Any] = {k: make() for k, make in valid.items()} | {argument: value}
    try:
        with contextlib.chdir(_SCRATCH):  # a relative directory drawn lands in the scratch folder
            call(**given)
    except SpaceError as raised:
        error = raised
    else:
        return
    message = str(error)
    assert _names(message, error, operation, argument, value), message
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == message
