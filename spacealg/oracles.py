"""The oracle contract, for oracle authors: everything an oracle needs, by public name.

An oracle proposes the next trial's values as a pure function of the trial
space, the configurations already tried, the search's seed, the trial index and
(for an oracle that learns) the history of :class:`Observation` records. The
suite every oracle passes is :class:`spacealg.testing.OracleContract`.
"""

from __future__ import annotations

from spacealg._search.bayesian import BayesianOptimizationOracle
from spacealg._search.grid_search import GridSearchOracle
from spacealg._search.hyperband import (
    BRACKET,
    CONTINUES,
    EPOCHS,
    INITIAL_EPOCH,
    ROUND,
    HyperbandOracle,
)
from spacealg._search.oracle import Observation, Oracle
from spacealg._search.oracle_helpers import exhausted, random_untried, trial_rng, tried_set
from spacealg._search.random_search import RandomSearchOracle
from spacealg._search.registry import ORACLES, as_oracle
from spacealg._search.tpe import TPEOracle
from spacealg._search.trials import Proposal, TrialState

__all__ = [
    "BRACKET",
    "CONTINUES",
    "EPOCHS",
    "INITIAL_EPOCH",
    "ORACLES",
    "ROUND",
    "BayesianOptimizationOracle",
    "GridSearchOracle",
    "HyperbandOracle",
    "Observation",
    "Oracle",
    "Proposal",
    "RandomSearchOracle",
    "TPEOracle",
    "TrialState",
    "as_oracle",
    "exhausted",
    "random_untried",
    "trial_rng",
    "tried_set",
]
