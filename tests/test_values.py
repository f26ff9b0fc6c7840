"""Examples for ``Values``: an immutable, hashable mapping of names to plain scalars."""

from __future__ import annotations

import pickle
import re
from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spacealg as sa
from spacealg._space.frozen_mapping import FrozenMapping
from spacealg._space.scalars import same


def test_values_is_a_mapping_in_the_given_order():
    values = sa.Values({"units": 64, "dropout": False, "optimizer": "adam"})
    assert isinstance(values, Mapping)
    assert list(values) == ["units", "dropout", "optimizer"]
    assert values["units"] == 64
    assert len(values) == 3
    assert "dropout" in values
    assert "learning_rate" not in values
    assert values.get("learning_rate") is None
    assert list(values.items()) == [("units", 64), ("dropout", False), ("optimizer", "adam")]


def test_values_from_pairs_and_from_values():
    values = sa.Values([("a", 1), ("b", 2.5)])
    assert values == {"a": 1, "b": 2.5}
    assert sa.Values(values) == values
    assert list(sa.Values(values)) == ["a", "b"]


def test_empty_values():
    assert sa.Values() == {}
    assert sa.Values({}) == sa.Values()
    assert len(sa.Values()) == 0


def test_missing_name_raises_key_error():
    with pytest.raises(KeyError):
        sa.Values({"a": 1})["b"]


# --- immutability --------------------------------------------------------------------------


def test_no_item_assignment_or_deletion():
    values = sa.Values({"a": 1})
    with pytest.raises(TypeError):
        values["a"] = 2
    with pytest.raises(TypeError):
        values["b"] = 2
    with pytest.raises(TypeError):
        del values["a"]
    assert values == {"a": 1}


def test_no_attribute_setting():
    values = sa.Values({"a": 1})
    with pytest.raises(AttributeError):
        values.a = 2
    with pytest.raises(AttributeError):
        values.anything = 2
    assert not hasattr(values, "__dict__")


def test_no_mutating_dict_methods():
    values = sa.Values({"a": 1})
    for method in ("update", "pop", "popitem", "clear", "setdefault"):
        assert not hasattr(values, method)


def test_the_input_dict_can_change_without_changing_values():
    source = {"a": 1}
    values = sa.Values(source)
    source["a"] = 2
    source["b"] = 3
    assert values == {"a": 1}


def test_to_dict_returns_an_independent_plain_dict():
    values = sa.Values({"b": True, "a": 0.5})
    copy = values.to_dict()
    assert type(copy) is dict
    assert copy == {"b": True, "a": 0.5}
    assert list(copy) == ["b", "a"]
    copy["a"] = 0.7
    copy["c"] = "x"
    assert values == {"b": True, "a": 0.5}


# --- equality and hashing ------------------------------------------------------------------


def test_equal_to_a_dict_with_the_same_items_either_way():
    values = sa.Values({"units": 64, "dropout": False})
    assert values == {"units": 64, "dropout": False}
    assert {"dropout": False, "units": 64} == values  # noqa: SIM300 - dict on the left on purpose
    assert values != {"units": 64}
    assert values != {"units": 32, "dropout": False}
    assert values != {"units": 64, "dropout": False, "extra": 1}


def test_equality_ignores_order():
    assert sa.Values({"a": 1, "b": 2}) == sa.Values({"b": 2, "a": 1})


def test_not_equal_to_non_mappings():
    values = sa.Values({"a": 1})
    assert values != [("a", 1)]
    assert values != "a"
    assert values != 1


def test_hashable_and_hash_ignores_order():
    first = sa.Values({"a": 1, "b": "x"})
    second = sa.Values({"b": "x", "a": 1})
    assert hash(first) == hash(second)
    assert len({first, second, sa.Values({"a": 2, "b": "x"})}) == 2
    table = {first: "seen"}
    assert table[second] == "seen"


def test_hash_is_stable_across_calls():
    values = sa.Values({"a": 1.5})
    assert hash(values) == hash(values) == hash(sa.Values({"a": 1.5}))


# --- bools are not numbers ------------------------------------------------------------------

# Values that ``==`` confuses across types: True == 1 == 1.0, False == 0 == 0.0 == -0.0.
CONFUSABLE = st.sampled_from([True, False, 1, 0, 1.0, 0.0, -0.0, 2, "1"])
NAMES = st.sampled_from(["a", "b", "c"])


def _same_items(first: Mapping[str, object], second: Mapping[str, object]) -> bool:
    return first.keys() == second.keys() and all(same(first[k], second[k]) for k in first)


def test_true_and_one_are_different_values():
    assert sa.Values({"x": True}) != sa.Values({"x": 1})
    assert sa.Values({"x": False}) != sa.Values({"x": 0.0})
    assert len({sa.Values({"x": True}), sa.Values({"x": 1}), sa.Values({"x": 1.0})}) == 2
    assert sa.Values({"x": True}) != {"x": 1}
    assert {"x": 1} != sa.Values({"x": True})  # noqa: SIM300 - dict on the left on purpose
    assert FrozenMapping({"x": True}) != FrozenMapping({"x": 1})
    assert FrozenMapping({"x": 1}) != sa.Values({"x": True})


def test_an_int_and_the_equal_float_are_the_same_value():
    assert sa.Values({"x": 1}) == sa.Values({"x": 1.0})
    assert hash(sa.Values({"x": 1})) == hash(sa.Values({"x": 1.0}))


@given(
    st.dictionaries(NAMES, CONFUSABLE, max_size=3),
    st.dictionaries(NAMES, CONFUSABLE, max_size=3),
)
def test_values_are_equal_when_their_names_match_and_their_values_are_the_same(first, second):
    """``Values`` equality is :func:`same` per name, and equal values hash alike."""
    a, b = sa.Values(first), sa.Values(second)
    expected = _same_items(first, second)
    assert (a == b) is expected
    assert (b == a) is expected
    assert (a == second) is expected
    assert (a != b) is not expected
    if expected:
        assert hash(a) == hash(b)
        assert hash(FrozenMapping(first)) == hash(a)


@given(st.lists(st.dictionaries(NAMES, CONFUSABLE, max_size=2), max_size=6))
def test_a_set_of_values_holds_one_of_each_distinct_configuration(configurations):
    """A set of ``Values`` (an oracle's tried set) keeps apart what ``same`` keeps apart."""
    values = [sa.Values(c) for c in configurations]
    distinct: list[dict[str, object]] = []
    for candidate in configurations:
        if not any(_same_items(candidate, kept) for kept in distinct):
            distinct.append(candidate)
    assert len(set(values)) == len(distinct)
    assert all(candidate in set(values) for candidate in values)


# --- numpy scalars -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "kind"),
    [
        (np.int64(3), 3, int),
        (np.int32(-2), -2, int),
        (np.float32(0.5), 0.5, float),
        (np.float64(0.25), 0.25, float),
        (np.bool_(True), True, bool),
        (np.bool_(False), False, bool),
        (np.str_("adam"), "adam", str),
    ],
    ids=lambda p: type(p).__name__,
)
def test_numpy_scalars_become_python_scalars(raw, expected, kind):
    values = sa.Values({"x": raw})
    assert type(values["x"]) is kind
    assert values["x"] == expected
    assert type(values.to_dict()["x"]) is kind


def test_numpy_values_equal_and_hash_like_python_values():
    from_numpy = sa.Values({"n": np.int64(3), "flag": np.bool_(True), "s": np.str_("a")})
    plain = sa.Values({"n": 3, "flag": True, "s": "a"})
    assert from_numpy == plain
    assert hash(from_numpy) == hash(plain)
    assert repr(from_numpy) == repr(plain)


# --- repr and pickling ---------------------------------------------------------------------


def test_repr():
    assert repr(sa.Values({"units": 64, "dropout": False, "opt": "adam", "lr": 0.001})) == (
        "Values({'units': 64, 'dropout': False, 'opt': 'adam', 'lr': 0.001})"
    )
    assert repr(sa.Values()) == "Values({})"


def test_repr_evaluates_back():
    values = sa.Values({"units": 64, "lr": 0.001, "flag": True})
    assert eval(repr(values), {"Values": sa.Values}) == values


@pytest.mark.parametrize(
    "items",
    [{}, {"units": 64, "dropout": False, "opt": "adam", "lr": 1e-4}],
    ids=["empty", "mixed"],
)
def test_pickle_round_trip(items):
    values = sa.Values(items)
    back = pickle.loads(pickle.dumps(values))
    assert type(back) is sa.Values
    assert back == values
    assert list(back) == list(values)
    assert hash(back) == hash(values)


def test_pickle_after_hashing():
    values = sa.Values({"a": 1})
    hash(values)
    back = pickle.loads(pickle.dumps(values))
    assert back == values
    assert hash(back) == hash(values)


def test_values_from_sampling_are_values():
    space = sa.Space([sa.Int("a", min_value=1, max_value=3), sa.Boolean("b")])
    drawn = sa.sample(space, 0)
    assert type(drawn) is sa.Values
    with pytest.raises(TypeError):
        drawn["a"] = 2


# --- from_plain: the quick check a store's rows go through ---------------------------------

ANYTHING = st.one_of(
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.builds(np.int64, st.integers(-(2**40), 2**40)),
    st.builds(np.float64, st.floats(allow_nan=True)),
)


@given(st.dictionaries(st.one_of(NAMES, st.integers(0, 3)), ANYTHING, max_size=4))
def test_from_plain_is_the_constructor_however_the_dict_looks(items):
    """``Values.from_plain`` is ``Values(...)``, item for item and type for type, or its error."""
    try:
        expected = sa.Values(dict(items))
    except sa.SpaceError as error:
        with pytest.raises(type(error), match=re.escape(str(error))):
            sa.Values.from_plain(dict(items))
        return
    got = sa.Values.from_plain(dict(items))
    assert got == expected
    assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]
    assert list(got) == list(expected)


def test_from_plain_sends_anything_but_a_dict_to_the_constructor():
    """Pairs are accepted as by the constructor; a bad argument raises the constructor's error."""
    assert sa.Values.from_plain([("x", 1)]) == {"x": 1}  # type: ignore[arg-type]
    with pytest.raises(sa.errors.ArgumentTypeError, match="Values"):
        sa.Values.from_plain(3)  # type: ignore[arg-type]
