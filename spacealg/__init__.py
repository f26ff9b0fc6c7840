"""spacealg: hyperparameter search spaces as immutable values.

Declare a space, tailor it with operators that obey written laws, sample it,
print it as KerasTuner does, and save it losslessly.
"""

from __future__ import annotations

from . import backend as backend
from . import errors as errors
from ._bayes import BayesianOptimizationOracle as BayesianOptimizationOracle
from ._capture import HyperParameters as HyperParameters
from ._capture import declare as declare
from ._conditions import Condition as Condition
from ._discrete import Boolean as Boolean
from ._discrete import Choice as Choice
from ._discrete import Fixed as Fixed
from ._executors import ProcessPool as ProcessPool
from ._hyperband import HyperbandOracle as HyperbandOracle
from ._keras_tuner import from_keras_tuner as from_keras_tuner
from ._kinds import Hyperparameter as Hyperparameter
from ._minimize import TailoringWarning as TailoringWarning
from ._minimize import load as load
from ._minimize import maximize as maximize
from ._minimize import minimize as minimize
from ._numeric import Float as Float
from ._numeric import Int as Int
from ._objective import Objective as Objective
from ._operators import drop as drop
from ._operators import fix as fix
from ._operators import merge as merge
from ._operators import override as override
from ._operators import select as select
from ._oracles import GridSearchOracle as GridSearchOracle
from ._oracles import Oracle as Oracle
from ._oracles import RandomSearchOracle as RandomSearchOracle
from ._proposals import Observation as Observation
from ._resolve import Provenance as Provenance
from ._resolve import TrialSpace as TrialSpace
from ._resolve import explain as explain
from ._resolve import resolve as resolve
from ._restrict import restrict as restrict
from ._sampling import cardinality as cardinality
from ._sampling import contains as contains
from ._sampling import defaults as defaults
from ._sampling import grid as grid
from ._sampling import sample as sample
from ._sampling import sample_many as sample_many
from ._sampling import validate as validate
from ._scalars import Scalar as Scalar
from ._serialization import from_dict as from_dict
from ._serialization import from_json as from_json
from ._serialization import to_dict as to_dict
from ._serialization import to_json as to_json
from ._skip import SkipTrial as SkipTrial
from ._space import Space as Space
from ._study import Study as Study
from ._summary import summary as summary
from ._tpe import TPEOracle as TPEOracle
from ._trials import Proposal as Proposal
from ._trials import SearchResult as SearchResult
from ._trials import TrialRecord as TrialRecord
from ._trials import TrialState as TrialState
from ._values import Values as Values
from .errors import SpaceError as SpaceError

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
    "contains",
    "declare",
    "defaults",
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
    "override",
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
