"""Examples for ``Space``: construction, mapping behaviour, equality, pickling, order."""

from __future__ import annotations

import pickle
from collections.abc import Mapping

import attrs
import pytest

import spacealg as sa
from spacealg.errors import UnknownNameError

UNITS = sa.Int("units", min_value=32, max_value=128, step=32, default=64)
DROPOUT = sa.Boolean("dropout")
LR = sa.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])


def _names(entries):
    return [hp.name for hp in entries]


# --- construction --------------------------------------------------------------------------


def test_space_keeps_the_given_entries_in_order():
    space = sa.Space([UNITS, DROPOUT, LR])
    assert space.hyperparameters == (UNITS, DROPOUT, LR)
    assert isinstance(space.hyperparameters, tuple)


def test_space_accepts_any_iterable():
    expected = sa.Space([UNITS, DROPOUT])
    assert sa.Space((UNITS, DROPOUT)) == expected
    assert sa.Space(hp for hp in (UNITS, DROPOUT)) == expected
    assert list(sa.Space(hp for hp in (UNITS, DROPOUT))) == ["units", "dropout"]


def test_empty_space():
    space = sa.Space()
    assert len(space) == 0
    assert list(space) == []
    assert space.names == ()
    assert space.hyperparameters == ()
    assert "units" not in space
    assert space == sa.Space([])
    assert space != sa.Space([UNITS])
    assert space.dependency_order() == ()


def test_space_is_a_mapping():
    assert isinstance(sa.Space([UNITS]), Mapping)


def test_space_is_frozen():
    space = sa.Space([UNITS])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        space.hyperparameters = ()
    with pytest.raises(TypeError):
        space["units"] = DROPOUT
    with pytest.raises(TypeError):
        del space["units"]


# --- mapping behaviour ---------------------------------------------------------------------


def test_getitem_returns_the_entry():
    space = sa.Space([UNITS, DROPOUT])
    assert space["units"] is UNITS
    assert space["dropout"] is DROPOUT


def test_getitem_of_an_unknown_name_raises_a_key_error():
    space = sa.Space([UNITS, DROPOUT])
    with pytest.raises(KeyError) as excinfo:
        space["unit"]
    assert isinstance(excinfo.value, UnknownNameError)
    assert excinfo.value.name == "unit"


def test_len_and_iteration_order():
    space = sa.Space([LR, UNITS, DROPOUT])
    assert len(space) == 3
    assert list(space) == ["learning_rate", "units", "dropout"]
    assert space.names == ("learning_rate", "units", "dropout")


def test_in():
    space = sa.Space([UNITS])
    assert "units" in space
    assert "dropout" not in space
    assert 1 not in space
    assert UNITS not in space  # membership is by name, as for a dict


def test_get():
    space = sa.Space([UNITS])
    assert space.get("units") is UNITS
    assert space.get("dropout") is None
    assert space.get("dropout", DROPOUT) is DROPOUT


def test_keys_values_items_in_order():
    space = sa.Space([DROPOUT, UNITS])
    assert list(space.keys()) == ["dropout", "units"]
    assert list(space.values()) == [DROPOUT, UNITS]
    assert list(space.items()) == [("dropout", DROPOUT), ("units", UNITS)]
    assert dict(space) == {"dropout": DROPOUT, "units": UNITS}


# --- equality and hashing ------------------------------------------------------------------


def test_equality_and_hash_ignore_order_but_iteration_keeps_it():
    first = sa.Space([UNITS, DROPOUT, LR])
    second = sa.Space([LR, UNITS, DROPOUT])
    assert first == second
    assert hash(first) == hash(second)
    assert len({first, second}) == 1
    assert list(first) != list(second)
    assert list(second) == ["learning_rate", "units", "dropout"]


def test_spaces_with_different_entries_are_not_equal():
    base = sa.Space([UNITS, DROPOUT])
    assert base != sa.Space([UNITS])
    assert base != sa.Space([UNITS, sa.Boolean("dropout", default=True)])
    assert base != sa.Space([UNITS, sa.Boolean("drop")])
    assert base != sa.Space([sa.Int("units", min_value=32, max_value=128, step=32), DROPOUT])


def test_equal_spaces_built_separately_are_equal():
    first = sa.Space([sa.Int("a", min_value=1, max_value=5), sa.Boolean("b")])
    second = sa.Space([sa.Int("a", min_value=1.0, max_value=5.0), sa.Boolean("b", default=False)])
    assert first == second
    assert hash(first) == hash(second)


def test_space_is_not_equal_to_a_dict_of_its_items():
    space = sa.Space([UNITS])
    assert space != {"units": UNITS}
    assert space != [UNITS]


def test_space_works_as_a_dict_key():
    table = {sa.Space([UNITS, DROPOUT]): "found"}
    assert table[sa.Space([DROPOUT, UNITS])] == "found"


# --- repr and pickling ---------------------------------------------------------------------


def test_repr_lists_the_entries_in_order():
    space = sa.Space([UNITS, DROPOUT])
    assert repr(space) == f"Space([{UNITS!r}, {DROPOUT!r}])"
    assert repr(sa.Space()) == "Space([])"


def test_repr_evaluates_back_to_an_equal_space():
    space = sa.Space(
        [
            sa.Choice("optimizer", values=["adam", "sgd"]),
            sa.Float(
                "momentum", min_value=0, max_value=0.9, conditions=sa.Condition("optimizer", "sgd")
            ),
            UNITS,
        ]
    )
    namespace = {name: getattr(sa, name) for name in sa.__all__}
    back = eval(repr(space), namespace)
    assert back == space
    assert list(back) == list(space)


def test_pickle_round_trip_keeps_order_and_conditions():
    space = sa.Space(
        [
            sa.Int("layers", min_value=1, max_value=3, conditions=sa.Condition("deep", True)),
            sa.Boolean("deep"),
            UNITS,
        ]
    )
    back = pickle.loads(pickle.dumps(space))
    assert back == space
    assert hash(back) == hash(space)
    assert list(back) == ["layers", "deep", "units"]
    assert back["layers"].conditions == (sa.Condition("deep", True),)
    assert _names(back.dependency_order()) == ["deep", "layers", "units"]


def test_pickle_round_trip_of_an_empty_space():
    assert pickle.loads(pickle.dumps(sa.Space())) == sa.Space()


# --- names and dependency order ------------------------------------------------------------


def test_names_is_a_tuple_in_space_order():
    assert sa.Space([DROPOUT, LR, UNITS]).names == ("dropout", "learning_rate", "units")


def test_dependency_order_is_space_order_without_conditions():
    space = sa.Space([DROPOUT, LR, UNITS])
    assert space.dependency_order() == (DROPOUT, LR, UNITS)


def test_dependency_order_keeps_space_order_when_parents_come_first():
    space = sa.Space(
        [
            sa.Boolean("deep"),
            sa.Int("layers", min_value=1, max_value=3, conditions=sa.Condition("deep", True)),
            UNITS,
        ]
    )
    assert _names(space.dependency_order()) == ["deep", "layers", "units"]


def test_dependency_order_puts_a_parent_listed_after_its_child_first():
    space = sa.Space(
        [
            UNITS,
            sa.Int("layers", min_value=1, max_value=3, conditions=sa.Condition("deep", True)),
            DROPOUT,
            sa.Boolean("deep"),
            LR,
        ]
    )
    # ``layers`` waits for ``deep``; everything else keeps its place.
    assert _names(space.dependency_order()) == [
        "units",
        "dropout",
        "deep",
        "layers",
        "learning_rate",
    ]
    assert list(space) == ["units", "layers", "dropout", "deep", "learning_rate"]


def test_dependency_order_of_a_chain_declared_backwards():
    space = sa.Space(
        [
            sa.Int("c", min_value=1, max_value=3, conditions=sa.Condition("b", "p")),
            sa.Choice("b", values=["p", "q"], conditions=sa.Condition("a", "x")),
            sa.Choice("a", values=["x", "y"]),
        ]
    )
    assert _names(space.dependency_order()) == ["a", "b", "c"]


def test_dependency_order_with_two_parents():
    space = sa.Space(
        [
            sa.Boolean(
                "child", conditions=[sa.Condition("second", "on"), sa.Condition("first", 1)]
            ),
            sa.Choice("first", values=[1, 2]),
            sa.Boolean("other"),
            sa.Choice("second", values=["on", "off"]),
        ]
    )
    assert _names(space.dependency_order()) == ["first", "other", "second", "child"]


def test_dependency_order_contains_every_entry_once():
    space = sa.Space(
        [
            sa.Boolean("x", conditions=sa.Condition("y", True)),
            sa.Boolean("y", conditions=sa.Condition("z", True)),
            sa.Boolean("z"),
            sa.Boolean("w"),
        ]
    )
    order = space.dependency_order()
    assert sorted(_names(order)) == sorted(space)
    assert _names(order) == ["z", "y", "x", "w"]  # earliest ready entry first
