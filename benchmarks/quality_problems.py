"""The four test functions of benchmarks/search_quality.py, each with its known optimum.

A problem is described once, as plain data (:class:`Dim`), and every library's
runner (benchmarks/quality_methods.py) translates the dimensions into its own
space. The functions read a plain ``dict`` of the active values.

- Branin (2-D), minimum 0.397887 at (-pi, 12.275), (pi, 2.275) and (9.42478, 2.475).
- Hartmann-6 on [0, 1]^6, minimum -3.32237 at
  (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573).
- Rosenbrock in 5-D with every coordinate on a log-scaled range [0.01, 10],
  minimum 0 at (1, 1, 1, 1, 1).
- "mixed": an Int, Choice and conditional space shaped like a model choice (see
  :func:`mixed`); minimum 0 in the "net" branch.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

Kind = Literal["int", "float", "choice"]
Scalar = str | int | float


@dataclass(frozen=True)
class Dim:
    """One hyperparameter, active only when ``parent`` takes one of ``parent_values``."""

    name: str
    kind: Kind
    low: float = 0.0
    high: float = 0.0
    log: bool = False
    values: tuple[str, ...] = ()
    parent: str | None = None
    parent_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A function to minimise over ``dims``, and its known minimum."""

    name: str
    dims: tuple[Dim, ...]
    fn: Callable[[Mapping[str, Scalar]], float]
    optimum: float


def _f(values: Mapping[str, Scalar], name: str) -> float:
    return float(values[name])


# --- Branin ---

_B = 5.1 / (4 * math.pi**2)
_C = 5 / math.pi
_T = 1 / (8 * math.pi)


def branin_fn(values: Mapping[str, Scalar]) -> float:
    x1, x2 = _f(values, "x1"), _f(values, "x2")
    return (x2 - _B * x1**2 + _C * x1 - 6) ** 2 + 10 * (1 - _T) * math.cos(x1) + 10


BRANIN = Problem(
    "branin",
    (Dim("x1", "float", -5.0, 10.0), Dim("x2", "float", 0.0, 15.0)),
    branin_fn,
    optimum=branin_fn({"x1": math.pi, "x2": 2.275}),  # 0.39788735772973816
)

# --- Hartmann-6 ---

_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_HARTMANN_NAMES = tuple(f"x{i}" for i in range(1, 7))


def hartmann6_fn(values: Mapping[str, Scalar]) -> float:
    x = np.array([_f(values, name) for name in _HARTMANN_NAMES])
    return float(-(_ALPHA @ np.exp(-((_A * (x - _P) ** 2).sum(axis=1)))))


HARTMANN6 = Problem(
    "hartmann6",
    tuple(Dim(name, "float", 0.0, 1.0) for name in _HARTMANN_NAMES),
    hartmann6_fn,
    optimum=-3.3223680114155147,  # a local optimiser's polish of the literature's -3.32237
)

# --- Rosenbrock, 5-D, log-scaled ranges ---

_ROSENBROCK_NAMES = tuple(f"x{i}" for i in range(1, 6))


def rosenbrock_fn(values: Mapping[str, Scalar]) -> float:
    x = [_f(values, name) for name in _ROSENBROCK_NAMES]
    return sum(100 * (b - a * a) ** 2 + (1 - a) ** 2 for a, b in itertools.pairwise(x))


ROSENBROCK5 = Problem(
    "rosenbrock5_log",
    tuple(Dim(name, "float", 0.01, 10.0, log=True) for name in _ROSENBROCK_NAMES),
    rosenbrock_fn,
    optimum=0.0,
)

# --- mixed: Int, Choice and a conditional branch ---

_OPTIMIZER_PENALTY = {"adam": 0.0, "rmsprop": 0.05, "sgd": 0.2}


def mixed_fn(values: Mapping[str, Scalar]) -> float:
    """A model choice with one conditional branch per model; the optimum is 0.

    - ``optimizer`` (Choice, every branch): adds 0 (adam), 0.05 (rmsprop) or 0.2 (sgd).
    - ``model="linear"``: ``l2`` (Float, log, 1e-6..1):
      ``1 + 0.1 * (log10(l2) + 3)^2``; best 1.0 at l2 = 1e-3.
    - ``model="tree"``: ``depth`` (Int, 1..16), ``min_leaf`` (Int, log, 1..64):
      ``0.4 + 0.01 * (depth - 10)^2 + 0.1 * (log2(min_leaf) - 3)^2``; best 0.4 at
      depth 10, min_leaf 8.
    - ``model="net"``: ``layers`` (Int, 1..8), ``units`` (Int, log, 16..1024),
      ``learning_rate`` (Float, log, 1e-5..1e-1), ``dropout`` (Float, 0..0.5):
      ``0.05 * (layers - 3)^2 + 0.05 * (log2(units) - 8)^2 + 0.5 * (log10(lr) + 3)^2
      + 4 * (dropout - 0.2)^2``; best 0 at layers 3, units 256, lr 1e-3, dropout 0.2.

    So the global optimum is 0 (net, adam, 3 layers, 256 units, lr 1e-3, dropout 0.2);
    the tree branch is a wider, easier basin that ends at regret 0.4.
    """
    penalty = _OPTIMIZER_PENALTY[str(values["optimizer"])]
    model = values["model"]
    if model == "linear":
        return penalty + 1.0 + 0.1 * (math.log10(_f(values, "l2")) + 3) ** 2
    if model == "tree":
        depth, leaf = _f(values, "depth"), _f(values, "min_leaf")
        return penalty + 0.4 + 0.01 * (depth - 10) ** 2 + 0.1 * (math.log2(leaf) - 3) ** 2
    layers, units = _f(values, "layers"), _f(values, "units")
    lr, dropout = _f(values, "learning_rate"), _f(values, "dropout")
    return (
        penalty
        + 0.05 * (layers - 3) ** 2
        + 0.05 * (math.log2(units) - 8) ** 2
        + 0.5 * (math.log10(lr) + 3) ** 2
        + 4 * (dropout - 0.2) ** 2
    )


MIXED = Problem(
    "mixed",
    (
        Dim("optimizer", "choice", values=("adam", "rmsprop", "sgd")),
        Dim("model", "choice", values=("linear", "tree", "net")),
        Dim("l2", "float", 1e-6, 1.0, log=True, parent="model", parent_values=("linear",)),
        Dim("depth", "int", 1, 16, parent="model", parent_values=("tree",)),
        Dim("min_leaf", "int", 1, 64, log=True, parent="model", parent_values=("tree",)),
        Dim("layers", "int", 1, 8, parent="model", parent_values=("net",)),
        Dim("units", "int", 16, 1024, log=True, parent="model", parent_values=("net",)),
        Dim("learning_rate", "float", 1e-5, 1e-1, log=True, parent="model", parent_values=("net",)),
        Dim("dropout", "float", 0.0, 0.5, parent="model", parent_values=("net",)),
    ),
    mixed_fn,
    optimum=0.0,
)

PROBLEMS: dict[str, Problem] = {p.name: p for p in (BRANIN, HARTMANN6, ROSENBROCK5, MIXED)}
