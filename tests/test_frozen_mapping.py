"""``FrozenMapping``, and the frozen values that hold one: immutable, hashable, picklable."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spacealg as sa
from spacealg import Boolean, Space, Values
from spacealg._running.execution import TrialOutcome
from spacealg._search.trials import Proposal, SearchResult, TrialRecord, TrialState
from spacealg._space.frozen_mapping import FrozenMapping, frozen_mapping
from spacealg.backend import Trial
from spacealg.oracles import Observation

keys = st.text(max_size=5)
items = st.dictionaries(keys, st.integers() | st.text(max_size=5) | st.booleans(), max_size=6)
metas = st.dictionaries(keys, st.integers(), max_size=4)


# -- the mapping ------------------------------------------------------------------------


@given(items)
def test_a_frozen_mapping_equals_the_dict_it_copies(data: dict[str, Any]) -> None:
    frozen = FrozenMapping(data)
    assert frozen == data
    assert data == frozen
    assert dict(frozen) == data
    assert list(frozen) == list(data)
    assert len(frozen) == len(data)
    assert all(key in frozen and frozen[key] == value for key, value in data.items())


@given(items, items)
def test_equality_is_dict_equality_and_hash_agrees(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert (FrozenMapping(a) == FrozenMapping(b)) == (a == b)
    assert (FrozenMapping(a) == b) == (a == b)
    if FrozenMapping(a) == FrozenMapping(b):
        assert hash(FrozenMapping(a)) == hash(FrozenMapping(b))


def test_order_does_not_change_equality_or_hash() -> None:
    a, b = FrozenMapping({"x": 1, "y": 2}), FrozenMapping({"y": 2, "x": 1})
    assert a == b
    assert hash(a) == hash(b)
    assert a != {"x": 1}
    assert a != [("x", 1), ("y", 2)]


def test_it_equals_values_with_the_same_items_and_hashes_alike() -> None:
    frozen, values = FrozenMapping({"units": 64}), Values({"units": 64})
    assert frozen == values
    assert values == frozen
    assert hash(frozen) == hash(values)


def test_the_input_is_copied() -> None:
    data = {"tuner/epochs": 3}
    frozen = FrozenMapping(data)
    data["tuner/epochs"] = 9
    assert frozen == {"tuner/epochs": 3}


def test_it_cannot_be_mutated() -> None:
    frozen = FrozenMapping({"x": 1})
    with pytest.raises(TypeError):
        frozen["x"] = 2  # type: ignore[index]
    with pytest.raises(TypeError):
        del frozen["x"]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        frozen.update({"y": 2})  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        frozen.anything = 1  # type: ignore[attr-defined]
    assert frozen == {"x": 1}


def test_unhashable_values_make_it_unhashable_like_a_tuple() -> None:
    frozen = FrozenMapping({"x": [1, 2]})
    with pytest.raises(TypeError):
        hash(frozen)


@given(items)
def test_it_pickles(data: dict[str, Any]) -> None:
    frozen = FrozenMapping(data)
    copy = pickle.loads(pickle.dumps(frozen))
    assert type(copy) is FrozenMapping
    assert copy == frozen
    assert list(copy) == list(frozen)
    assert hash(copy) == hash(frozen)


def test_repr_is_readable() -> None:
    assert repr(FrozenMapping({"tuner/epochs": 3})) == "FrozenMapping({'tuner/epochs': 3})"
    assert repr(FrozenMapping()) == "FrozenMapping({})"


def test_pairs_are_accepted_and_the_converter_keeps_a_frozen_mapping() -> None:
    frozen = FrozenMapping([("a", 1), ("b", 2)])
    assert frozen == {"a": 1, "b": 2}
    assert frozen_mapping(frozen) is frozen
    assert type(frozen_mapping({"a": 1})) is FrozenMapping


# -- the frozen values that hold one ------------------------------------------------------


def _proposal(meta: dict[str, int]) -> Proposal:
    return Proposal(Values({"x": 1}), meta)


def _record(meta: dict[str, int]) -> TrialRecord:
    return TrialRecord(
        3, Values({"x": 1}), TrialState.COMPLETED, 0.5, metrics={"loss": [0.9, 0.5]}, meta=meta
    )


def _observation(meta: dict[str, int]) -> Observation:
    return Observation(Values({"x": 1}), TrialState.COMPLETED, 0.5, meta=meta)


BUILDERS = [
    pytest.param(_proposal, id="Proposal"),
    pytest.param(_record, id="TrialRecord"),
    pytest.param(_observation, id="Observation"),
]


@pytest.mark.parametrize("build", BUILDERS)
@given(meta=metas)
def test_values_with_metadata_are_hashable_and_hash_agrees_with_equality(
    build: Any, meta: dict[str, int]
) -> None:
    a, b = build(meta), build(dict(reversed(meta.items())))
    assert a == b
    assert hash(a) == hash(b)
    assert {a: "found"}[b] == "found"
    assert a.meta == meta  # a dict given compares equal to the mapping kept
    assert type(a.meta) is FrozenMapping


@pytest.mark.parametrize("build", BUILDERS)
@given(meta=metas, other=metas)
def test_values_with_other_metadata_differ(
    build: Any, meta: dict[str, int], other: dict[str, int]
) -> None:
    assert (build(meta) == build(other)) == (meta == other)


@pytest.mark.parametrize("build", BUILDERS)
def test_metadata_cannot_be_changed_in_place(build: Any) -> None:
    value = build({"tuner/epochs": 3})
    with pytest.raises(TypeError):
        value.meta["x"] = 1
    assert value.meta == {"tuner/epochs": 3}


@pytest.mark.parametrize("build", BUILDERS)
@given(meta=metas)
def test_values_with_metadata_pickle(build: Any, meta: dict[str, int]) -> None:
    value = build(meta)
    copy = pickle.loads(pickle.dumps(value))
    assert copy == value
    assert hash(copy) == hash(value)


def test_evolve_converts_again() -> None:
    proposal = attrs.evolve(_proposal({}), meta={"tuner/epochs": 1})
    assert type(proposal.meta) is FrozenMapping
    assert proposal.meta == {"tuner/epochs": 1}


def test_trial_record_metrics_are_frozen_tuples_of_floats() -> None:
    record = _record({})
    assert record.metrics == {"loss": (0.9, 0.5)}
    assert type(record.metrics) is FrozenMapping
    with pytest.raises(TypeError):
        record.metrics["loss"] = (0.1,)  # type: ignore[index]


def test_the_empty_default_is_a_frozen_mapping() -> None:
    record = TrialRecord(0, Values(), TrialState.RUNNING)
    assert type(record.meta) is FrozenMapping
    assert type(record.metrics) is FrozenMapping
    assert record.meta == {}
    assert type(Proposal(Values()).meta) is FrozenMapping
    assert type(Observation(Values(), TrialState.RUNNING).meta) is FrozenMapping


def test_a_backends_trial_metadata_is_frozen() -> None:
    trial = Trial(0, Values(), 0, 0, Path("."), lambda step, metrics: None, meta={"e": 2})
    assert type(trial.meta) is FrozenMapping
    assert trial.meta == {"e": 2}
    with pytest.raises(TypeError):
        trial.meta["e"] = 3  # type: ignore[index]


def test_a_trial_outcomes_metrics_are_frozen_tuples() -> None:
    outcome = TrialOutcome(TrialState.COMPLETED, 1.0, 0, {"score": [1.0]}, None)
    assert outcome.metrics == {"score": (1.0,)}
    assert type(outcome.metrics) is FrozenMapping
    assert pickle.loads(pickle.dumps(outcome)) == outcome


def test_a_trial_spaces_provenance_is_frozen() -> None:
    trial_space = sa.resolve(Space([Boolean("dropout")]))
    assert type(trial_space.provenance) is FrozenMapping
    with pytest.raises(TypeError):
        trial_space.provenance["x"] = trial_space.provenance["dropout"]  # type: ignore[index]
    assert pickle.loads(pickle.dumps(trial_space)).provenance == trial_space.provenance


def test_a_searchs_records_carry_frozen_mappings(tmp_path: Path) -> None:
    result = sa.minimize(
        lambda values, budget: float(budget),
        Space([Boolean("dropout")]),
        max_trials=2,
        oracle=sa.HyperbandOracle(max_epochs=3, factor=3),
        directory=tmp_path,
        verbose=0,
    )
    for trial in result.trials:
        assert type(trial.meta) is FrozenMapping
        assert type(trial.metrics) is FrozenMapping
        assert trial.meta["tuner/epochs"] >= 1
        hash(trial)


def test_a_search_result_keeps_its_trials_as_a_tuple() -> None:
    record = _record({})
    result = SearchResult([record], sa.Objective("loss", "min"))
    assert result.trials == (record,)
    assert hash(result) == hash(SearchResult((record,), sa.Objective("loss", "min")))
