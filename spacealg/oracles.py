"""The oracle contract, for oracle authors: everything an oracle needs, by public name.

An oracle proposes the next trial's values as a pure function of the trial
space, the configurations already tried, the search's seed, the trial index and
(for an oracle that learns) the history of :class:`Observation` records. It
declares its capabilities (:data:`CAPABILITIES`: ``uses_history``,
``finite_schedule``, ``budgeted``, ``needs_finite_space``); the search loop reads
nothing else of it but ``name``, ``settings()`` and ``propose()``, and
:func:`check_oracle` refuses an oracle that leaves one out.

The helpers: :func:`tried_set` (every configuration tried, from ``tried`` and
``history``), :func:`trial_rng` (the random stream of one trial),
:func:`exhausted` (every configuration of a finite space tried),
:func:`random_untried` (random search's proposal) and :func:`in_space` (the
observations that belong to the current space). The suite every oracle passes is
:class:`spacealg.testing.OracleContract`; see "Writing your own oracle" in the
oracles page of the docs.
"""

from __future__ import annotations

from spacealg._search.bayesian import BayesianOptimizationOracle
from spacealg._search.grid_search import GridSearchOracle
from spacealg._search.hyperband import (
    BRACKET,
    CONTINUES,
    EPOCHS,
    INITIAL_EPOCH,
    ITERATION,
    ROUND,
    HyperbandOracle,
)
from spacealg._search.oracle import CAPABILITIES, Observation, Oracle, check_oracle
from spacealg._search.oracle_helpers import (
    exhausted,
    in_space,
    random_untried,
    trial_rng,
    tried_set,
)
from spacealg._search.random_search import RandomSearchOracle
from spacealg._search.registry import ORACLES, as_oracle
from spacealg._search.tpe import TPEOracle
from spacealg._search.trials import Proposal, TrialState

__all__ = [
    "BRACKET",
    "CAPABILITIES",
    "CONTINUES",
    "EPOCHS",
    "INITIAL_EPOCH",
    "ITERATION",
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
    "check_oracle",
    "exhausted",
    "in_space",
    "random_untried",
    "trial_rng",
    "tried_set",
]
