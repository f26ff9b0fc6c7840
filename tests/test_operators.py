"""Examples of each tailoring operator's documented behaviour.

The laws themselves are property-tested in ``test_laws.py``; these pin down
concrete results: grids after ``restrict``, where defaults go, what ``override``
keeps, how ``merge`` resolves conflicts, and how children follow a parent that
narrows.
"""

from __future__ import annotations

import pytest

import spacealg as sa
from spacealg import Boolean, Choice, Condition, Fixed, Float, Int, Space
from spacealg.errors import (
    InvalidArgumentError,
    InvalidSpaceError,
    InvalidValueError,
    UnknownNameError,
)

UNITS = Int("units", min_value=32, max_value=128, step=32, default=64)


def one(hp: sa.Hyperparameter) -> Space:
    return Space([hp])


def narrowed(hp: sa.Hyperparameter, **kwargs: object) -> sa.Hyperparameter:
    return sa.restrict(one(hp), hp.name, **kwargs)[hp.name]  # type: ignore[arg-type]


@pytest.fixture
def model_space() -> Space:
    """A conditional space: filters under cnn/rnn, kernel under cnn, dilate under kernel."""
    return Space(
        [
            Choice("model", values=["mlp", "cnn", "rnn"]),
            Int(
                "filters",
                min_value=8,
                max_value=64,
                step=8,
                conditions=Condition("model", ["cnn", "rnn"]),
            ),
            Int("kernel", min_value=3, max_value=7, step=2, conditions=Condition("model", "cnn")),
            Boolean("dilate", conditions=Condition("kernel", [5, 7])),
            Int(
                "units", min_value=32, max_value=128, step=32, conditions=Condition("model", "mlp")
            ),
        ]
    )


# --- fix ----------------------------------------------------------------------------------


def test_fix_makes_fixed_entries_and_leaves_the_input_alone():
    space = Space([UNITS, Boolean("dropout")])
    fixed = sa.fix(space, units=96, dropout=True)
    assert fixed["units"] == Fixed("units", value=96)
    assert fixed["dropout"] == Fixed("dropout", value=True)
    assert list(fixed) == ["units", "dropout"]
    assert space["units"] == UNITS
    assert fixed.history["units"] == ("fix(): fixed at 96",)


def test_fix_keeps_conditions(model_space):
    fixed = sa.fix(model_space, filters=16)
    assert fixed["filters"] == Fixed(
        "filters", value=16, conditions=Condition("model", ["cnn", "rnn"])
    )


def test_fix_a_float_at_an_int_stores_a_float():
    fixed = sa.fix(one(Float("dropout", min_value=0, max_value=0.5)), dropout=0)
    assert fixed["dropout"] == Fixed("dropout", value=0.0)
    assert isinstance(fixed["dropout"].value, float)


@pytest.mark.parametrize(
    ("hp", "bad"),
    [
        (UNITS, 100),
        (UNITS, 256),
        (UNITS, 64.5),
        (UNITS, "64"),
        (Float("dropout", min_value=0, max_value=0.5), 0.7),
        (Float("dropout", min_value=0, max_value=0.6, step=0.1), 0.25),
        (Choice("act", values=["relu", "tanh"]), "gelu"),
        (Choice("n", values=[1, 2]), True),
        (Boolean("b"), 1),
        (Fixed("lr", value=1e-4), 1e-3),
    ],
)
def test_fix_rejects_values_outside_the_domain(hp, bad):
    with pytest.raises(InvalidValueError) as raised:
        sa.fix(one(hp), **{hp.name: bad})
    assert raised.value.operation == "fix()"
    assert raised.value.name == hp.name
    assert raised.value.allowed == hp.describe()


def test_fix_an_unknown_name_suggests_a_close_one():
    with pytest.raises(UnknownNameError, match="did you mean 'units'"):
        sa.fix(one(UNITS), unit=64)


def test_fix_removes_children_whose_condition_cannot_hold(model_space):
    fixed = sa.fix(model_space, model="rnn")
    assert list(fixed) == ["model", "filters"]
    assert fixed["filters"].conditions == (Condition("model", "rnn"),)
    assert fixed.history["kernel"] == (
        "removed: its condition 'model' in ['cnn'] can no longer hold ('model' is exactly 'rnn')",
    )
    assert fixed.history["dilate"] == ("removed: its parent 'kernel' was removed",)
    assert fixed.history["units"][-1].startswith("removed")
    assert fixed.history["filters"] == ("condition trimmed to 'model' in ['rnn']",)


# --- restrict: numbers ------------------------------------------------------------------------


def test_restrict_on_a_step_grid_keeps_the_grid_points_inside():
    result = narrowed(UNITS, min_value=33)
    assert list(result.grid_values()) == [64, 96, 128]
    assert result == Int("units", min_value=64, max_value=128, step=32, default=64)


def test_restrict_int_max_value_between_grid_points():
    result = narrowed(UNITS, max_value=100)
    assert result == Int("units", min_value=32, max_value=96, step=32, default=64)


def test_restrict_moves_the_default_to_the_new_minimum_when_it_falls_out():
    assert narrowed(UNITS, min_value=96).default == 96
    assert narrowed(UNITS, max_value=96).default == 64  # still inside: kept


def test_restrict_to_the_current_range_returns_the_input():
    space = one(Int("n", min_value=0, max_value=10, step=3))  # the grid ends at 9
    assert sa.restrict(space, "n", max_value=10) is space
    assert sa.restrict(space, "n", min_value=0, max_value=9) is space


def test_restrict_continuous_float():
    lr = Float("lr", min_value=1e-4, max_value=1e-1, sampling="log", default=1e-3)
    assert narrowed(lr, max_value=1e-2) == Float(
        "lr", min_value=1e-4, max_value=1e-2, sampling="log", default=1e-3
    )
    assert narrowed(lr, min_value=1e-2) == Float(
        "lr", min_value=1e-2, max_value=1e-1, sampling="log", default=1e-2
    )


def test_restrict_stepped_float_keeps_grid_points():
    dropout = Float("dropout", min_value=0, max_value=0.6, step=0.1, default=0.5)
    result = narrowed(dropout, min_value=0.15, max_value=0.45)
    assert result.grid_values() == (0.2, 0.3, 0.4)
    assert result.default == 0.2
    assert narrowed(dropout, min_value=0.3).grid_values() == (0.3, 0.4, 0.5, 0.6)


def test_restrict_log_grids():
    lr = Float("lr", min_value=1e-4, max_value=1e-1, step=10, sampling="log")
    result = narrowed(lr, min_value=5e-4)
    assert result.grid_values() == (1e-3, 1e-2, 1e-1)
    assert result.step == 10
    assert result.sampling == "log"
    n = Int("n", min_value=2, max_value=64, step=2, sampling="log")
    assert list(narrowed(n, min_value=5, max_value=40).grid_values()) == [8, 16, 32]


@pytest.mark.parametrize(
    ("hp", "value"),
    [
        (UNITS, 96),
        (Float("d", min_value=0, max_value=0.6, step=0.1), 0.3),
        (Float("lr", min_value=1e-4, max_value=1e-2, sampling="log"), 1e-3),
        (Choice("lr", values=[1e-2, 1e-3, 1e-4]), 1e-3),
    ],
)
def test_restrict_to_one_number_is_fixed(hp, value):
    space = one(hp)
    result = sa.restrict(space, hp.name, min_value=value, max_value=value)
    assert result[hp.name] == Fixed(hp.name, value=value)
    assert result == sa.fix(space, **{hp.name: value})


def test_restrict_between_grid_points_to_nothing_raises():
    with pytest.raises(InvalidArgumentError, match="bounds that keep a value"):
        sa.restrict(one(UNITS), "units", min_value=100, max_value=110)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"min_value": 200},
            (
                "min_value=200 is not valid for 'units'; "
                "allowed: bounds that keep a value of an int 32 <= x <= 128 in steps of 32"
            ),
        ),
        (
            {"max_value": 16},
            (
                "max_value=16 is not valid for 'units'; "
                "allowed: bounds that keep a value of an int 32 <= x <= 128 in steps of 32"
            ),
        ),
        (
            {"min_value": "a"},
            "min_value='a' is not valid for 'units'; allowed: None or a finite float",
        ),
        (
            {"min_value": 96, "max_value": 64},
            "max_value=64 is not valid for 'units'; allowed: max_value >= 96",
        ),
        (
            {"values": [32, 64]},
            (
                "values=[32, 64] is not valid for 'units'; "
                "allowed: min_value and max_value for a number"
            ),
        ),
        (
            {},
            (
                "min_value=None is not valid for 'units'; "
                "allowed: min_value, max_value or values to narrow by"
            ),
        ),
    ],
)
def test_restrict_to_nothing_or_by_nothing_raises(kwargs, message):
    with pytest.raises(InvalidArgumentError) as raised:
        sa.restrict(one(UNITS), "units", **kwargs)
    assert str(raised.value) == "restrict(): " + message


# --- restrict: listed values ------------------------------------------------------------------


def test_restrict_numeric_choice_by_bounds():
    lr = Choice("lr", values=[1e-2, 1e-3, 1e-4], default=1e-3)
    assert narrowed(lr, max_value=1e-3) == Choice("lr", values=[1e-3, 1e-4], default=1e-3)
    assert narrowed(lr, min_value=1e-3) == Choice("lr", values=[1e-2, 1e-3], default=1e-3)
    assert narrowed(lr, min_value=5e-4) == Choice("lr", values=[1e-2, 1e-3], default=1e-3)


def test_restrict_unordered_numeric_choice_and_numeric_fixed_by_bounds():
    sizes = Choice("size", values=[5, 1, 3], ordered=False)
    assert narrowed(sizes, min_value=2) == Choice("size", values=[5, 3], ordered=False)
    pinned = one(Fixed("size", value=3))
    assert sa.restrict(pinned, "size", min_value=3, max_value=3) is pinned


def test_restrict_choice_by_values_keeps_the_original_order():
    act = Choice("act", values=["relu", "tanh", "selu"], default="tanh")
    result = narrowed(act, values=["selu", "relu"])
    assert result == Choice("act", values=["relu", "selu"], default="relu")
    assert narrowed(act, values=["selu", "tanh"]).default == "tanh"


def test_restrict_choice_and_boolean_to_one_value_is_fixed():
    act = Choice("act", values=["relu", "tanh", "selu"])
    assert narrowed(act, values=["tanh"]) == Fixed("act", value="tanh")
    assert narrowed(Boolean("bn", default=True), values=[False]) == Fixed("bn", value=False)
    space = one(Boolean("bn"))
    assert sa.restrict(space, "bn", values=[True, False]) is space


def test_restrict_listed_values_errors():
    act = one(Choice("act", values=["relu", "tanh"]))
    with pytest.raises(InvalidArgumentError, match=r"values=\[\.\.\.\] for a non-numeric entry"):
        sa.restrict(act, "act", min_value=1)
    with pytest.raises(InvalidValueError, match="'gelu' is not a valid value for 'act'"):
        sa.restrict(act, "act", values=["gelu"])
    with pytest.raises(InvalidArgumentError, match="a non-empty part of"):
        sa.restrict(act, "act", values=[])
    with pytest.raises(InvalidArgumentError, match="bounds that keep a value"):
        sa.restrict(one(Choice("lr", values=[1e-2, 1e-3])), "lr", min_value=1.0)


def test_restrict_by_bounds_beyond_the_range_narrows_only_inside_it():
    space = one(UNITS)
    assert sa.restrict(space, "units", min_value=16) is space
    assert sa.restrict(space, "units", min_value=-(10**30), max_value=10**30) is space
    assert narrowed(UNITS, min_value=16, max_value=70) == Int(
        "units", min_value=32, max_value=64, step=32, default=64
    )
    lr = one(Choice("lr", values=[1e-2, 1e-3]))
    assert sa.restrict(lr, "lr", max_value=1.0) is lr


# --- children follow a parent that narrows ----------------------------------------------------


def test_restrict_trims_children_condition_values(model_space):
    result = sa.restrict(model_space, "model", values=["mlp", "cnn"])
    assert result["filters"].conditions == (Condition("model", "cnn"),)
    assert result["kernel"] == model_space["kernel"]
    assert result.history["filters"] == ("condition trimmed to 'model' in ['cnn']",)
    assert list(result) == list(model_space)


def test_restrict_removes_grandchildren_through_a_narrowed_child(model_space):
    result = sa.restrict(model_space, "kernel", max_value=3)
    assert result["kernel"] == Fixed("kernel", value=3, conditions=Condition("model", "cnn"))
    assert "dilate" not in result
    assert result.history["dilate"][-1].startswith("removed: its condition 'kernel' in [5, 7]")


def test_override_trims_children_when_the_new_domain_is_smaller(model_space):
    result = sa.override(model_space, Choice("model", values=["cnn", "mlp"]))
    assert result["filters"].conditions == (Condition("model", "cnn"),)
    assert list(result) == list(model_space)


# --- override -----------------------------------------------------------------------------


def test_override_keeps_position_and_replaces_the_kind():
    space = Space([UNITS, Choice("learning_rate", values=[1e-2, 1e-3, 1e-4]), Boolean("dropout")])
    lr = Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")
    result = sa.override(space, lr)
    assert list(result) == ["units", "learning_rate", "dropout"]
    assert result["learning_rate"] == lr
    assert result.history["learning_rate"] == (
        "override(): now Float, a float 0.0001 <= x <= 0.01",
    )


def test_override_inherits_the_declared_conditions(model_space):
    result = sa.override(model_space, Float("filters", min_value=8, max_value=64))
    assert result["filters"] == Float(
        "filters", min_value=8, max_value=64, conditions=Condition("model", ["cnn", "rnn"])
    )


def test_override_with_its_own_conditions_replaces_them(model_space):
    own = Int("filters", min_value=8, max_value=16, step=8, conditions=Condition("model", "cnn"))
    assert sa.override(model_space, own)["filters"] == own


def test_override_an_unknown_name_raises(model_space):
    with pytest.raises(
        UnknownNameError,
        match="override\\(\\): no hyperparameter named 'filter'; did you mean 'filters'",
    ):
        sa.override(model_space, Boolean("filter"))


def test_override_with_a_condition_on_a_missing_parent_raises_as_space_does():
    """Issue 13 item 4: the replacement is refused, not deleted with its children."""
    space = Space(
        [
            Int("u", min_value=0, max_value=3),
            Boolean("b"),
            Int("c", min_value=0, max_value=2, conditions=Condition("b", True)),
        ]
    )
    replacement = Boolean("b", conditions=Condition("zz", 1))
    with pytest.raises(InvalidSpaceError) as built:
        Space([space["u"], replacement, space["c"]])
    with pytest.raises(InvalidSpaceError) as overridden:
        sa.override(space, replacement)
    assert str(overridden.value) == str(built.value).replace("Space()", "override()", 1)
    assert str(overridden.value) == (
        "override(): 'b' has a condition on 'zz', which is not in the space; "
        "allowed: parents among 'u' and 'c'"
    )


def test_override_twice_the_last_wins():
    space = Space([UNITS])
    first, last = Boolean("units"), Fixed("units", value=3)
    assert sa.override(space, first, last)["units"] == last


# --- merge --------------------------------------------------------------------------------

WIDE_UNITS = Int("units", min_value=32, max_value=256, step=32)
LR = Float("lr", min_value=1e-4, max_value=1e-2, sampling="log")


def test_merge_is_a_union_in_first_seen_order():
    merged = sa.merge(Space([UNITS, Boolean("dropout")]), Space([LR, Boolean("dropout")]))
    assert list(merged) == ["units", "dropout", "lr"]


def test_merge_raises_on_a_conflict_by_default():
    with pytest.raises(InvalidSpaceError) as raised:
        sa.merge(Space([UNITS]), Space([WIDE_UNITS]))
    assert raised.value.name == "units"
    assert "'units' is declared differently" in str(raised.value)
    assert "on_conflict='left' or 'right'" in str(raised.value)


def test_merge_left_and_right_pick_the_winner():
    a, b = Space([UNITS, Boolean("dropout")]), Space([WIDE_UNITS, LR])
    left = sa.merge(a, b, on_conflict="left")
    right = sa.merge(a, b, on_conflict="right")
    assert left["units"] == UNITS
    assert right["units"] == WIDE_UNITS
    assert list(left) == list(right) == ["units", "dropout", "lr"]
    assert right.history["units"] == ("merge(): the right declaration won",)


def test_merge_winner_without_conditions_takes_the_losers():
    parent = Boolean("deep")
    declared = Space(
        [parent, Int("layers", min_value=2, max_value=8, conditions=Condition("deep", True))]
    )
    tailoring = Space([Int("layers", min_value=2, max_value=4)])
    merged = sa.merge(tailoring, declared, on_conflict="left")
    assert merged["layers"] == Int(
        "layers", min_value=2, max_value=4, conditions=Condition("deep", True)
    )
    assert list(merged) == ["layers", "deep"]


def test_merge_winning_parent_trims_the_losers_children():
    a = Space([Choice("model", values=["mlp", "cnn"])])
    b = Space(
        [
            Choice("model", values=["mlp", "cnn", "rnn"]),
            Int(
                "filters",
                min_value=8,
                max_value=64,
                step=8,
                conditions=Condition("model", ["cnn", "rnn"]),
            ),
            Boolean("bidirectional", conditions=Condition("model", "rnn")),
        ]
    )
    merged = sa.merge(a, b, on_conflict="left")
    assert merged["filters"].conditions == (Condition("model", "cnn"),)
    assert "bidirectional" not in merged
    assert merged.history["bidirectional"][-1].startswith("removed")


def test_merge_of_identical_declarations_is_no_conflict():
    space = Space([UNITS, Boolean("dropout")])
    assert sa.merge(space, Space([Boolean("dropout")])) is space
    assert sa.merge(space) is space
    assert sa.merge() == Space()


def test_merge_rejects_an_unknown_mode():
    with pytest.raises(InvalidArgumentError, match="on_conflict='first' is not valid"):
        sa.merge(Space(), Space(), on_conflict="first")  # type: ignore[arg-type]


# --- select and drop ----------------------------------------------------------------------


def test_select_keeps_space_order(model_space):
    assert list(sa.select(model_space, "units", "model")) == ["model", "units"]


def test_drop_removes_the_named_entries(model_space):
    assert list(sa.drop(model_space, "dilate", "kernel")) == ["model", "filters", "units"]


def test_select_refuses_to_orphan_a_child(model_space):
    with pytest.raises(InvalidSpaceError) as raised:
        sa.select(model_space, "filters")
    assert str(raised.value) == (
        "select(): 'filters' would lose its parent 'model'; "
        "allowed: select 'model' too, or drop 'filters'"
    )


def test_drop_refuses_to_orphan_a_child(model_space):
    with pytest.raises(InvalidSpaceError) as raised:
        sa.drop(model_space, "kernel")
    assert str(raised.value) == (
        "drop(): 'dilate' would lose its parent 'kernel'; "
        "allowed: drop 'dilate' too, or keep 'kernel'"
    )


def test_select_and_drop_unknown_names(model_space):
    with pytest.raises(UnknownNameError, match="did you mean 'units'"):
        sa.select(model_space, "unit")
    with pytest.raises(UnknownNameError, match="did you mean 'model'"):
        sa.drop(model_space, "modle")


def test_select_and_drop_keep_history(model_space):
    fixed = sa.fix(model_space, units=64)
    assert sa.select(fixed, "model", "units").history["units"] == ("fix(): fixed at 64",)
    assert "units" not in sa.drop(fixed, "units").history


# --- the Space methods are sugar for the functions ----------------------------------------


def test_space_methods_agree_with_the_functions(model_space):
    s = model_space
    pairs = [
        (s.fix(model="mlp", units=64), sa.fix(s, model="mlp", units=64)),
        (s.restrict("filters", min_value=16), sa.restrict(s, "filters", min_value=16)),
        (s.restrict("model", values=["cnn"]), sa.restrict(s, "model", values=["cnn"])),
        (s.override(Boolean("units")), sa.override(s, Boolean("units"))),
        (s.merge(Space([LR])), sa.merge(s, Space([LR]))),
        (
            s.merge(Space([Boolean("model")]), on_conflict="right"),
            sa.merge(s, Space([Boolean("model")]), on_conflict="right"),
        ),
        (s.select("model", "units"), sa.select(s, "model", "units")),
        (s.drop("dilate"), sa.drop(s, "dilate")),
    ]
    for method, function in pairs:
        assert method == function
        assert list(method) == list(function)
        assert dict(method.history) == dict(function.history)
    assert s.fix() is s
    assert s.drop() is s


def test_space_methods_chain(model_space):
    chained = model_space.restrict("model", values=["mlp", "cnn"]).fix(kernel=5).drop("units")
    assert list(chained) == ["model", "filters", "kernel", "dilate"]
    assert chained["kernel"] == Fixed("kernel", value=5, conditions=Condition("model", "cnn"))
    assert chained["dilate"].conditions == (Condition("kernel", 5),)


# --- Issue 13 item 3: accepted values snap to their grid point ---------------------------------


def dropout_space() -> Space:
    return Space(
        [
            Float("drop", min_value=0, max_value=0.6, step=0.1),
            Boolean("child", conditions=Condition("drop", 0.3)),
        ]
    )


def test_fix_snaps_a_value_to_its_grid_point():
    space = dropout_space()
    result = sa.fix(space, drop=0.1 * 3)
    assert repr(result["drop"].default) == "0.3"
    assert "child" in result
    assert result == sa.fix(space, drop=0.3)
    assert result == sa.restrict(space, "drop", min_value=0.3, max_value=0.3)
    assert result == sa.restrict(space, "drop", min_value=0.1 * 3, max_value=0.1 * 3)


def test_condition_values_snap_to_their_parent_grid_point():
    space = Space(
        [
            Float("drop", min_value=0, max_value=0.6, step=0.1),
            Boolean("child", conditions=Condition("drop", 0.1 * 3)),
        ]
    )
    assert repr(space["child"].conditions[0].values[0]) == "0.3"
    assert space == dropout_space()
    assert "child" in sa.fix(space, drop=0.3)


def test_validate_and_contains_snap_values_before_checking_activity():
    space = dropout_space()
    values = sa.validate(space, {"drop": 0.1 * 3, "child": True})
    assert repr(values["drop"]) == "0.3"
    assert sa.contains(space, {"drop": 0.1 * 3, "child": True})
    assert not sa.contains(space, {"drop": 0.1 * 3})


def test_handle_values_snap_to_their_grid_point():
    space = dropout_space()
    hp = sa.HyperParameters.holding(space, {"drop": 0.1 * 3, "child": True})
    assert repr(hp["drop"]) == "0.3"
    assert hp["child"] is True


# --- Issue 13 item 5: restrict is idempotent; a bound that narrows nothing is a no-op -----------


@pytest.mark.parametrize(
    "hp",
    [UNITS, Choice("units", values=[32, 64, 96, 128]), Float("units", min_value=32, max_value=128)],
)
def test_restrict_twice_with_the_same_bound_is_the_first_result(hp):
    once = sa.restrict(one(hp), "units", min_value=40)
    assert sa.restrict(once, "units", min_value=40) is once
    assert sa.restrict(once, "units", min_value=0, max_value=1000) is once
    pinned = sa.restrict(one(hp), "units", min_value=60, max_value=64)
    assert sa.restrict(pinned, "units", min_value=60, max_value=64) is pinned


def test_restrict_to_nothing_stays_an_error():
    with pytest.raises(InvalidArgumentError, match="bounds that keep a value"):
        sa.restrict(one(UNITS), "units", min_value=200)
    with pytest.raises(InvalidArgumentError):
        sa.restrict(one(Choice("units", values=[32, 64])), "units", max_value=10)


# --- Issue 13 item 6: restrict narrows wide log grids ------------------------------------------


def test_restrict_narrows_a_log_grid_spanning_many_decades():
    space = one(Float("x", min_value=1e-3, max_value=1e10, step=10, sampling="log"))
    result = sa.restrict(space, "x", min_value=0.01)
    assert result["x"].grid_values()[0] == 0.01
    assert result["x"].size == 13
    top = sa.restrict(space, "x", max_value=1e9)
    assert top["x"].grid_values()[-1] == 1e9


def test_handle_conditions_snap_to_their_parent_grid_point():
    def build(hp: sa.HyperParameters) -> None:
        hp.Float("drop", min_value=0, max_value=0.6, step=0.1)
        with hp.conditional_scope("drop", 0.1 * 3):
            hp.Boolean("scoped")
        hp.Boolean("child", parent_name="drop", parent_values=[0.1 * 3])

    handle = sa.HyperParameters({"drop": 0.3})
    build(handle)
    assert handle.values == {"drop": 0.3, "scoped": False, "child": False}
    assert handle.space == sa.declare(build)


def test_trial_space_complete_snaps_tuned_values():
    declared = Space(
        [
            Float("drop", min_value=0, max_value=0.6, step=0.1),
            Boolean("child", conditions=Condition("drop", 0.3)),
        ]
    )
    trial = sa.resolve(declared, Space([declared["drop"]]), tune_new_entries=False)
    completed = trial.complete({"drop": 0.1 * 3})
    assert repr(completed["drop"]) == "0.3"
    assert completed["child"] is False


def test_restrict_to_a_grid_point_missed_by_rounding_is_idempotent():
    # 0.1 * 3 is 0.30000000000000004: within tolerance of the grid point 0.3, it
    # narrows the grid to Fixed(0.3), which the same bounds must keep.
    space = sa.Space([sa.Float("a", min_value=0.0, max_value=0.6, step=0.1)])
    bound = 0.1 * 3
    once = sa.restrict(space, "a", min_value=bound, max_value=bound)
    assert once["a"] == sa.Fixed("a", value=0.3)
    assert sa.restrict(once, "a", min_value=bound, max_value=bound) is once


def test_a_one_point_grid_keeps_no_value_near_its_point_by_the_step():
    # Float(0, 0, step=0.001) is the one point 0.0: the step scales no tolerance there.
    point = sa.Float("a", min_value=0.0, max_value=0.0, step=0.001)
    assert point.contains(0.0)
    assert not point.contains(1e-18)
    with pytest.raises(sa.errors.InvalidArgumentError, match="bounds that keep a value"):
        sa.restrict(sa.Space([point]), "a", min_value=1e-18)


def test_restricting_a_grid_of_16_digit_points_twice_agrees_to_12_digits():
    """restrict's documented limit, on the case hypothesis found: the grid point
    -535.5294923730719 + 227 * 0.1 is the float that prints as -512.8294923730718, so
    a grid rebuilt from it steps from that decimal, and its next point differs from
    the original's in the last digit."""
    space = Space(
        [Float("a", min_value=-535.5294923730719, max_value=-512.6294923730719, step=0.1)]
    )
    once = sa.restrict(space, "a", min_value=-512.8294923730718)
    bounds = {"min_value": -512.8294923730718, "max_value": -512.7294923730718}
    twice, direct = sa.restrict(once, "a", **bounds), sa.restrict(space, "a", **bounds)
    assert twice != direct  # the limit is real: the two maxima differ in the last digit
    assert twice["a"].max_value == pytest.approx(direct["a"].max_value, rel=1e-15)
    assert twice["a"].min_value == direct["a"].min_value


def test_restricting_a_grid_of_15_digit_points_twice_is_exact():
    """The same steps from a minimum of 15 significant digits: every point's decimal
    round-trips through a float, so the rebuilt grid holds the very same floats."""
    space = Space([Float("a", min_value=-535.529492373072, max_value=-512.629492373072, step=0.1)])
    once = sa.restrict(space, "a", min_value=-512.829492373072)
    assert list(once["a"].grid_values()) == list(space["a"].grid_values())[-3:]
    bounds = {"min_value": -512.829492373072, "max_value": -512.729492373072}
    assert sa.restrict(once, "a", **bounds) == sa.restrict(space, "a", **bounds)
