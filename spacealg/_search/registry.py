"""The built-in oracles by name, and ``as_oracle`` for an ``oracle=`` argument."""

from __future__ import annotations

from spacealg._search.bayesian import BayesianOptimizationOracle
from spacealg._search.grid_search import GridSearchOracle
from spacealg._search.hyperband import HyperbandOracle
from spacealg._search.oracle import Oracle
from spacealg._search.random_search import RandomSearchOracle
from spacealg._search.tpe import TPEOracle
from spacealg.errors import ArgumentTypeError, InvalidArgumentError

ORACLES: dict[
    str,
    type[RandomSearchOracle]
    | type[GridSearchOracle]
    | type[TPEOracle]
    | type[BayesianOptimizationOracle]
    | type[HyperbandOracle],
] = {
    "random": RandomSearchOracle,
    "grid": GridSearchOracle,
    "tpe": TPEOracle,
    "bayesian": BayesianOptimizationOracle,
    "hyperband": HyperbandOracle,
}


def as_oracle(oracle: str | Oracle, operation: str) -> Oracle:
    """An oracle from its name (a key of ``ORACLES``) or the oracle value itself."""
    if isinstance(oracle, str):
        if oracle not in ORACLES:
            raise InvalidArgumentError(
                operation, "", "oracle", oracle, "one of " + ", ".join(map(repr, ORACLES))
            )
        return ORACLES[oracle]()
    if callable(getattr(oracle, "propose", None)):
        return oracle
    raise ArgumentTypeError(
        operation, "", "oracle", oracle, "an oracle name or a value with a propose() method"
    )
