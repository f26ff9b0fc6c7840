"""The bad-input suite: every public name called with hostile arguments.

A registry maps each public name of ``spacealg``, ``spacealg.backend``,
``spacealg.oracles``, ``spacealg.testing`` and ``spacealg.plots`` to a :class:`Recipe`: how to call
it with valid arguments, so that one argument at a time can be replaced by a
hostile value (None, lists, dicts, strings, bytes, numpy scalars and arrays,
NaN, infinities, huge ints, very long or deeply nested JSON text, a file where
a folder is expected and the other way round). Each call must either succeed
or raise a ``SpaceError`` subclass whose message names the operation and the
argument (or the value, for an unknown name), and the error must pickle.

Names that cannot be called (constants, modules, type aliases, protocols) are
listed in :data:`NOT_CALLED` with the reason. A public name in neither table
fails :func:`test_every_public_name_has_a_recipe`. The Keras backend's names
have their own suite in ``backends/keras/tests/test_keras_bad_input.py``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import pickle
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spacealg as sa
import spacealg.backend as sb
import spacealg.oracles as so
import spacealg.testing as stt
from spacealg import Boolean, Choice, Condition, Float, Int, Space, Values, plots
from spacealg.errors import (
    ActivityError,
    InvalidValueError,
    SerializationError,
    SpaceError,
    UnknownNameError,
)

# -- hostile values ---------------------------------------------------------------

_SCRATCH = Path(tempfile.mkdtemp(prefix="spacealg-bad-input-"))
"""A folder and a file for the path arguments (made once; the OS cleans temp)."""
A_FOLDER = _SCRATCH / "a_folder"
A_FOLDER.mkdir()
A_FILE = _SCRATCH / "a_file"
A_FILE.write_text("not a store\n")

DEEP_JSON = "[" * 5000 + "]" * 5000
LONG_JSON = json.dumps({"format": "spacealg.space", "version": 1, "x": "a" * 200_000})


def hostile() -> st.SearchStrategy[Any]:
    """Wrong-typed and out-of-range values."""
    return st.one_of(
        st.sampled_from(
            [
                None,
                True,
                0,
                -1,
                10**30,
                -(10**30),
                math.nan,
                math.inf,
                -math.inf,
                "",
                "x",
                b"bytes",
                [],
                [1, 2],
                {},
                {"a": 1},
                (),
                np.int64(3),
                np.float32(0.5),
                np.float64(math.nan),
                np.bool_(True),
                np.array([1, 2]),
                np.array(3),
                DEEP_JSON,
                LONG_JSON,
                A_FOLDER,
                A_FILE,
                str(A_FILE),
                object(),
            ]
        ),
        st.integers(),
        st.floats(),
        st.text(max_size=8),
        st.binary(max_size=8),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )


# -- the registry -----------------------------------------------------------------


def _space() -> Space:
    return Space(
        [
            Int("units", min_value=32, max_value=128, step=32),
            Choice("opt", values=["adam", "sgd"]),
            Boolean("dropout"),
            Float("rate", min_value=0.0, max_value=0.5, conditions=Condition("dropout", True)),
        ]
    )


def _small() -> Space:
    """A space of two points: a search over it ends by exhaustion, whatever max_trials."""
    return Space([Boolean("b")])


def _zero(values: Values) -> float:
    return 0.0


def _function_backend() -> Any:
    return sb.load_backend("function")(_zero)


def _study_kwargs() -> dict[str, Any]:
    return {
        "trial_space": sa.resolve(_small()),
        "backend": _function_backend(),
        "objective": sa.Objective("score", "min"),
        "directory": _fresh_folder(),
        "project_name": "p",
    }


def _fresh_folder() -> Path:
    return Path(tempfile.mkdtemp(dir=_SCRATCH))


@functools.cache
def _stored() -> Path:
    """A folder holding project ``p``'s store of one trial, for ``load``."""
    folder = _SCRATCH / "stored"
    sa.minimize(_zero, _small(), max_trials=1, directory=folder, project_name="p", verbose=0)
    return folder


@functools.cache
def _result() -> sa.SearchResult:
    """A search result read back from a store of one trial, for the views."""
    return sa.load(_stored(), "p")


def _observation() -> so.Observation:
    return so.Observation(Values({"b": True}), so.TrialState.COMPLETED, 1.0)


@attrs.frozen
class Recipe:
    """How to call one public name with valid arguments.

    Attributes:
        operation: what the error message must name, such as ``"fix()"``; a
            tuple when the checks are another call's (``minimize`` builds a
            ``Study``, whose checks name ``Study()`` and ``Study.run()``).
        call: calls the name with a mapping of arguments.
        valid: each argument's name and a factory for a valid value; the suite
            replaces one of them at a time.
        kept: arguments whose hostile values are drawn from a narrower set
            (their valid range is unbounded and a huge value would only be slow).
    """

    operation: str | tuple[str, ...]
    call: Callable[[Mapping[str, Any]], Any]
    valid: Mapping[str, Callable[[], Any]]
    kept: frozenset[str] = frozenset()


def _r(
    operation: str | tuple[str, ...],
    call: Callable[[Mapping[str, Any]], Any],
    kept: frozenset[str] = frozenset(),
    /,
    **valid: Callable[[], Any],
) -> Recipe:
    return Recipe(operation, call, valid, kept)


def _kw(fn: Callable[..., Any]) -> Callable[[Mapping[str, Any]], Any]:
    return lambda a: fn(**a)


def _search(fn: Callable[..., Any]) -> Callable[[Mapping[str, Any]], Any]:
    return lambda a: fn(**a)


_SEARCH_ARGS: dict[str, Callable[[], Any]] = {
    "fn": lambda: _zero,
    "space": _small,
    "max_trials": lambda: 1,
    "oracle": lambda: "random",
    "seed": lambda: 0,
    "directory": _fresh_folder,
    "project_name": lambda: "p",
    "overwrite": lambda: False,
    "verbose": lambda: 0,
    "objective": lambda: None,
    "max_consecutive_failed_trials": lambda: 3,
    "max_retries_per_trial": lambda: 0,
}
"""``executions_per_trial``, ``executor`` and ``n_workers`` are left out: a huge
count would only run long, and ``Study()``'s recipe covers the same checks."""

_SEARCH_OPERATIONS = (
    "minimize()",
    "maximize()",
    "Study()",
    "Study.run()",
    "Objective()",
    "Objective.infer()",
    "TrialStore.open()",
)
"""The search entry points build an Objective, a Study and its store, whose checks name them."""

_CALLER = "f()"
"""Helpers that take ``operation`` name the caller's operation in their errors."""

RECIPES: dict[str, Recipe] = {
    # spaces and kinds
    "Int": _r(
        "Int()",
        _kw(Int),
        name=lambda: "u",
        min_value=lambda: 0,
        max_value=lambda: 8,
        step=lambda: None,
        sampling=lambda: "linear",
        default=lambda: None,
        conditions=lambda: (),
    ),
    "Float": _r(
        "Float()",
        _kw(Float),
        name=lambda: "f",
        min_value=lambda: 0.0,
        max_value=lambda: 1.0,
        step=lambda: None,
        sampling=lambda: "linear",
        default=lambda: None,
        conditions=lambda: (),
    ),
    "Choice": _r(
        "Choice()",
        _kw(Choice),
        name=lambda: "c",
        values=lambda: ["a", "b"],
        ordered=lambda: None,
        default=lambda: None,
        conditions=lambda: (),
        weights=lambda: [3, 1],
    ),
    "Boolean": _r(
        "Boolean()", _kw(Boolean), name=lambda: "b", default=lambda: False, conditions=lambda: ()
    ),
    "Fixed": _r("Fixed()", _kw(sa.Fixed), name=lambda: "f", value=lambda: 1, conditions=lambda: ()),
    "Condition": _r("Condition()", _kw(Condition), parent=lambda: "p", values=lambda: [1, 2]),
    "Space": _r(
        "Space()",
        _kw(Space),
        hyperparameters=lambda: [Boolean("b")],
        history=lambda: None,
    ),
    "Values": _r("Values()", _kw(Values), items=lambda: {"a": 1}),
    # the algebra
    "fix": _r(
        "fix()", lambda a: sa.fix(a["space"], units=a["units"]), space=_space, units=lambda: 64
    ),
    "restrict": _r(
        "restrict()",
        lambda a: sa.restrict(
            a["space"],
            a["name"],
            min_value=a["min_value"],
            max_value=a["max_value"],
            values=a["values"],
        ),
        space=_space,
        name=lambda: "units",
        min_value=lambda: 64,
        max_value=lambda: None,
        values=lambda: None,
    ),
    "override": _r(
        "override()",
        lambda a: sa.override(a["space"], a["hyperparameters"]),
        space=_space,
        hyperparameters=lambda: Boolean("units"),
    ),
    "merge": _r(
        "merge()",
        lambda a: sa.merge(a["spaces"], _small(), on_conflict=a["on_conflict"]),
        spaces=_space,
        on_conflict=lambda: "error",
    ),
    "constrain": _r(
        "constrain()",
        lambda a: sa.constrain(a["space"], a["expressions"]),
        space=_space,
        expressions=lambda: "units <= 64 or opt == 'adam'",
    ),
    "diff": _r("diff()", _kw(sa.diff), a=_space, b=_small),
    "select": _r(
        "select()", lambda a: sa.select(a["space"], a["names"]), space=_space, names=lambda: "opt"
    ),
    "drop": _r(
        "drop()", lambda a: sa.drop(a["space"], a["names"]), space=_space, names=lambda: "opt"
    ),
    "resolve": _r(
        "resolve()",
        _kw(sa.resolve),
        declared=_space,
        tailoring=lambda: None,
        tune_new_entries=lambda: True,
        allow_new_entries=lambda: True,
    ),
    "explain": _r("explain()", _kw(sa.explain), trial_space=lambda: sa.resolve(_space())),
    "declare": _r("declare()", _kw(sa.declare), obj=lambda: _build, max_explorations=lambda: 10),
    "HyperParameters": _r(
        "HyperParameters()",
        _kw(sa.HyperParameters),
        values=lambda: None,
        tailoring=lambda: None,
        declared=lambda: None,
        allow_new_entries=lambda: True,
    ),
    "TrialSpace": _r(
        "TrialSpace()",
        _kw(sa.TrialSpace),
        tuned=_small,
        pinned=Values,
        declared=_small,
        provenance=lambda: sa.resolve(_small()).provenance,
    ),
    "Provenance": _r(
        "Provenance()",
        _kw(sa.Provenance),
        name=lambda: "b",
        status=lambda: "tuned",
        operations=lambda: (),
    ),
    # sampling
    "sample": _r("sample()", _kw(sa.sample), space=_space, rng=lambda: 0),
    "sample_many": _r(
        "sample_many()",
        _kw(sa.sample_many),
        frozenset({"n"}),
        space=_space,
        n=lambda: 2,
        rng=lambda: 0,
    ),
    "grid": _r("grid()", lambda a: list(sa.grid(a["space"])), space=_small),
    "cardinality": _r("cardinality()", _kw(sa.cardinality), space=_space),
    "defaults": _r("defaults()", _kw(sa.defaults), space=_space),
    "contains": _r(
        "contains()", _kw(sa.contains), space=_space, values=lambda: sa.defaults(_space())
    ),
    "validate": _r(
        "validate()", _kw(sa.validate), space=_space, values=lambda: sa.defaults(_space())
    ),
    # text and files
    "summary": _r("summary()", _kw(sa.summary), space=_space),
    "to_dict": _r("to_dict()", _kw(sa.to_dict), space=_space),
    "to_json": _r(
        "to_json()",
        _kw(sa.to_json),
        space=_space,
        indent=lambda: None,
    ),
    "from_dict": _r("from_dict()", _kw(sa.from_dict), data=lambda: sa.to_dict(_space())),
    "from_json": _r("from_json()", _kw(sa.from_json), text=lambda: sa.to_json(_space())),
    "from_keras_tuner": _r(
        "from_keras_tuner()", _kw(sa.from_keras_tuner), config=lambda: {"space": [], "values": {}}
    ),
    # search
    "Objective": _r("Objective()", _kw(sa.Objective), name=lambda: "loss", direction=lambda: "min"),
    "RandomSearchOracle": _r(
        "RandomSearchOracle()", _kw(sa.RandomSearchOracle), max_collisions=lambda: 20
    ),
    "GridSearchOracle": _r("GridSearchOracle()", _kw(sa.GridSearchOracle)),
    "TPEOracle": _r(
        "TPEOracle()",
        _kw(sa.TPEOracle),
        n_startup_trials=lambda: 10,
        n_ei_candidates=lambda: 24,
        gamma=lambda: 0.1,
        prior_weight=lambda: 1.0,
        max_collisions=lambda: 20,
    ),
    "BayesianOptimizationOracle": _r(
        "BayesianOptimizationOracle()",
        _kw(sa.BayesianOptimizationOracle),
        num_initial_points=lambda: 3,
        alpha=lambda: 1e-4,
        acquisition=lambda: "ei",
        beta=lambda: None,
        max_collisions=lambda: 20,
    ),
    "HyperbandOracle": _r(
        "HyperbandOracle()",
        _kw(sa.HyperbandOracle),
        max_epochs=lambda: 10,
        factor=lambda: 3,
        hyperband_iterations=lambda: 1,
        asynchronous=lambda: False,
        max_collisions=lambda: 20,
    ),
    "Observation": _r(
        "Observation()",
        _kw(so.Observation),
        values=lambda: Values({"b": True}),
        state=lambda: so.TrialState.COMPLETED,
        score=lambda: 1.0,
    ),
    "Proposal": _r("Proposal()", _kw(so.Proposal), values=lambda: Values({"b": True})),
    "TrialRecord": _r(
        "TrialRecord()",
        _kw(sa.TrialRecord),
        trial_id=lambda: 0,
        values=lambda: Values({"b": True}),
        state=lambda: so.TrialState.COMPLETED,
        score=lambda: 1.0,
    ),
    "SearchResult": _r(
        "SearchResult()",
        _kw(sa.SearchResult),
        trials=lambda: (),
        objective=lambda: sa.Objective("loss", "min"),
        seed=lambda: None,
        trial_space=lambda: None,
        oracle=dict,
    ),
    "as_oracle": _r(_CALLER, _kw(so.as_oracle), oracle=lambda: "random", operation=lambda: "f()"),
    "check_oracle": _r(
        _CALLER,
        _kw(so.check_oracle),
        oracle=sa.RandomSearchOracle,
        operation=lambda: "f()",
    ),
    "exhausted": _r("exhausted()", _kw(so.exhausted), space=_small, tried=lambda: ()),
    "in_space": _r("in_space()", _kw(so.in_space), space=_small, history=lambda: (_observation(),)),
    "random_untried": _r(
        "random_untried()",
        _kw(so.random_untried),
        frozenset({"max_collisions"}),
        space=_small,
        tried=lambda: (),
        rng=lambda: np.random.default_rng(0),
        max_collisions=lambda: 5,
    ),
    "trial_rng": _r("trial_rng()", _kw(so.trial_rng), seed=lambda: 0, index=lambda: 0),
    "tried_set": _r(
        "tried_set()", _kw(so.tried_set), tried=lambda: (), history=lambda: (_observation(),)
    ),
    # running
    "minimize": _r(_SEARCH_OPERATIONS, _search(sa.minimize), **_SEARCH_ARGS),
    "maximize": _r(_SEARCH_OPERATIONS, _search(sa.maximize), **_SEARCH_ARGS),
    "load": _r("load()", _kw(sa.load), directory=_stored, project_name=lambda: "p"),
    # views
    "report": _r(
        "report()",
        _kw(sa.report),
        result=_result,
        path=lambda: _SCRATCH / "report.html",
        title=lambda: "a study",
    ),
    "history": _r("plots.history()", _kw(plots.history), result=_result),
    "parallel_coordinates": _r(
        "plots.parallel_coordinates()", _kw(plots.parallel_coordinates), result=_result
    ),
    "slices": _r("plots.slices()", _kw(plots.slices), result=_result),
    "importance": _r("plots.importance()", _kw(plots.importance), result=_result),
    "importance_scores": _r(
        "plots.importance_scores()", _kw(plots.importance_scores), result=_result
    ),
    "Study": _r(
        "Study()",
        lambda a: sa.Study(**a),
        **{key: (lambda v=v: v) for key, v in _study_kwargs().items()},  # type: ignore[misc]
        seed=lambda: None,
        executions_per_trial=lambda: 1,
        max_consecutive_failed_trials=lambda: 3,
        max_retries_per_trial=lambda: 0,
        heartbeat_timeout=lambda: 60.0,
    ),
    "ProcessPool": _r(
        "ProcessPool()",
        _kw(sa.ProcessPool),
        n_workers=lambda: 2,
        devices=lambda: (),
    ),
    "SkipTrial": _r("SkipTrial()", lambda a: sa.SkipTrial(a["reason"]), reason=lambda: "why"),
    # the plugin contract (spacealg.backend)
    "installed_backends": _r("installed_backends()", _kw(sb.installed_backends)),
    "load_backend": _r("load_backend()", _kw(sb.load_backend), name=lambda: "function"),
    "quoted": _r("quoted()", _kw(sb.quoted), names=lambda: ["a", "b"]),
    "runs_in_parallel": _r(
        _CALLER,
        _kw(sb.runs_in_parallel),
        executor=lambda: None,
        n_workers=lambda: None,
        operation=lambda: "f()",
    ),
    "trial_directory": _r(
        "trial_directory()",
        _kw(sb.trial_directory),
        directory=lambda: A_FOLDER,
        project_name=lambda: "p",
        trial_id=lambda: 0,
    ),
    "warn_about_tailoring": _r(
        "warn_about_tailoring()",
        _kw(sb.warn_about_tailoring),
        trial_space=lambda: sa.resolve(_small()),
        stacklevel=lambda: 2,
    ),
    "Trial": _r(
        "Trial()",
        _kw(sb.Trial),
        trial_id=lambda: 0,
        values=lambda: Values({"b": True}),
        execution=lambda: 0,
        seed=lambda: 0,
        directory=lambda: A_FOLDER,
        reporter=lambda: lambda step, metrics: None,
    ),
    # strategies (spacealg.testing)
    "hyperparameters": _r(
        "hyperparameters()", _kw(stt.hyperparameters), name=lambda: None, kinds=lambda: None
    ),
    "spaces": _r(
        "spaces()",
        _kw(stt.spaces),
        min_size=lambda: 0,
        max_size=lambda: 3,
        conditional=lambda: True,
    ),
    "values": _r("values()", _kw(stt.values), space=_small),
}


def _build(hp: sa.HyperParameters) -> None:
    hp.Boolean("b")


NOT_CALLED: dict[str, str] = {
    "__version__": "a string",
    "backend": "a module: its names have recipes",
    "errors": "a module of error classes: tests/test_errors.py builds and pickles each",
    "oracles": "a module: its names have recipes",
    "Hyperparameter": "a type alias (the union of the kinds)",
    "Scalar": "a type alias",
    "Outcome": "a type alias",
    "Oracle": "a Protocol: OracleContract checks implementations",
    "Backend": "a Protocol: BackendContract checks implementations",
    "BackendContract": "a test-suite base class, run by subclassing",
    "OracleContract": "a test-suite base class, run by subclassing",
    "TrialState": "an Enum: TrialState(value) raises ValueError by Python's contract",
    "SpaceError": "the root error class",
    "TailoringWarning": "a warning class",
    "CONTINUES": "a constant (a metadata key)",
    "EPOCHS": "a constant (a metadata key)",
    "GROUP": "a constant (a metadata key)",
    "INITIAL_EPOCH": "a constant (a metadata key)",
    "BRACKET": "a constant (a metadata key)",
    "ITERATION": "a constant (a metadata key)",
    "ROUND": "a constant (a metadata key)",
    "CAPABILITIES": "a constant (the capability names)",
    "ORACLES": "a constant (the registry of built-in oracle names)",
}

KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("hyperparameters", "name"): "strategies raise hypothesis's InvalidArgument, as "
    "hypothesis's own strategies do, when drawn from",
    ("hyperparameters", "kinds"): "as for name",
    ("spaces", "min_size"): "as for hyperparameters",
    ("spaces", "max_size"): "as for hyperparameters",
    ("spaces", "conditional"): "as for hyperparameters",
    ("values", "space"): "as for hyperparameters",
}
"""Arguments the hostile draws skip (or narrow), each with the reason: what is left to do."""

MODULES = (sa, sb, so, stt, plots)


def test_every_public_name_has_a_recipe() -> None:
    """A new public name fails here until it gets a recipe or a reason not to be called."""
    public = {name for module in MODULES for name in module.__all__}
    missing = sorted(public - RECIPES.keys() - NOT_CALLED.keys())
    assert not missing, f"public names without a recipe in tests/test_bad_input.py: {missing}"
    stale = sorted((RECIPES.keys() | NOT_CALLED.keys()) - public)
    assert not stale, f"recipes for names that are not public: {stale}"
    assert not RECIPES.keys() & NOT_CALLED.keys()


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_each_recipe_succeeds_with_its_valid_arguments(name: str) -> None:
    """The recipes are right: with no hostile value, every call succeeds."""
    recipe = RECIPES[name]
    recipe.call({argument: make() for argument, make in recipe.valid.items()})


def _names_the_argument(message: str, error: SpaceError, argument: str, value: object) -> bool:
    if re.search(rf"\b{re.escape(argument)}\b", message):
        return True
    # Errors about the contents of an argument name what inside it is wrong: an
    # unknown name, an entry's activity or value, the place in saved data, the path.
    if isinstance(error, UnknownNameError | ActivityError | InvalidValueError | SerializationError):
        return True
    return repr(value)[:40] in message or (isinstance(value, str | Path) and str(value) in message)


def _names_the_operation(message: str, operation: str | tuple[str, ...]) -> bool:
    operations = (operation,) if isinstance(operation, str) else operation
    return any(message.startswith(name) for name in operations)


_BOUNDED = st.sampled_from([None, -1, 0, 1.5, math.nan, "", "x", [], np.int64(2), np.float32(1)])


@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name, recipe in RECIPES.items()
        if any((name, a) not in KNOWN_GAPS or a in recipe.kept for a in recipe.valid)
    ),
)
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_hostile_argument_succeeds_or_raises_a_space_error(
    name: str, data: st.DataObject
) -> None:
    recipe = RECIPES[name]
    arguments = sorted(a for a in recipe.valid if (name, a) not in KNOWN_GAPS or a in recipe.kept)
    argument = data.draw(st.sampled_from(arguments), label="argument")
    value = data.draw(_BOUNDED if argument in recipe.kept else hostile(), label="value")
    given = {key: make() for key, make in recipe.valid.items()}
    given[argument] = value
    try:
        with contextlib.chdir(_SCRATCH):  # a relative directory drawn lands in the scratch folder
            recipe.call(given)
    except SpaceError as raised:
        error = raised
    else:
        return  # the call accepted the value
    message = str(error)
    assert _names_the_operation(message, recipe.operation), message
    assert _names_the_argument(message, error, argument, value), message
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == message


# -- the numpy decision (docs/errors.md) ---------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: sa.RandomSearchOracle(max_collisions=np.int64(3)),
        lambda: sa.TPEOracle(gamma=np.float32(0.25)),
        lambda: sa.sample_many(_small(), np.int64(2), np.int64(0)),
        lambda: Int("u", min_value=np.int64(0), max_value=np.int64(3)),
        lambda: sa.fix(_space(), units=np.int64(64)),
    ],
)
def test_a_numpy_scalar_counts_as_the_python_number_it_equals(call: Callable[[], Any]) -> None:
    call()


def test_max_trials_takes_a_numpy_integer(tmp_path: Path) -> None:
    result = sa.minimize(_zero, _small(), max_trials=np.int64(1), directory=tmp_path, verbose=0)
    assert len(result.trials) == 1


def test_known_gaps_name_recipes() -> None:
    for name, argument in KNOWN_GAPS:
        assert argument in RECIPES[name].valid, (name, argument)
