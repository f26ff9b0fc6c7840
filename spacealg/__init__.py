"""spacealg: hyperparameter search spaces as immutable values.

Declare a space, tailor it with operators that obey written laws, sample it,
print it as KerasTuner does, and save it losslessly.
"""

from __future__ import annotations

from spacealg import backend as backend
from spacealg import errors as errors
from spacealg import oracles as oracles
from spacealg._algebra.capture import HyperParameters as HyperParameters
from spacealg._algebra.capture import declare as declare
from spacealg._algebra.constrain import constrain as constrain
from spacealg._algebra.operators import drop as drop
from spacealg._algebra.operators import fix as fix
from spacealg._algebra.operators import merge as merge
from spacealg._algebra.operators import override as override
from spacealg._algebra.operators import select as select
from spacealg._algebra.resolve import Provenance as Provenance
from spacealg._algebra.resolve import TrialSpace as TrialSpace
from spacealg._algebra.resolve import explain as explain
from spacealg._algebra.resolve import resolve as resolve
from spacealg._algebra.restrict import restrict as restrict
from spacealg._algebra.skip_trial import SkipTrial as SkipTrial
from spacealg._files.keras_tuner_import import from_keras_tuner as from_keras_tuner
from spacealg._files.serialization import from_dict as from_dict
from spacealg._files.serialization import from_json as from_json
from spacealg._files.serialization import to_dict as to_dict
from spacealg._files.serialization import to_json as to_json
from spacealg._files.space_diff import diff as diff
from spacealg._files.summary import summary as summary
from spacealg._running.executors import ProcessPool as ProcessPool
from spacealg._running.load import load as load
from spacealg._running.minimize import maximize as maximize
from spacealg._running.minimize import minimize as minimize
from spacealg._running.study import Study as Study
from spacealg._running.tailoring_warnings import TailoringWarning as TailoringWarning
from spacealg._search.bayesian import BayesianOptimizationOracle as BayesianOptimizationOracle
from spacealg._search.grid_search import GridSearchOracle as GridSearchOracle
from spacealg._search.hyperband import HyperbandOracle as HyperbandOracle
from spacealg._search.objective import Objective as Objective
from spacealg._search.oracle import Observation as Observation
from spacealg._search.oracle import Oracle as Oracle
from spacealg._search.random_search import RandomSearchOracle as RandomSearchOracle
from spacealg._search.tpe import TPEOracle as TPEOracle
from spacealg._search.trials import Proposal as Proposal
from spacealg._search.trials import SearchResult as SearchResult
from spacealg._search.trials import TrialRecord as TrialRecord
from spacealg._search.trials import TrialState as TrialState
from spacealg._space.conditions import Condition as Condition
from spacealg._space.discrete import Boolean as Boolean
from spacealg._space.discrete import Choice as Choice
from spacealg._space.discrete import Fixed as Fixed
from spacealg._space.kinds import Hyperparameter as Hyperparameter
from spacealg._space.numeric import Float as Float
from spacealg._space.numeric import Int as Int
from spacealg._space.sampling import cardinality as cardinality
from spacealg._space.sampling import contains as contains
from spacealg._space.sampling import defaults as defaults
from spacealg._space.sampling import grid as grid
from spacealg._space.sampling import sample as sample
from spacealg._space.sampling import sample_many as sample_many
from spacealg._space.sampling import validate as validate
from spacealg._space.scalars import Scalar as Scalar
from spacealg._space.space import Space as Space
from spacealg._space.values import Values as Values
from spacealg._views.report import report as report
from spacealg.errors import SpaceError as SpaceError

__version__ = "0.1.0"

__all__ = [
    "BayesianOptimizationOracle",
    "Boolean",
    "Choice",
    "Condition",
    "Fixed",
    "Float",
    "GridSearchOracle",
    "HyperParameters",
    "HyperbandOracle",
    "Hyperparameter",
    "Int",
    "Objective",
    "Observation",
    "Oracle",
    "ProcessPool",
    "Proposal",
    "Provenance",
    "RandomSearchOracle",
    "Scalar",
    "SearchResult",
    "SkipTrial",
    "Space",
    "SpaceError",
    "Study",
    "TPEOracle",
    "TailoringWarning",
    "TrialRecord",
    "TrialSpace",
    "TrialState",
    "Values",
    "__version__",
    "backend",
    "cardinality",
    "constrain",
    "contains",
    "declare",
    "defaults",
    "diff",
    "drop",
    "errors",
    "explain",
    "fix",
    "from_dict",
    "from_json",
    "from_keras_tuner",
    "grid",
    "load",
    "maximize",
    "merge",
    "minimize",
    "oracles",
    "override",
    "report",
    "resolve",
    "restrict",
    "sample",
    "sample_many",
    "select",
    "summary",
    "to_dict",
    "to_json",
    "validate",
]
