"""Every bad call to the core API fails with a spacealg error and an exact message.

The table below is the contract for error messages (STYLE.md, "Errors"): each
names the operation, the hyperparameter, the bad value and what is allowed.
Every error raised here is also checked to pickle intact, and every class in
``spacealg.errors`` to sit in the tree its module docstring draws.
"""

from __future__ import annotations

import builtins
import concurrent.futures
import inspect
import json
import math
import pickle
import re
import subprocess
import sys
import threading
import unittest.mock
from typing import Any

import numpy as np
import pytest

import spacealg as sa
from spacealg import Boolean, Choice, Condition, Fixed, Float, Int, Space, Values, errors
from spacealg.errors import (
    ActivityError,
    ArgumentTypeError,
    ContinuousSpaceError,
    InactiveError,
    InvalidArgumentError,
    InvalidSpaceError,
    InvalidValueError,
    MissingDependencyError,
    NotSerializableError,
    SerializationError,
    SpaceError,
    UnknownNameError,
)

# -- building blocks ------------------------------------------------------------


def _units() -> Int:
    return Int("units", min_value=32, max_value=128, step=32)


def _dropout() -> Float:
    return Float("dropout", min_value=0, max_value=0.5)


def _conditional() -> Space:
    """``layers`` is active only when ``deep`` is True; ``momentum`` only for sgd or rmsprop."""
    return Space(
        [
            Boolean("deep"),
            Int("layers", min_value=1, max_value=3, conditions=Condition("deep", True)),
            Choice("optimizer", values=["adam", "sgd", "rmsprop"]),
            Float(
                "momentum",
                min_value=0,
                max_value=0.9,
                conditions=Condition("optimizer", ["sgd", "rmsprop"]),
            ),
        ]
    )


def _saved(change: Any) -> dict[str, Any]:
    """A saved one-entry space, changed in place by ``change`` before it is returned."""
    data = json.loads(sa.to_json(Space([_units()])))
    change(data)
    return data


def _entry(**changes: Any) -> Any:
    """A change to the saved entry: set the given fields, drop those given as None."""

    def change(data: dict[str, Any]) -> None:
        entry = data["hyperparameters"][0]
        for key, value in changes.items():
            if value is None:
                del entry[key]
            else:
                entry[key] = value

    return change


def _keras_tuner(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"space": list(entries), "values": {}}


def _tailorable() -> Space:
    """One entry of each tunable kind, to tailor."""
    return Space(
        [
            _units(),
            _dropout(),
            Choice("activation", values=["relu", "tanh"]),
            Boolean("batch_norm"),
            Choice("lr", values=[1e-2, 1e-3, 1e-4]),
        ]
    )


def _handle() -> sa.HyperParameters:
    """A handle that declared ``deep`` (False) and, under ``deep=True``, ``layers``."""
    hp = sa.HyperParameters()
    hp.Boolean("deep")
    with hp.conditional_scope("deep", True):
        hp.Int("layers", min_value=1, max_value=3)
    return hp


def _redeclare() -> None:
    hp = sa.HyperParameters()
    hp.Int("units", min_value=32, max_value=128)
    hp.Int("units", min_value=16, max_value=64)


def _scope_on_undeclared_parent() -> None:
    hp = sa.HyperParameters()
    with hp.conditional_scope("model", "cnn"):
        hp.Int("filters", min_value=8, max_value=64)


class _NoBudget:
    """A function of the values alone (with a short repr)."""

    def __call__(self, values: Values) -> float:
        return 0.0

    def __repr__(self) -> str:
        return "<function _no_budget>"

    def __eq__(self, other: object) -> bool:  # a pickled copy is the same function
        return isinstance(other, _NoBudget)

    def __hash__(self) -> int:
        return hash(_NoBudget)


_no_budget = _NoBudget()


class _NoSpace:
    """A model object with neither a ``Space`` nor a build method."""

    space = "not a space"

    def __repr__(self) -> str:
        return "<a model without a space>"


ALLOWED_RNG = "allowed: a numpy.random.Generator or a non-negative int seed"
MIXED = "allowed: values of one type: all int, all float, all str or all bool"
SCALARS = "allowed: bool, int, finite float or str values"
A_SCALAR = "allowed: a bool, int, finite float or str"
A_CONDITION = "allowed: a Condition or a tuple of them, such as Condition('parent', [1, 2])"
KINDS = "Int, Float, Choice, Boolean or Fixed values"
A_SPACE = "allowed: a Space, such as Space([Int(...), Boolean(...)])"
_UNITS = Space(
    [Int("units", min_value=32, max_value=128, step=32), Choice("opt", values=["a", "b"])]
)

# -- the table ------------------------------------------------------------------


class _Locked:
    """An objective holding a lock: it cannot travel to worker processes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def __call__(self, values: Values) -> float:
        return 0.0

    def __repr__(self) -> str:
        return "<an objective holding a lock>"


def _parallel(fn: Any = lambda values: 0.0, **kwargs: Any) -> sa.SearchResult:
    """A search asked to run in parallel; every row below fails before it starts."""
    return sa.minimize(fn, Space([Boolean("b")]), max_trials=1, verbose=0, **kwargs)


def _dask_address_without_dask() -> None:
    with unittest.mock.patch.dict(sys.modules, {"distributed": None}):  # import fails
        _parallel(executor="tcp://127.0.0.1:8786")


def _study(**kwargs: Any) -> sa.Study:
    """A study of an empty space (every row below fails before any store opens)."""
    backend = sa.backend.load_backend("function")(_no_budget)
    return sa.Study(sa.resolve(Space()), backend, sa.Objective("score", "min"), **kwargs)


ROWS = [
    # Int and Float: bounds
    pytest.param(
        lambda: Int("units", min_value=5, max_value=1),
        InvalidArgumentError,
        "Int(): max_value=1 is not valid for 'units'; allowed: max_value >= min_value (5)",
        id="int-min-above-max",
    ),
    pytest.param(
        lambda: Float("lr", min_value=1.0, max_value=0.5),
        InvalidArgumentError,
        "Float(): max_value=0.5 is not valid for 'lr'; allowed: max_value >= min_value (1.0)",
        id="float-min-above-max",
    ),
    pytest.param(
        lambda: Int("units", min_value=1.5, max_value=5),
        InvalidArgumentError,
        "Int(): min_value=1.5 is not valid for 'units'; allowed: an integral number",
        id="int-fractional-min",
    ),
    pytest.param(
        lambda: Int("units", min_value=1, max_value=5.5),
        InvalidArgumentError,
        "Int(): max_value=5.5 is not valid for 'units'; allowed: an integral number",
        id="int-fractional-max",
    ),
    pytest.param(
        lambda: Int("units", min_value="1", max_value=5),
        ArgumentTypeError,
        "Int(): min_value='1' is not valid for 'units'; allowed: a finite int",
        id="int-str-bound",
    ),
    pytest.param(
        lambda: Int("units", min_value=True, max_value=5),
        ArgumentTypeError,
        "Int(): min_value=True is not valid for 'units'; allowed: a finite int",
        id="int-bool-bound",
    ),
    pytest.param(
        lambda: Float("lr", min_value=0, max_value="1"),
        ArgumentTypeError,
        "Float(): max_value='1' is not valid for 'lr'; allowed: a finite float",
        id="float-str-bound",
    ),
    pytest.param(
        lambda: Float("lr", min_value=None, max_value=1),
        ArgumentTypeError,
        "Float(): min_value=None is not valid for 'lr'; allowed: a finite float",
        id="float-none-bound",
    ),
    pytest.param(
        lambda: Float("lr", min_value=math.nan, max_value=1),
        ArgumentTypeError,
        "Float(): min_value=nan is not valid for 'lr'; allowed: a finite float",
        id="float-nan-bound",
    ),
    pytest.param(
        lambda: Float("lr", min_value=0, max_value=math.inf),
        ArgumentTypeError,
        "Float(): max_value=inf is not valid for 'lr'; allowed: a finite float",
        id="float-inf-bound",
    ),
    pytest.param(
        lambda: Float("lr", min_value=-(10**400), max_value=1),
        ArgumentTypeError,
        "Float(): min_value=-inf is not valid for 'lr'; allowed: a finite float",
        id="float-int-bound-beyond-float-range",
    ),
    pytest.param(
        lambda: Int("units", min_value=math.nan, max_value=5),
        ArgumentTypeError,
        "Int(): min_value=nan is not valid for 'units'; allowed: a finite int",
        id="int-nan-bound",
    ),
    pytest.param(
        lambda: Int("units", min_value=1, max_value=-math.inf),
        ArgumentTypeError,
        "Int(): max_value=-inf is not valid for 'units'; allowed: a finite int",
        id="int-inf-bound",
    ),
    pytest.param(
        lambda: Int("units", min_value=1, max_value=2**60),
        InvalidArgumentError,
        f"Int(): max_value={2**60} is not valid for 'units'; "
        "allowed: an int between -2**53 and 2**53",
        id="int-bound-beyond-2**53",
    ),
    # Int and Float: sampling
    pytest.param(
        lambda: Int("units", min_value=1, max_value=5, sampling="exp"),
        InvalidArgumentError,
        "Int(): sampling='exp' is not valid for 'units'; allowed: 'linear', 'log' or 'reverse_log'",
        id="int-unknown-sampling",
    ),
    pytest.param(
        lambda: Float("lr", min_value=0.1, max_value=1, sampling="Log"),
        InvalidArgumentError,
        "Float(): sampling='Log' is not valid for 'lr'; allowed: 'linear', 'log' or 'reverse_log'",
        id="float-unknown-sampling",
    ),
    pytest.param(
        lambda: Int("units", min_value=1, max_value=5, sampling=np.array(["log", "linear"])),
        InvalidArgumentError,
        "Int(): sampling=array(['log', 'linear'], dtype='<U6') is not valid for 'units'; "
        "allowed: 'linear', 'log' or 'reverse_log'",
        id="int-array-sampling",
    ),
    pytest.param(
        lambda: Int("units", min_value=0, max_value=5, sampling="log"),
        InvalidArgumentError,
        "Int(): min_value=0 is not valid for 'units'; allowed: min_value > 0 with sampling='log'",
        id="int-log-min-zero",
    ),
    pytest.param(
        lambda: Float("lr", min_value=-1, max_value=1, sampling="log"),
        InvalidArgumentError,
        "Float(): min_value=-1.0 is not valid for 'lr'; allowed: min_value > 0 with sampling='log'",
        id="float-log-min-negative",
    ),
    pytest.param(
        lambda: Float("lr", min_value=0, max_value=1, sampling="reverse_log"),
        InvalidArgumentError,
        "Float(): min_value=0.0 is not valid for 'lr'; "
        "allowed: min_value > 0 with sampling='reverse_log'",
        id="float-reverse-log-min-zero",
    ),
    # Int and Float: step
    pytest.param(
        lambda: Int("units", min_value=1, max_value=5, step=0),
        InvalidArgumentError,
        "Int(): step=0 is not valid for 'units'; allowed: step > 0",
        id="int-step-zero",
    ),
    pytest.param(
        lambda: Int("units", min_value=1, max_value=5, step=-2),
        InvalidArgumentError,
        "Int(): step=-2 is not valid for 'units'; allowed: step > 0",
        id="int-step-negative",
    ),
    pytest.param(
        lambda: Float("lr", min_value=0, max_value=1, step=0.0),
        InvalidArgumentError,
        "Float(): step=0.0 is not valid for 'lr'; allowed: step > 0",
        id="float-step-zero",
    ),
    pytest.param(
        lambda: Int("units", min_value=1, max_value=64, step=1, sampling="log"),
        InvalidArgumentError,
        "Int(): step=1 is not valid for 'units'; allowed: step > 1 with sampling='log' (a factor)",
        id="int-log-step-one",
    ),
    pytest.param(
        lambda: Float("lr", min_value=1e-4, max_value=1, step=0.5, sampling="log"),
        InvalidArgumentError,
        "Float(): step=0.5 is not valid for 'lr'; allowed: step > 1 with sampling='log' (a factor)",
        id="float-log-step-below-one",
    ),
    pytest.param(
        lambda: Float("lr", min_value=0.1, max_value=1, step=0.1, sampling="reverse_log"),
        InvalidArgumentError,
        "Float(): step=0.1 is not valid for 'lr'; allowed: None with sampling='reverse_log'",
        id="float-step-with-reverse-log",
    ),
    pytest.param(
        lambda: Int("units", min_value=1, max_value=8, step=2, sampling="reverse_log"),
        InvalidArgumentError,
        "Int(): step=2 is not valid for 'units'; allowed: None with sampling='reverse_log'",
        id="int-step-with-reverse-log",
    ),
    pytest.param(
        lambda: Int("units", min_value=1, max_value=9, step=2.5),
        ArgumentTypeError,
        "Int(): step=2.5 is not valid for 'units'; allowed: a finite int or None",
        id="int-fractional-step",
    ),
    pytest.param(
        lambda: Int("units", min_value=1, max_value=9, step="2"),
        ArgumentTypeError,
        "Int(): step='2' is not valid for 'units'; allowed: a finite int or None",
        id="int-str-step",
    ),
    pytest.param(
        lambda: Float("lr", min_value=0, max_value=1, step=math.nan),
        ArgumentTypeError,
        "Float(): step=nan is not valid for 'lr'; allowed: a finite float or None",
        id="float-nan-step",
    ),
    pytest.param(
        lambda: Float("lr", min_value=0, max_value=1, step=10**400),
        ArgumentTypeError,
        f"Float(): step={10**400} is not valid for 'lr'; allowed: a finite float or None",
        id="float-int-step-beyond-float-range",
    ),
    # Int and Float: default
    pytest.param(
        lambda: Int("units", min_value=1, max_value=5, default=99),
        InvalidArgumentError,
        "Int(): default=99 is not valid for 'units'; allowed: an int 1 <= x <= 5",
        id="int-default-above-max",
    ),
    pytest.param(
        lambda: Int("units", min_value=32, max_value=128, step=32, default=50),
        InvalidArgumentError,
        "Int(): default=50 is not valid for 'units'; allowed: an int 32 <= x <= 128 in steps of 32",
        id="int-default-off-grid",
    ),
    pytest.param(
        lambda: Int("units", min_value=1, max_value=5, default="3"),
        InvalidArgumentError,
        "Int(): default='3' is not valid for 'units'; allowed: an int 1 <= x <= 5",
        id="int-default-str",
    ),
    pytest.param(
        lambda: Float("dropout", min_value=0, max_value=0.5, default=0.7),
        InvalidArgumentError,
        "Float(): default=0.7 is not valid for 'dropout'; allowed: a float 0.0 <= x <= 0.5",
        id="float-default-above-max",
    ),
    pytest.param(
        lambda: Float("dropout", min_value=0, max_value=0.5, step=0.1, default=0.25),
        InvalidArgumentError,
        "Float(): default=0.25 is not valid for 'dropout'; "
        "allowed: a float 0.0 <= x <= 0.5 in steps of 0.1",
        id="float-default-off-grid",
    ),
    pytest.param(
        lambda: Float("lr", min_value=1e-4, max_value=1e-2, step=10, sampling="log", default=5e-3),
        InvalidArgumentError,
        "Float(): default=0.005 is not valid for 'lr'; "
        "allowed: a float 0.0001 <= x <= 0.01 in factors of 10",
        id="float-default-off-log-grid",
    ),
    pytest.param(
        lambda: Float("dropout", min_value=0, max_value=0.5, default=math.nan),
        InvalidArgumentError,
        "Float(): default=nan is not valid for 'dropout'; allowed: a float 0.0 <= x <= 0.5",
        id="float-default-nan",
    ),
    pytest.param(
        lambda: Float("dropout", min_value=0, max_value=0.5, default=True),
        InvalidArgumentError,
        "Float(): default=True is not valid for 'dropout'; allowed: a float 0.0 <= x <= 0.5",
        id="float-default-bool",
    ),
    # Choice
    pytest.param(
        lambda: Choice("activation", values=[]),
        InvalidArgumentError,
        "Choice(): values=[] is not valid for 'activation'; allowed: a non-empty list of values",
        id="choice-empty",
    ),
    pytest.param(
        lambda: Choice("activation", values=["relu", "tanh", "relu"]),
        InvalidArgumentError,
        "Choice(): values=['relu', 'tanh', 'relu'] is not valid for 'activation'; "
        "allowed: distinct values ('relu' repeats)",
        id="choice-repeated-str",
    ),
    pytest.param(
        lambda: Choice("lr", values=[1e-2, 1e-3, 1e-2]),
        InvalidArgumentError,
        "Choice(): values=[0.01, 0.001, 0.01] is not valid for 'lr'; "
        "allowed: distinct values (0.01 repeats)",
        id="choice-repeated-float",
    ),
    pytest.param(
        lambda: Choice("activation", values=["relu", 1]),
        ArgumentTypeError,
        f"Choice(): values=['relu', 1] is not valid for 'activation'; {MIXED}",
        id="choice-mixed-str-int",
    ),
    pytest.param(
        lambda: Choice("flag", values=[True, 1]),
        ArgumentTypeError,
        f"Choice(): values=[True, 1] is not valid for 'flag'; {MIXED}",
        id="choice-mixed-bool-int",
    ),
    pytest.param(
        lambda: Choice("units", values=[32, 64.0]),
        ArgumentTypeError,
        f"Choice(): values=[32, 64.0] is not valid for 'units'; {MIXED}",
        id="choice-mixed-int-float",
    ),
    pytest.param(
        lambda: Choice("shape", values=[[1], [2]]),
        ArgumentTypeError,
        f"Choice(): values=[[1], [2]] is not valid for 'shape'; {SCALARS}",
        id="choice-list-values",
    ),
    pytest.param(
        lambda: Choice("units", values=[None, 1]),
        ArgumentTypeError,
        f"Choice(): values=[None, 1] is not valid for 'units'; {SCALARS}",
        id="choice-none-value",
    ),
    pytest.param(
        lambda: Choice("lr", values=[0.1, math.nan]),
        ArgumentTypeError,
        f"Choice(): values=[0.1, nan] is not valid for 'lr'; {SCALARS}",
        id="choice-nan-value",
    ),
    pytest.param(
        lambda: Choice("units", values=5),
        ArgumentTypeError,
        "Choice(): values=5 is not valid for 'units'; allowed: a list or tuple of values",
        id="choice-values-not-a-list",
    ),
    pytest.param(
        lambda: Choice("units", values={"small": 32}),
        ArgumentTypeError,
        "Choice(): values={'small': 32} is not valid for 'units'; "
        "allowed: a list or tuple of values",
        id="choice-values-mapping",
    ),
    pytest.param(
        lambda: Choice("activation", values={"relu"}),
        ArgumentTypeError,
        "Choice(): values={'relu'} is not valid for 'activation'; "
        "allowed: a list or tuple of values",
        id="choice-values-set",
    ),
    pytest.param(
        lambda: Choice("activation", values=["relu", "tanh"], ordered=True),
        InvalidArgumentError,
        "Choice(): ordered=True is not valid for 'activation'; "
        "allowed: False for str or bool values",
        id="choice-ordered-str",
    ),
    pytest.param(
        lambda: Choice("flag", values=[True, False], ordered=True),
        InvalidArgumentError,
        "Choice(): ordered=True is not valid for 'flag'; allowed: False for str or bool values",
        id="choice-ordered-bool",
    ),
    pytest.param(
        lambda: Choice("units", values=[32, 64], ordered="yes"),
        ArgumentTypeError,
        "Choice(): ordered='yes' is not valid for 'units'; allowed: True, False or None",
        id="choice-ordered-not-bool",
    ),
    pytest.param(
        lambda: Choice("activation", values=["relu", "tanh"], default="gelu"),
        InvalidArgumentError,
        "Choice(): default='gelu' is not valid for 'activation'; allowed: one of 'relu' or 'tanh'",
        id="choice-default-outside",
    ),
    pytest.param(
        lambda: Choice("bn", values=[1, 0], default=True),
        InvalidArgumentError,
        "Choice(): default=True is not valid for 'bn'; allowed: one of 1 or 0",
        id="choice-default-bool-for-int",
    ),
    pytest.param(
        lambda: Choice("units", values=[32, 64], default=np.array([32, 64])),
        InvalidArgumentError,
        "Choice(): default=array([32, 64]) is not valid for 'units'; allowed: one of 32 or 64",
        id="choice-default-array",
    ),
    # Boolean and Fixed
    pytest.param(
        lambda: Boolean("dropout", default=1),
        ArgumentTypeError,
        "Boolean(): default=1 is not valid for 'dropout'; allowed: True or False",
        id="boolean-default-int",
    ),
    pytest.param(
        lambda: Boolean("dropout", default="True"),
        ArgumentTypeError,
        "Boolean(): default='True' is not valid for 'dropout'; allowed: True or False",
        id="boolean-default-str",
    ),
    pytest.param(
        lambda: Fixed("shape", value=[1, 2]),
        ArgumentTypeError,
        f"Fixed(): value=[1, 2] is not valid for 'shape'; {A_SCALAR}",
        id="fixed-list",
    ),
    pytest.param(
        lambda: Fixed("units", value=None),
        ArgumentTypeError,
        f"Fixed(): value=None is not valid for 'units'; {A_SCALAR}",
        id="fixed-none",
    ),
    pytest.param(
        lambda: Fixed("lr", value=math.inf),
        ArgumentTypeError,
        f"Fixed(): value=inf is not valid for 'lr'; {A_SCALAR}",
        id="fixed-inf",
    ),
    # names
    pytest.param(
        lambda: Int("", min_value=1, max_value=2),
        ArgumentTypeError,
        "Int(): name='' is not valid; allowed: a non-empty str",
        id="int-empty-name",
    ),
    pytest.param(
        lambda: Choice("", values=[1]),
        ArgumentTypeError,
        "Choice(): name='' is not valid; allowed: a non-empty str",
        id="choice-empty-name",
    ),
    pytest.param(
        lambda: Boolean(3),
        ArgumentTypeError,
        "Boolean(): name=3 is not valid; allowed: a non-empty str",
        id="boolean-int-name",
    ),
    pytest.param(
        lambda: Fixed(None, value=1),
        ArgumentTypeError,
        "Fixed(): name=None is not valid; allowed: a non-empty str",
        id="fixed-none-name",
    ),
    pytest.param(
        lambda: Float(b"lr", min_value=0, max_value=1),
        ArgumentTypeError,
        "Float(): name=b'lr' is not valid; allowed: a non-empty str",
        id="float-bytes-name",
    ),
    # conditions
    pytest.param(
        lambda: Int("layers", min_value=1, max_value=5, conditions="deep"),
        ArgumentTypeError,
        f"Int(): conditions='deep' is not valid for 'layers'; {A_CONDITION}",
        id="conditions-str",
    ),
    pytest.param(
        lambda: Boolean("bn", conditions=[{"parent": "deep", "values": [True]}]),
        ArgumentTypeError,
        "Boolean(): conditions={'parent': 'deep', 'values': [True]} is not valid for 'bn'; "
        + A_CONDITION,
        id="conditions-dict",
    ),
    pytest.param(
        lambda: Fixed("units", value=32, conditions=5),
        ArgumentTypeError,
        f"Fixed(): conditions=5 is not valid for 'units'; {A_CONDITION}",
        id="conditions-int",
    ),
    pytest.param(
        lambda: Condition(3, [1]),
        ArgumentTypeError,
        "Condition(): parent=3 is not valid; allowed: a non-empty str",
        id="condition-int-parent",
    ),
    pytest.param(
        lambda: Condition("", [1]),
        ArgumentTypeError,
        "Condition(): parent='' is not valid; allowed: a non-empty str",
        id="condition-empty-parent",
    ),
    pytest.param(
        lambda: Condition("deep", []),
        InvalidArgumentError,
        "Condition(): values=[] is not valid for 'deep'; allowed: at least one parent value",
        id="condition-no-values",
    ),
    pytest.param(
        lambda: Condition("optimizer", ["adam", "adam"]),
        InvalidArgumentError,
        "Condition(): values=['adam', 'adam'] is not valid for 'optimizer'; "
        "allowed: distinct values ('adam' repeats)",
        id="condition-repeated-value",
    ),
    pytest.param(
        lambda: Condition("optimizer", [["adam"]]),
        ArgumentTypeError,
        f"Condition(): values=[['adam']] is not valid for 'optimizer'; {SCALARS}",
        id="condition-list-value",
    ),
    pytest.param(
        lambda: Condition("optimizer", None),
        ArgumentTypeError,
        "Condition(): values=None is not valid for 'optimizer'; "
        "allowed: a parent value or a list of them",
        id="condition-values-none",
    ),
    pytest.param(
        lambda: Condition("optimizer", {"adam": 1}),
        ArgumentTypeError,
        "Condition(): values={'adam': 1} is not valid for 'optimizer'; "
        "allowed: a parent value or a list of them",
        id="condition-values-mapping",
    ),
    # Space
    pytest.param(
        lambda: Space([_units(), Boolean("units")]),
        InvalidSpaceError,
        "Space(): 'units' is declared twice; "
        "allowed: each name once (use distinct names or a name_scope)",
        id="space-duplicate-name",
    ),
    pytest.param(
        lambda: Space([Boolean("bn", conditions=Condition("deep", True))]),
        InvalidSpaceError,
        "Space(): 'bn' has a condition on 'deep', which is not in the space; "
        "allowed: a parent in the space (it has no other entry)",
        id="space-missing-parent-alone",
    ),
    pytest.param(
        lambda: Space([Boolean("deeper"), Boolean("bn", conditions=Condition("deep", True))]),
        InvalidSpaceError,
        "Space(): 'bn' has a condition on 'deep', which is not in the space; "
        "allowed: parents among 'deeper'",
        id="space-missing-parent",
    ),
    pytest.param(
        lambda: Space(
            [
                Choice("optimizer", values=["adam", "sgd"]),
                Float(
                    "momentum",
                    min_value=0,
                    max_value=1,
                    conditions=Condition("optimizer", "rmsprop"),
                ),
            ]
        ),
        InvalidSpaceError,
        "Space(): the condition of 'momentum' lists 'rmsprop' for 'optimizer'; "
        "allowed: values of 'optimizer': one of 'adam' or 'sgd'",
        id="space-condition-value-outside-parent",
    ),
    pytest.param(
        lambda: Space(
            [
                Boolean("deep"),
                Int("layers", min_value=1, max_value=3, conditions=Condition("deep", 1)),
            ]
        ),
        InvalidSpaceError,
        "Space(): the condition of 'layers' lists 1 for 'deep'; "
        "allowed: values of 'deep': True or False",
        id="space-condition-int-for-boolean",
    ),
    pytest.param(
        lambda: Space(
            [
                Boolean("a", conditions=Condition("b", True)),
                Boolean("b", conditions=Condition("a", True)),
            ]
        ),
        InvalidSpaceError,
        "Space(): conditions form a cycle: 'a' -> 'b' -> 'a'; "
        "allowed: parents that do not depend on their children",
        id="space-two-cycle",
    ),
    pytest.param(
        lambda: Space([Boolean("a", conditions=Condition("a", True))]),
        InvalidSpaceError,
        "Space(): conditions form a cycle: 'a' -> 'a'; "
        "allowed: parents that do not depend on their children",
        id="space-self-cycle",
    ),
    pytest.param(
        lambda: Space(
            [
                Boolean("x"),
                Boolean("a", conditions=Condition("c", True)),
                Boolean("b", conditions=Condition("a", True)),
                Boolean("c", conditions=Condition("b", True)),
            ]
        ),
        InvalidSpaceError,
        "Space(): conditions form a cycle: 'a' -> 'c' -> 'b' -> 'a'; "
        "allowed: parents that do not depend on their children",
        id="space-three-cycle",
    ),
    pytest.param(
        lambda: Space([_units(), "dropout"]),
        ArgumentTypeError,
        f"Space(): hyperparameters='dropout' is not valid; allowed: {KINDS}",
        id="space-str-entry",
    ),
    pytest.param(
        lambda: Space([Condition("deep", True)]),
        ArgumentTypeError,
        "Space(): hyperparameters=Condition(parent='deep', values=(True,)) is not valid; "
        f"allowed: {KINDS}",
        id="space-condition-entry",
    ),
    pytest.param(
        lambda: Space("units"),
        ArgumentTypeError,
        f"Space(): hyperparameters='units' is not valid; allowed: a list of {KINDS}",
        id="space-str",
    ),
    pytest.param(
        lambda: Space(5),
        ArgumentTypeError,
        f"Space(): hyperparameters=5 is not valid; allowed: a list of {KINDS}",
        id="space-not-iterable",
    ),
    # space[name]
    pytest.param(
        lambda: Space([_dropout(), _units()])["dropuot"],
        UnknownNameError,
        "Space[]: no hyperparameter named 'dropuot'; did you mean 'dropout'?",
        id="getitem-did-you-mean",
    ),
    pytest.param(
        lambda: Space([_dropout(), _units()])["learning_rate"],
        UnknownNameError,
        "Space[]: no hyperparameter named 'learning_rate'; known names: 'dropout' and 'units'",
        id="getitem-no-close-name",
    ),
    pytest.param(
        lambda: Space()["units"],
        UnknownNameError,
        "Space[]: no hyperparameter named 'units'; the space is empty",
        id="getitem-empty-space",
    ),
    # validate
    pytest.param(
        lambda: sa.validate(Space([_dropout()]), {"dropout": 0.7}),
        InvalidValueError,
        "validate(): 0.7 is not a valid value for 'dropout'; allowed: a float 0.0 <= x <= 0.5",
        id="validate-out-of-domain",
    ),
    pytest.param(
        lambda: sa.validate(Space([_units()]), {"units": True}),
        InvalidValueError,
        "validate(): True is not a valid value for 'units'; "
        "allowed: an int 32 <= x <= 128 in steps of 32",
        id="validate-bool-for-int",
    ),
    pytest.param(
        lambda: sa.validate(_conditional(), {"deep": True, "optimizer": "adam"}),
        ActivityError,
        "validate(): 'layers' is active but has no value; allowed: an int 1 <= x <= 3",
        id="validate-missing-active-value",
    ),
    pytest.param(
        lambda: sa.validate(_conditional(), {"deep": False, "layers": 2, "optimizer": "adam"}),
        ActivityError,
        "validate(): 'layers' is inactive but has the value 2; "
        "allowed: no value, as it is active only when 'deep' is True",
        id="validate-value-for-inactive",
    ),
    pytest.param(
        lambda: sa.validate(_conditional(), {"deep": False, "optimizer": "adam", "momentum": 0.9}),
        ActivityError,
        "validate(): 'momentum' is inactive but has the value 0.9; "
        "allowed: no value, as it is active only when 'optimizer' is one of 'sgd' or 'rmsprop'",
        id="validate-value-for-inactive-several-parent-values",
    ),
    pytest.param(
        lambda: sa.validate(_conditional(), {"deep": False, "optimizr": "adam"}),
        UnknownNameError,
        "validate(): no hyperparameter named 'optimizr'; did you mean 'optimizer'?",
        id="validate-unknown-name",
    ),
    pytest.param(
        lambda: sa.validate(Space([_units()]), [("units", 32)]),
        ArgumentTypeError,
        "validate(): values=[('units', 32)] is not valid; allowed: a mapping of names to values",
        id="validate-not-a-mapping",
    ),
    pytest.param(
        lambda: sa.validate([_units()], {"units": 32}),
        ArgumentTypeError,
        "validate(): space=[Int(name='units', min_value=32, max_value=128, step=32, "
        f"sampling='linear', default=32, conditions=())] is not valid; {A_SPACE}",
        id="validate-not-a-space",
    ),
    # sample, sample_many, grid, defaults
    pytest.param(
        lambda: sa.sample(Space([_units()]), "seed"),
        ArgumentTypeError,
        f"sample(): rng='seed' is not valid; {ALLOWED_RNG}",
        id="sample-str-rng",
    ),
    pytest.param(
        lambda: sa.sample(Space([_units()]), 1.5),
        ArgumentTypeError,
        f"sample(): rng=1.5 is not valid; {ALLOWED_RNG}",
        id="sample-float-rng",
    ),
    pytest.param(
        lambda: sa.sample(Space([_units()]), None),
        ArgumentTypeError,
        f"sample(): rng=None is not valid; {ALLOWED_RNG}",
        id="sample-none-rng",
    ),
    pytest.param(
        lambda: sa.sample(Space([_units()]), -1),
        InvalidArgumentError,
        f"sample(): rng=-1 is not valid; {ALLOWED_RNG}",
        id="sample-negative-seed",
    ),
    pytest.param(
        lambda: sa.sample({"units": _units()}, 0),
        ArgumentTypeError,
        "sample(): space={'units': Int(name='units', min_value=32, max_value=128, step=32, "
        f"sampling='linear', default=32, conditions=())}} is not valid; {A_SPACE}",
        id="sample-not-a-space",
    ),
    pytest.param(
        lambda: sa.sample_many(Space([_units()]), -1, 0),
        InvalidArgumentError,
        "sample_many(): n=-1 is not valid; allowed: an int >= 0",
        id="sample-many-negative-n",
    ),
    pytest.param(
        lambda: sa.sample_many(Space([_units()]), 2.0, 0),
        ArgumentTypeError,
        "sample_many(): n=2.0 is not valid; allowed: an int >= 0",
        id="sample-many-float-n",
    ),
    pytest.param(
        lambda: sa.sample_many(Space([_units()]), True, 0),
        ArgumentTypeError,
        "sample_many(): n=True is not valid; allowed: an int >= 0",
        id="sample-many-bool-n",
    ),
    pytest.param(
        lambda: sa.sample_many(Space([_units()]), 3, np.random.default_rng),
        ArgumentTypeError,
        f"sample_many(): rng={np.random.default_rng!r} is not valid; {ALLOWED_RNG}",
        id="sample-many-rng-factory",
    ),
    pytest.param(
        lambda: sa.grid(Space([Boolean("bn"), Float("lr", min_value=1e-4, max_value=1e-2)])),
        ContinuousSpaceError,
        "grid(): 'lr' is continuous; allowed: a step on every Float (restrict or fix it first)",
        id="grid-one-continuous",
    ),
    pytest.param(
        lambda: sa.grid(Space([Float("lr", min_value=1e-4, max_value=1e-2), _units(), _dropout()])),
        ContinuousSpaceError,
        "grid(): 'lr' and 'dropout' are continuous; "
        "allowed: a step on every Float (restrict or fix them first)",
        id="grid-two-continuous",
    ),
    pytest.param(
        lambda: sa.defaults([_units()]),
        ArgumentTypeError,
        "defaults(): space=[Int(name='units', min_value=32, max_value=128, step=32, "
        f"sampling='linear', default=32, conditions=())] is not valid; {A_SPACE}",
        id="defaults-not-a-space",
    ),
    # Values
    pytest.param(
        lambda: Values({"units": [32]}),
        ArgumentTypeError,
        f"Values(): value=[32] is not valid for 'units'; {A_SCALAR}",
        id="values-list-value",
    ),
    pytest.param(
        lambda: Values({"lr": math.nan}),
        ArgumentTypeError,
        f"Values(): value=nan is not valid for 'lr'; {A_SCALAR}",
        id="values-nan-value",
    ),
    pytest.param(
        lambda: Values({1: 32}),
        ArgumentTypeError,
        "Values(): name=1 is not valid; allowed: a str",
        id="values-int-key",
    ),
    pytest.param(
        lambda: Values(5),
        ArgumentTypeError,
        "Values(): items=5 is not valid; "
        "allowed: a mapping of names to values, or (name, value) pairs",
        id="values-not-a-mapping",
    ),
    # serialization
    pytest.param(
        lambda: sa.from_dict(_saved(lambda data: data.update(version=3))),
        SerializationError,
        "from_dict(): schema version 3 is newer than this spacealg reads (up to 2); "
        "upgrade spacealg (at version)",
        id="from-dict-newer-version",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(lambda data: data.update(version="1"))),
        SerializationError,
        "from_dict(): expected a schema version (an int >= 1), got '1' (at version)",
        id="from-dict-str-version",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(lambda data: data.pop("version"))),
        SerializationError,
        "from_dict(): missing field 'version'",
        id="from-dict-missing-version",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(lambda data: data.update(format="keras_tuner"))),
        SerializationError,
        "from_dict(): expected 'spacealg.space', got 'keras_tuner' (at format)",
        id="from-dict-wrong-format",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(_entry(max_value=None))),
        SerializationError,
        "from_dict(): missing field 'max_value' (at hyperparameters[0])",
        id="from-dict-missing-field",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(_entry(min_value="32"))),
        SerializationError,
        "from_dict(): Int(): min_value='32' is not valid for 'units'; allowed: a finite int "
        "(at hyperparameters[0].min_value)",
        id="from-dict-wrong-type",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(lambda data: data.update(hyperparameters={"units": 1}))),
        SerializationError,
        "from_dict(): expected an array, got an object (at hyperparameters)",
        id="from-dict-hyperparameters-not-an-array",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(_entry(kind="integer"))),
        SerializationError,
        "from_dict(): unknown kind 'integer'; did you mean 'int'? (at hyperparameters[0].kind)",
        id="from-dict-unknown-kind",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(_entry(kind=["int"]))),
        SerializationError,
        "from_dict(): unknown kind ['int']; known: 'int', 'float', 'choice', 'boolean' and "
        "'fixed' (at hyperparameters[0].kind)",
        id="from-dict-kind-not-a-string",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(_entry(units=3))),
        SerializationError,
        "from_dict(): unknown field 'units'; known: 'kind', 'name', 'min_value', 'max_value', "
        "'step', 'sampling', 'default' and 'conditions' (at hyperparameters[0])",
        id="from-dict-unknown-field",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(lambda data: data["hyperparameters"].append(3))),
        SerializationError,
        "from_dict(): expected an object, got a number (at hyperparameters[1])",
        id="from-dict-entry-not-an-object",
    ),
    pytest.param(
        lambda: sa.from_dict(_saved(_entry(conditions=[{"parent": "deep"}]))),
        SerializationError,
        "from_dict(): missing field 'values' (at hyperparameters[0].conditions[0])",
        id="from-dict-condition-missing-values",
    ),
    pytest.param(
        lambda: sa.from_dict(
            _saved(lambda data: data["hyperparameters"].append(data["hyperparameters"][0]))
        ),
        SerializationError,
        "from_dict(): Space(): 'units' is declared twice; "
        "allowed: each name once (use distinct names or a name_scope) (at hyperparameters[1])",
        id="from-dict-invalid-space",
    ),
    pytest.param(
        lambda: sa.from_dict([1]),
        SerializationError,
        "from_dict(): expected an object, got an array",
        id="from-dict-not-an-object",
    ),
    pytest.param(
        lambda: sa.from_json('{"format": "spacealg.space",'),
        SerializationError,
        "from_json(): invalid JSON: Expecting property name enclosed in double quotes "
        "at line 1 column 29",
        id="from-json-invalid",
    ),
    pytest.param(
        lambda: sa.from_json(""),
        SerializationError,
        "from_json(): invalid JSON: Expecting value at line 1 column 1",
        id="from-json-empty",
    ),
    pytest.param(
        lambda: sa.from_json("[]"),
        SerializationError,
        "from_json(): expected an object, got an array",
        id="from-json-array",
    ),
    pytest.param(
        lambda: sa.from_json(None),
        ArgumentTypeError,
        "from_json(): text=None is not valid; allowed: a str or bytes of JSON text",
        id="from-json-none",
    ),
    pytest.param(
        lambda: sa.from_keras_tuner({"values": {}}),
        SerializationError,
        "from_keras_tuner(): missing field 'space'",
        id="from-keras-tuner-missing-space",
    ),
    pytest.param(
        lambda: sa.from_keras_tuner(_keras_tuner({"class_name": "Int"})),
        SerializationError,
        "from_keras_tuner(): missing field 'config' (at space[0])",
        id="from-keras-tuner-missing-config",
    ),
    pytest.param(
        lambda: sa.from_keras_tuner(
            _keras_tuner({"class_name": "Int", "config": {"name": "units", "min_value": 1}})
        ),
        SerializationError,
        "from_keras_tuner(): missing field 'max_value' (at space[0].config)",
        id="from-keras-tuner-missing-field",
    ),
    pytest.param(
        lambda: sa.from_keras_tuner(
            _keras_tuner({"class_name": "Integer", "config": {"name": "units"}})
        ),
        SerializationError,
        "from_keras_tuner(): unknown kind 'Integer'; did you mean 'Int'? (at space[0].class_name)",
        id="from-keras-tuner-unknown-class",
    ),
    pytest.param(
        lambda: sa.from_keras_tuner(
            _keras_tuner({"class_name": "Boolean", "config": {"name": "bn", "conditions": "deep"}})
        ),
        SerializationError,
        "from_keras_tuner(): expected an array, got a string (at space[0].config.conditions)",
        id="from-keras-tuner-conditions-not-an-array",
    ),
    # fix
    pytest.param(
        lambda: sa.fix(_tailorable(), unit=64),
        UnknownNameError,
        "fix(): no hyperparameter named 'unit'; did you mean 'units'?",
        id="fix-unknown-name",
    ),
    pytest.param(
        lambda: sa.fix(
            Space(
                [
                    Boolean("deep"),
                    Int("layers", min_value=2, max_value=4, conditions=Condition("deep", True)),
                ]
            ),
            deep=False,
            layers=3,
        ),
        ActivityError,
        "fix(): 'layers' cannot be fixed: its condition 'deep' in [True] can no longer hold "
        "('deep' is exactly False)",
        id="fix-contradicts-its-own-condition",
    ),
    pytest.param(
        lambda: sa.fix(_tailorable(), units=50),
        InvalidValueError,
        "fix(): 50 is not a valid value for 'units'; allowed: an int 32 <= x <= 128 in steps of 32",
        id="fix-int-off-grid",
    ),
    pytest.param(
        lambda: sa.fix(_tailorable(), dropout=0.7),
        InvalidValueError,
        "fix(): 0.7 is not a valid value for 'dropout'; allowed: a float 0.0 <= x <= 0.5",
        id="fix-float-above-max",
    ),
    pytest.param(
        lambda: sa.fix(_tailorable(), activation="elu"),
        InvalidValueError,
        "fix(): 'elu' is not a valid value for 'activation'; allowed: one of 'relu' or 'tanh'",
        id="fix-choice-not-listed",
    ),
    pytest.param(
        lambda: sa.fix(_tailorable(), batch_norm=1),
        InvalidValueError,
        "fix(): 1 is not a valid value for 'batch_norm'; allowed: True or False",
        id="fix-boolean-int",
    ),
    # restrict
    pytest.param(
        lambda: sa.restrict(_tailorable(), "unit", min_value=64),
        UnknownNameError,
        "restrict(): no hyperparameter named 'unit'; did you mean 'units'?",
        id="restrict-unknown-name",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "units", min_value=200),
        InvalidArgumentError,
        "restrict(): min_value=200 is not valid for 'units'; "
        "allowed: bounds that keep a value of an int 32 <= x <= 128 in steps of 32",
        id="restrict-bound-above-max",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "dropout", max_value=-0.1),
        InvalidArgumentError,
        "restrict(): max_value=-0.1 is not valid for 'dropout'; "
        "allowed: bounds that keep a value of a float 0.0 <= x <= 0.5",
        id="restrict-bound-below-min",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "lr", min_value=0.5),
        InvalidArgumentError,
        "restrict(): min_value=0.5 is not valid for 'lr'; "
        "allowed: bounds that keep a value of one of 0.01, 0.001 or 0.0001",
        id="restrict-numeric-choice-bound-above-max",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "units", min_value=math.nan),
        InvalidArgumentError,
        "restrict(): min_value=nan is not valid for 'units'; allowed: None or a finite float",
        id="restrict-bound-not-a-number",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "units", min_value=96, max_value=64),
        InvalidArgumentError,
        "restrict(): max_value=64 is not valid for 'units'; allowed: max_value >= 96",
        id="restrict-min-above-max",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "units", min_value=65, max_value=90),
        InvalidArgumentError,
        "restrict(): min_value=65 is not valid for 'units'; "
        "allowed: bounds that keep a value of an int 32 <= x <= 128 in steps of 32",
        id="restrict-bounds-between-grid-points",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "activation", values=[]),
        InvalidArgumentError,
        "restrict(): values=[] is not valid for 'activation'; "
        "allowed: a non-empty part of one of 'relu' or 'tanh'",
        id="restrict-empty-values",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "units", values=[32, 64]),
        InvalidArgumentError,
        "restrict(): values=[32, 64] is not valid for 'units'; "
        "allowed: min_value and max_value for a number",
        id="restrict-values-on-int",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "activation", min_value="a"),
        InvalidArgumentError,
        "restrict(): min_value='a' is not valid for 'activation'; "
        "allowed: values=[...] for a non-numeric entry",
        id="restrict-bounds-on-str-choice",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "activation", values=["relu", "elu"]),
        InvalidValueError,
        "restrict(): 'elu' is not a valid value for 'activation'; allowed: one of 'relu' or 'tanh'",
        id="restrict-value-not-in-domain",
    ),
    pytest.param(
        lambda: sa.restrict(_tailorable(), "units"),
        InvalidArgumentError,
        "restrict(): min_value=None is not valid for 'units'; "
        "allowed: min_value, max_value or values to narrow by",
        id="restrict-no-arguments",
    ),
    # override and merge
    pytest.param(
        lambda: sa.override(_tailorable(), Float("learning_rate", min_value=1e-4, max_value=1e-2)),
        UnknownNameError,
        "override(): no hyperparameter named 'learning_rate'; "
        "known names: 'units', 'dropout', 'activation', 'batch_norm' and 'lr'",
        id="override-unknown-name",
    ),
    pytest.param(
        lambda: sa.merge(Space([_units()]), Space([Int("units", min_value=16, max_value=64)])),
        InvalidSpaceError,
        "merge(): 'units' is declared differently: Int(name='units', min_value=32, "
        "max_value=128, step=32, sampling='linear', default=32, conditions=()) and "
        "Int(name='units', min_value=16, max_value=64, step=1, sampling='linear', default=16, "
        "conditions=()); allowed: identical declarations, or on_conflict='left' or 'right'",
        id="merge-conflict",
    ),
    pytest.param(
        lambda: sa.merge(_tailorable(), on_conflict="first"),
        InvalidArgumentError,
        "merge(): on_conflict='first' is not valid; allowed: 'error', 'left' or 'right'",
        id="merge-unknown-on-conflict",
    ),
    # select and drop
    pytest.param(
        lambda: sa.select(_conditional(), "optimiser"),
        UnknownNameError,
        "select(): no hyperparameter named 'optimiser'; did you mean 'optimizer'?",
        id="select-unknown-name",
    ),
    pytest.param(
        lambda: sa.select(_conditional(), "layers"),
        InvalidSpaceError,
        "select(): 'layers' would lose its parent 'deep'; allowed: select 'deep' too, "
        "or drop 'layers'",
        id="select-orphans-a-child",
    ),
    pytest.param(
        lambda: sa.drop(_conditional(), "dep"),
        UnknownNameError,
        "drop(): no hyperparameter named 'dep'; did you mean 'deep'?",
        id="drop-unknown-name",
    ),
    pytest.param(
        lambda: sa.drop(_conditional(), "optimizer"),
        InvalidSpaceError,
        "drop(): 'momentum' would lose its parent 'optimizer'; allowed: drop 'momentum' too, "
        "or keep 'optimizer'",
        id="drop-orphans-a-child",
    ),
    # resolve
    pytest.param(
        lambda: sa.resolve(_conditional(), Space([Boolean("deep")]), allow_new_entries=False),
        InvalidSpaceError,
        "resolve(): the hypermodel declares 'layers', 'optimizer' and 'momentum', which the "
        "tailoring does not list; allowed: names listed in the tailoring "
        "(or allow_new_entries=True)",
        id="resolve-new-entries-not-allowed",
    ),
    pytest.param(
        lambda: sa.resolve(_conditional(), {"deep": True}),
        ArgumentTypeError,
        "resolve(): tailoring={'deep': True} is not valid; "
        "allowed: a Space, a HyperParameters handle or None",
        id="resolve-tailoring-not-a-space",
    ),
    # the HyperParameters handle and declare
    pytest.param(
        lambda: _handle().get("layers"),
        InactiveError,
        "HyperParameters.get(): 'layers' is inactive in this trial, so it has no value; "
        "it is active when 'deep' is one of [True]",
        id="handle-get-inactive",
    ),
    pytest.param(
        lambda: _handle().get("layer"),
        UnknownNameError,
        "HyperParameters.get(): no hyperparameter named 'layer'; did you mean 'layers'?",
        id="handle-get-unknown-name",
    ),
    pytest.param(
        lambda: _handle()["dep"],
        UnknownNameError,
        "HyperParameters[]: no hyperparameter named 'dep'; did you mean 'deep'?",
        id="handle-getitem-unknown-name",
    ),
    pytest.param(
        _scope_on_undeclared_parent,
        UnknownNameError,
        "HyperParameters.conditional_scope(): no hyperparameter named 'model'; the space is empty",
        id="handle-scope-undeclared-parent",
    ),
    pytest.param(
        _redeclare,
        InvalidSpaceError,
        "HyperParameters.Int(): 'units' is declared twice with different declarations: "
        "Int(name='units', min_value=32, max_value=128, step=1, sampling='linear', default=32, "
        "conditions=()) and Int(name='units', min_value=16, max_value=64, step=1, "
        "sampling='linear', default=16, conditions=()); "
        "allowed: one declaration per name (use distinct names or a name_scope)",
        id="handle-redeclared-differently",
    ),
    pytest.param(
        lambda: sa.declare(_NoSpace()),
        InvalidSpaceError,
        "declare(): <a model without a space> has no space to declare; allowed: a Space, "
        "an object with a .space Space or a .build(hp) method, or a function of hp",
        id="declare-no-space",
    ),
    # Entries declared during trials
    pytest.param(
        lambda: sa.HyperParameters(
            tailoring=Space([_units()]), declared=Space([_units()]), allow_new_entries=False
        ).Boolean("dropout"),
        InvalidSpaceError,
        "HyperParameters.Boolean(): 'dropout' is declared during a trial, but the tailoring "
        "does not list it; allowed: names listed in the tailoring (or allow_new_entries=True)",
        id="handle-new-entry-not-allowed",
    ),
    pytest.param(
        lambda: sa.resolve(Space([_units()]), Space([_units()]), allow_new_entries=False).join(
            [Boolean("dropout")], note="trial 0"
        ),
        InvalidSpaceError,
        "resolve(): the hypermodel declares 'dropout', which the tailoring does not list; "
        "allowed: names listed in the tailoring (or allow_new_entries=True)",
        id="join-new-entry-not-allowed",
    ),
    # Hyperband
    pytest.param(
        lambda: sa.HyperbandOracle(max_epochs=0),
        InvalidArgumentError,
        "HyperbandOracle(): max_epochs=0 is not valid; allowed: an int >= 1",
        id="hyperband-max-epochs",
    ),
    pytest.param(
        lambda: sa.HyperbandOracle(factor=1),
        InvalidArgumentError,
        "HyperbandOracle(): factor=1 is not valid; allowed: an int >= 2",
        id="hyperband-factor",
    ),
    pytest.param(
        lambda: sa.HyperbandOracle(hyperband_iterations=True),
        InvalidArgumentError,
        "HyperbandOracle(): hyperband_iterations=True is not valid; allowed: an int >= 1",
        id="hyperband-iterations",
    ),
    pytest.param(
        lambda: sa.minimize(_no_budget, Space([_units()]), max_trials=1, oracle="hyperband"),
        ArgumentTypeError,
        "minimize(): fn=<function _no_budget> is not valid; allowed: a function of "
        "(values, budget) for the 'hyperband' oracle, which gives each trial a budget (its "
        "number of epochs) as budget=",
        id="hyperband-objective-without-budget",
    ),
    pytest.param(
        lambda: _parallel(executor=42),
        ArgumentTypeError,
        "minimize(): executor=42 is not valid; allowed: None, a concurrent.futures.Executor, "
        "a dask.distributed.Client or a scheduler address such as 'tcp://127.0.0.1:8786'",
        id="parallel-executor-not-an-executor",
    ),
    pytest.param(
        lambda: _parallel(n_workers=True),
        InvalidArgumentError,
        "minimize(): n_workers=True is not valid; allowed: None or an int >= 1",
        id="parallel-n-workers-bool",
    ),
    pytest.param(
        lambda: _parallel(n_workers=2, executor=concurrent.futures.ThreadPoolExecutor(1)),
        InvalidArgumentError,
        "minimize(): n_workers=2 is not valid; allowed: None when executor= is given "
        "(the executor's worker count is used)",
        id="parallel-n-workers-with-executor",
    ),
    pytest.param(
        lambda: _parallel(_Locked(), n_workers=2),
        NotSerializableError,
        "minimize(): fn=<an objective holding a lock> cannot be sent to the workers "
        "(TypeError: cannot pickle '_thread.lock' object); allowed: a value cloudpickle can "
        "serialize (install spacealg[parallel] for lambdas and functions defined in __main__ "
        "or a notebook)",
        id="parallel-objective-not-serializable",
    ),
    pytest.param(
        lambda: sa.from_keras_tuner(sa.to_dict(Space([Boolean("b")]))),
        SerializationError,
        "from_keras_tuner(): missing field 'space'; a saved spacealg space is read by from_dict()",
        id="from-keras-tuner-given-a-spacealg-dict",
    ),
    # Crashes with builtin exceptions (issue 13): each is a SpaceError now
    pytest.param(
        lambda: sa.fix([Boolean("b")], b=True),
        ArgumentTypeError,
        "fix(): space=[Boolean(name='b', default=False, conditions=())] is not valid; allowed: a "
        "Space, such as Space([Int(...), Boolean(...)])",
        id="fix-given-a-list",
    ),
    pytest.param(
        lambda: sa.restrict([Boolean("b")], "b", values=[True]),
        ArgumentTypeError,
        "restrict(): space=[Boolean(name='b', default=False, conditions=())] is not valid; "
        "allowed: a Space, such as Space([Int(...), Boolean(...)])",
        id="restrict-given-a-list",
    ),
    pytest.param(
        lambda: sa.override(_UNITS, "units"),
        ArgumentTypeError,
        "override(): hyperparameters='units' is not valid; allowed: an Int, Float, Choice, "
        "Boolean or Fixed, such as Boolean('dropout')",
        id="override-given-a-name",
    ),
    pytest.param(
        lambda: sa.merge(_UNITS, [Boolean("b")]),
        ArgumentTypeError,
        "merge(): spaces=[Boolean(name='b', default=False, conditions=())] is not valid; allowed: "
        "a Space, such as Space([Int(...), Boolean(...)])",
        id="merge-given-a-list",
    ),
    pytest.param(
        lambda: sa.select(_UNITS, ["opt"]),
        ArgumentTypeError,
        "select(): names=['opt'] is not valid; allowed: a non-empty str",
        id="select-given-a-list-of-names",
    ),
    pytest.param(
        lambda: sa.drop(_UNITS, ["opt"]),
        ArgumentTypeError,
        "drop(): names=['opt'] is not valid; allowed: a non-empty str",
        id="drop-given-a-list-of-names",
    ),
    pytest.param(
        lambda: sa.summary([Boolean("b")]),
        ArgumentTypeError,
        "summary(): space=[Boolean(name='b', default=False, conditions=())] is not valid; "
        "allowed: a Space, such as Space([Int(...), Boolean(...)])",
        id="summary-given-a-list",
    ),
    pytest.param(
        lambda: sa.to_json([Boolean("b")]),
        ArgumentTypeError,
        "to_json(): space=[Boolean(name='b', default=False, conditions=())] is not valid; "
        "allowed: a Space, such as Space([Int(...), Boolean(...)])",
        id="to-json-given-a-list",
    ),
    pytest.param(
        lambda: sa.to_dict([Boolean("b")]),
        ArgumentTypeError,
        "to_dict(): space=[Boolean(name='b', default=False, conditions=())] is not valid; "
        "allowed: a Space, such as Space([Int(...), Boolean(...)])",
        id="to-dict-given-a-list",
    ),
    pytest.param(
        lambda: sa.resolve([Boolean("b")]),
        ArgumentTypeError,
        "resolve(): declared=[Boolean(name='b', default=False, conditions=())] is not valid; "
        "allowed: a Space, such as Space([Int(...), Boolean(...)])",
        id="resolve-given-a-list",
    ),
    pytest.param(
        lambda: sa.explain([Boolean("b")]),
        ArgumentTypeError,
        "explain(): trial_space=[Boolean(name='b', default=False, conditions=())] is not valid; "
        "allowed: a TrialSpace, such as resolve(space)",
        id="explain-given-a-list",
    ),
    pytest.param(
        lambda: sa.restrict(_UNITS, "opt", values=5),
        ArgumentTypeError,
        "restrict(): values=5 is not valid for 'opt'; allowed: None or an iterable of values, "
        "such as ['adam', 'sgd']",
        id="restrict-values-not-iterable",
    ),
    pytest.param(
        lambda: sa.HyperParameters([("a", 1)]),
        ArgumentTypeError,
        "HyperParameters(): values=[('a', 1)] is not valid; allowed: None or a mapping of names "
        "to values",
        id="hyperparameters-given-pairs",
    ),
    pytest.param(
        lambda: sa.Objective.infer(5),
        ArgumentTypeError,
        "Objective.infer(): name=5 is not valid; allowed: a non-empty str",
        id="objective-infer-given-an-int",
    ),
    pytest.param(
        lambda: sa.resolve(_UNITS).complete(5),
        ArgumentTypeError,
        "TrialSpace.complete(): values=5 is not valid; allowed: a mapping of names to values",
        id="complete-given-an-int",
    ),
    pytest.param(
        lambda: sa.minimize(lambda v: 0.0, _UNITS, max_trials=1, verbose=0, project_name=None),
        ArgumentTypeError,
        "Study(): project_name=None is not valid; allowed: a non-empty str",
        id="minimize-project-name-none",
    ),
    pytest.param(
        lambda: sa.minimize(lambda v: 0.0, _UNITS, max_trials=1, verbose=0, directory=None),
        ArgumentTypeError,
        "Study(): directory=None is not valid; allowed: a str or os.PathLike path",
        id="minimize-directory-none",
    ),
    pytest.param(
        lambda: sa.validate(_UNITS, {"opt": np.array([1, 2]), "units": 32}),
        InvalidValueError,
        "validate(): array([1, 2]) is not a valid value for 'opt'; allowed: one of 'a' or 'b'",
        id="validate-given-an-array",
    ),
    pytest.param(
        lambda: sa.from_json("[" * 100_000 + "]" * 100_000),
        SerializationError,
        "from_json(): invalid JSON: nested too deeply",
        id="from-json-nested-too-deeply",
    ),
    pytest.param(
        lambda: sa.Objective.infer("throughput"),
        InvalidArgumentError,
        "Objective.infer(): objective='throughput' is not valid for 'throughput'; allowed: a "
        "metric whose direction is known, or Objective('throughput', 'min' or 'max')",
        id="objective-infer-unknown-direction",
    ),
    # The shared checks (spacealg._space.validation): one wording per rule
    pytest.param(
        lambda: sa.RandomSearchOracle(max_collisions=0),
        InvalidArgumentError,
        "RandomSearchOracle(): max_collisions=0 is not valid; allowed: an int >= 1",
        id="random-max-collisions",
    ),
    pytest.param(
        lambda: sa.TPEOracle(n_ei_candidates=0),
        InvalidArgumentError,
        "TPEOracle(): n_ei_candidates=0 is not valid; allowed: an int >= 1",
        id="tpe-n-ei-candidates",
    ),
    pytest.param(
        lambda: sa.TPEOracle(gamma=1),
        InvalidArgumentError,
        "TPEOracle(): gamma=1 is not valid; allowed: a float 0 < x < 1",
        id="tpe-gamma",
    ),
    pytest.param(
        lambda: sa.TPEOracle(prior_weight=math.inf),
        InvalidArgumentError,
        "TPEOracle(): prior_weight=inf is not valid; allowed: a finite float > 0",
        id="tpe-prior-weight",
    ),
    pytest.param(
        lambda: sa.BayesianOptimizationOracle(num_initial_points=-1),
        InvalidArgumentError,
        "BayesianOptimizationOracle(): num_initial_points=-1 is not valid; "
        "allowed: None or an int >= 0",
        id="bayesian-num-initial-points",
    ),
    pytest.param(
        lambda: sa.BayesianOptimizationOracle(alpha=1.5),
        InvalidArgumentError,
        "BayesianOptimizationOracle(): alpha=1.5 is not valid; allowed: a float 0 < x <= 1",
        id="bayesian-alpha",
    ),
    pytest.param(
        lambda: sa.BayesianOptimizationOracle(acquisition="ucb", beta=math.nan),
        InvalidArgumentError,
        "BayesianOptimizationOracle(): beta=nan is not valid; allowed: None or a finite float >= 0",
        id="bayesian-beta",
    ),
    pytest.param(
        lambda: sa.BayesianOptimizationOracle(num_refined=False),
        InvalidArgumentError,
        "BayesianOptimizationOracle(): num_refined=False is not valid; allowed: an int >= 0",
        id="bayesian-num-refined",
    ),
    pytest.param(
        lambda: _study(executions_per_trial=0),
        InvalidArgumentError,
        "Study(): executions_per_trial=0 is not valid; allowed: an int >= 1",
        id="study-executions-per-trial",
    ),
    pytest.param(
        lambda: _study(heartbeat_timeout=-1.0),
        InvalidArgumentError,
        "Study(): heartbeat_timeout=-1.0 is not valid; allowed: a finite float > 0",
        id="study-heartbeat-timeout",
    ),
    pytest.param(
        lambda: _study().run(0),
        InvalidArgumentError,
        "Study.run(): max_trials=0 is not valid; allowed: None or an int >= 1",
        id="study-run-max-trials",
    ),
    pytest.param(
        lambda: sa.declare(_handle().space, max_explorations=0),
        InvalidArgumentError,
        "declare(): max_explorations=0 is not valid; allowed: an int >= 1",
        id="declare-max-explorations",
    ),
    pytest.param(
        lambda: sa.Objective("", "min"),
        ArgumentTypeError,
        "Objective(): name='' is not valid; allowed: a non-empty str",
        id="objective-empty-name",
    ),
    pytest.param(
        _dask_address_without_dask,
        MissingDependencyError,
        "minimize(): executor='tcp://127.0.0.1:8786' needs distributed, which is not "
        "installed; install it with: pip install 'spacealg[dask]'",
        id="parallel-dask-not-installed",
    ),
]


def _raise(call: Any) -> SpaceError:
    try:
        call()
    except SpaceError as error:
        return error
    pytest.fail(f"{call} raised nothing")


@pytest.mark.parametrize(("call", "error_class", "message"), ROWS)
def test_bad_call_raises_exact_error(call: Any, error_class: type, message: str) -> None:
    with pytest.raises(error_class) as excinfo:
        call()
    assert type(excinfo.value) is error_class
    assert str(excinfo.value) == message


def test_the_table_is_large_and_distinct() -> None:
    assert len(ROWS) >= 50
    assert len({row.values[2] for row in ROWS}) == len(ROWS), "two rows expect one message"


def _same(a: object, b: object) -> bool:
    """Equality that counts nan equal to nan, inside containers too."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize(("call", "error_class", "message"), ROWS)
def test_raised_error_pickles(call: Any, error_class: type, message: str) -> None:
    error = _raise(call)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) is error_class
    assert str(copy) == str(error) == message
    assert vars(copy).keys() == vars(error).keys()
    for key, value in vars(error).items():
        assert _same(getattr(copy, key), value), key
    assert _same(copy.args, error.args)


# -- the class tree -----------------------------------------------------------------

_TREE_LINE = re.compile(r"^(?P<indent>[\s│├└─]*?)(?P<name>[A-Z]\w+) \((?P<base>\w+)\)")


def _documented_tree() -> dict[str, tuple[str | None, str]]:
    """Each class in the docstring's tree: (its parent in the tree, the builtin named)."""
    assert errors.__doc__ is not None
    tree: dict[str, tuple[str | None, str]] = {}
    stack: list[tuple[int, str]] = []
    for line in errors.__doc__.splitlines():
        match = _TREE_LINE.match(line)
        if match is None:
            continue
        column = match.start("name")
        while stack and stack[-1][0] >= column:
            stack.pop()
        tree[match["name"]] = (stack[-1][1] if stack else None, match["base"])
        stack.append((column, match["name"]))
    return tree


def test_the_docstring_tree_lists_every_error_class() -> None:
    tree = _documented_tree()
    assert set(tree) == set(errors.__all__)
    assert tree["SpaceError"] == (None, "Exception")


@pytest.mark.parametrize("name", sorted(errors.__all__))
def test_error_class_sits_where_the_tree_says(name: str) -> None:
    cls = getattr(errors, name)
    parent, builtin = _documented_tree()[name]
    assert issubclass(cls, SpaceError)
    assert issubclass(cls, getattr(builtins, builtin))
    if parent is not None:
        assert issubclass(cls, getattr(errors, parent))


def _placeholder(annotation: str, position: int) -> object:
    if annotation.startswith("tuple"):
        return ("alpha", "beta")
    if annotation == "object":
        return [position, math.nan]
    if annotation.startswith("dict"):
        return {"COMPLETED": 0, "FAILED": position}
    if annotation == "int":
        return position
    return f"text{position}"


@pytest.mark.parametrize("name", sorted(set(errors.__all__) - {"SpaceError"}))
def test_every_error_class_pickles(name: str) -> None:
    """Also the classes no row of the table raises, built from placeholder facts."""
    cls = getattr(errors, name)
    parameters = list(inspect.signature(cls).parameters.values())
    error = cls(*(_placeholder(str(p.annotation), i) for i, p in enumerate(parameters)))
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)
    for parameter in parameters:
        assert _same(getattr(copy, parameter.name), getattr(error, parameter.name))


def test_every_error_class_pickles_as_tblib_pickles_it():
    """Dask and TensorFlow install tblib's exception pickling, which rebuilds an error
    without calling ``__init__`` and restores its ``__dict__``: every fact must survive."""
    script = """
import inspect, pickle, sys
from spacealg import errors
import tblib.pickling_support
tblib.pickling_support.install()  # as dask does: for every exception class known by then
for name in sorted(set(errors.__all__) - {"SpaceError"}):
    cls = getattr(errors, name)
    parameters = inspect.signature(cls).parameters.values()
    facts = {"int": 3, "tuple[str, ...]": ("a", "b"), "dict[str, int]": {"FAILED": 2}}
    error = cls(*(facts.get(str(p.annotation), f"fact{i}") for i, p in enumerate(parameters)))
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls, name
    assert str(copy) == str(error), name
    assert [getattr(copy, p.name) for p in parameters] == list(error.args), name
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# -- errors holding a value that does not pickle (issue 13 item 9) --------------------

UNPICKLABLE_CALLS = [
    pytest.param(lambda: Fixed("f", value=lambda x: x), id="fixed-lambda"),
    pytest.param(lambda: Values({"x": threading.Lock()}), id="values-lock"),
    pytest.param(
        lambda: sa.fix(Space([Int("u", min_value=0, max_value=3)]), u=[threading.Lock()]),
        id="fix-list",
    ),
]


@pytest.mark.parametrize("call", UNPICKLABLE_CALLS)
def test_an_error_holding_an_unpicklable_value_still_pickles(call: Any) -> None:
    """The value that does not pickle travels as a stand-in with the same ``repr``."""
    error = _raise(call)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert repr(copy.value) == repr(error.value)
    assert vars(copy).keys() == vars(error).keys()


def test_an_error_holding_an_unpicklable_value_pickles_as_tblib_pickles_it() -> None:
    script = """
import pickle, threading
import tblib.pickling_support
from spacealg import Fixed, SpaceError, Values
tblib.pickling_support.install()
for call in (lambda: Fixed("f", value=lambda x: x), lambda: Values({"x": threading.Lock()})):
    try:
        call()
    except SpaceError as error:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error), (str(copy), str(error))
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_contains_of_an_array_value_is_false() -> None:
    assert sa.contains(_UNITS, {"opt": np.array([1, 2]), "units": 32}) is False


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: sa.to_json(sa.Space(), indent=10**30),
            f"to_json(): indent={10**30} is not valid; allowed: None or an int 0 <= x <= 64",
        ),
        (
            lambda: sa.ProcessPool(2**31),
            f"ProcessPool(): n_workers={2**31} is not valid; allowed: an int 1 <= x <= {2**31 - 1}",
        ),
    ],
)
def test_huge_counts_are_refused_by_name(call: Any, message: str) -> None:
    with pytest.raises(sa.errors.InvalidArgumentError) as raised:
        call()
    assert str(raised.value) == message
