"""The built-in oracles by name, and ``as_oracle`` for an ``oracle=`` argument."""

from __future__ import annotations

from spacealg._search.bayesian import BayesianOptimizationOracle
from spacealg._search.grid_search import GridSearchOracle
from spacealg._search.hyperband import HyperbandOracle
from spacealg._search.oracle import Oracle, check_oracle
from spacealg._search.random_search import RandomSearchOracle
from spacealg._search.tpe import TPEOracle
from spacealg.errors import InvalidArgumentError

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
    """An oracle from its name (a key of ``ORACLES``) or the oracle value itself.

    A value is checked against the :class:`~spacealg.oracles.Oracle` contract
    (see :func:`~spacealg.oracles.check_oracle`): a user's own oracle must
    declare every capability.

    Raises:
        InvalidArgumentError: ``oracle`` is a name that no built-in oracle has.
        ArgumentTypeError: ``oracle`` is a value that does not declare the contract.
    """
    if isinstance(oracle, str):
        if oracle not in ORACLES:
            raise InvalidArgumentError(
                operation, "", "oracle", oracle, "one of " + ", ".join(map(repr, ORACLES))
            )
        return ORACLES[oracle]()
    return check_oracle(oracle, operation)
