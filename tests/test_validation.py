"""The shared checks (``spacealg._space.validation``): what each accepts, and its one wording."""

from __future__ import annotations

import math
import pickle
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spacealg as sa
from spacealg._running.metrics import is_metric_value
from spacealg._space.validation import (
    check_int,
    check_name,
    check_real,
    int_at_least,
    int_words,
    is_finite_real,
    is_real,
    real_within,
    real_words,
)
from spacealg.errors import ArgumentTypeError, InvalidArgumentError

anything = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=3)
    | st.lists(st.integers(), max_size=2)
)


# -- what a number is ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "real", "finite"),
    [
        (0, True, True),
        (-3, True, True),
        (10**400, True, True),  # beyond the float range, still a finite int
        (0.5, True, True),
        (math.inf, True, False),
        (-math.inf, True, False),
        (math.nan, True, False),
        (True, False, False),
        (False, False, False),
        ("1", False, False),
        (None, False, False),
        (1j, False, False),
        (np.float64(0.5), True, True),  # a float subclass
        (np.int64(3), False, False),  # not an int: callers turn numpy scalars first
    ],
)
def test_is_real_and_is_finite_real(value: object, real: bool, finite: bool) -> None:
    assert is_real(value) is real
    assert is_finite_real(value) is finite


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (1, True),
        (0.5, True),
        (math.nan, True),  # a NaN metric is a value (the trial is judged INVALID)
        (np.float32(0.5), True),
        (np.int64(3), True),
        (np.bool_(True), False),
        (True, False),
        ("0.5", False),
        (np.array(0.5), False),  # the store refuses a 0-d array, so the probe does too
    ],
)
def test_a_metric_value_is_a_real_number_numpy_scalars_included(
    value: object, accepted: bool
) -> None:
    assert is_metric_value(value) is accepted


# -- ints ---------------------------------------------------------------------------------


@given(value=anything, minimum=st.integers(-2, 3), optional=st.booleans())
def test_check_int_accepts_exactly_the_ints_at_least_the_minimum(
    value: object, minimum: int, optional: bool
) -> None:
    ok = (optional and value is None) or (
        isinstance(value, int) and not isinstance(value, bool) and value >= minimum
    )
    if ok:
        check_int("f()", "n", value, minimum=minimum, optional=optional)
        return
    with pytest.raises(InvalidArgumentError) as raised:
        check_int("f()", "n", value, minimum=minimum, optional=optional)
    assert type(raised.value) is InvalidArgumentError
    assert raised.value.allowed == int_words(minimum, optional=optional)
    assert str(raised.value) == (
        f"f(): n={value!r} is not valid; allowed: {int_words(minimum, optional=optional)}"
    )


def test_int_words() -> None:
    assert int_words(1) == "an int >= 1"
    assert int_words(0) == "an int >= 0"
    assert int_words(2, optional=True) == "None or an int >= 2"


def test_check_int_names_the_hyperparameter_when_given() -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        check_int("f()", "step", 0, minimum=1, name="units")
    assert str(raised.value) == "f(): step=0 is not valid for 'units'; allowed: an int >= 1"


# -- real numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bounds", "words"),
    [
        ({"above": 0, "below": 1}, "a float 0 < x < 1"),
        ({"at_least": 0, "at_most": 1}, "a float 0 <= x <= 1"),
        ({"above": 0, "at_most": 1}, "a float 0 < x <= 1"),
        ({"above": 0}, "a finite float > 0"),
        ({"at_least": 0}, "a finite float >= 0"),
        ({"below": 1}, "a finite float < 1"),
        ({}, "a finite float"),
        ({"at_least": 0, "optional": True}, "None or a finite float >= 0"),
    ],
)
def test_real_words(bounds: dict[str, Any], words: str) -> None:
    assert real_words(**bounds) == words


BOUNDS = st.sampled_from(
    [
        {"above": 0, "below": 1},
        {"at_least": 0, "at_most": 1},
        {"above": 0, "at_most": 1},
        {"above": 0},
        {"at_least": 0},
        {},
    ]
)


@given(value=anything, bounds=BOUNDS, optional=st.booleans())
def test_check_real_accepts_exactly_the_finite_numbers_within_bounds(
    value: object, bounds: dict[str, float], optional: bool
) -> None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    ok = (optional and value is None) or (
        number
        and math.isfinite(value)  # type: ignore[arg-type]
        and value > bounds.get("above", -math.inf)  # type: ignore[operator]
        and value >= bounds.get("at_least", -math.inf)  # type: ignore[operator]
        and value < bounds.get("below", math.inf)  # type: ignore[operator]
        and value <= bounds.get("at_most", math.inf)  # type: ignore[operator]
    )
    if ok:
        check_real("f()", "x", value, optional=optional, **bounds)
        return
    with pytest.raises(InvalidArgumentError) as raised:
        check_real("f()", "x", value, optional=optional, **bounds)
    assert raised.value.allowed == real_words(optional=optional, **bounds)


# -- names --------------------------------------------------------------------------------


@given(value=anything)
def test_check_name_accepts_exactly_the_non_empty_strs(value: object) -> None:
    if isinstance(value, str) and value:
        check_name("f()", "name", value)
        return
    with pytest.raises(ArgumentTypeError) as raised:
        check_name("f()", "name", value)
    assert str(raised.value) == f"f(): name={value!r} is not valid; allowed: a non-empty str"


# -- as attrs validators ------------------------------------------------------------------


@attrs.frozen
class _Settings:
    count: int = attrs.field(default=1, validator=int_at_least(1), kw_only=True)
    share: float = attrs.field(default=0.5, validator=real_within(above=0, below=1), kw_only=True)
    limit: int | None = attrs.field(
        default=None, validator=int_at_least(0, optional=True), kw_only=True
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 0}, "_Settings(): count=0 is not valid; allowed: an int >= 1"),
        ({"share": 1.0}, "_Settings(): share=1.0 is not valid; allowed: a float 0 < x < 1"),
        ({"limit": -1}, "_Settings(): limit=-1 is not valid; allowed: None or an int >= 0"),
    ],
)
def test_validators_name_the_class_the_field_and_the_rule(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        _Settings(**kwargs)
    assert str(raised.value) == message
    assert str(pickle.loads(pickle.dumps(raised.value))) == message


def test_validators_run_again_on_evolve() -> None:
    with pytest.raises(InvalidArgumentError):
        attrs.evolve(_Settings(), count=0)


# -- one wording per rule, everywhere ----------------------------------------------------


@pytest.mark.parametrize(
    ("call", "argument", "allowed"),
    [
        (lambda: sa.RandomSearchOracle(max_collisions=0), "max_collisions", int_words(1)),
        (lambda: sa.TPEOracle(max_collisions=0), "max_collisions", int_words(1)),
        (lambda: sa.HyperbandOracle(max_collisions=0), "max_collisions", int_words(1)),
        (lambda: sa.BayesianOptimizationOracle(max_collisions=0), "max_collisions", int_words(1)),
        (lambda: sa.TPEOracle(n_ei_candidates=0), "n_ei_candidates", int_words(1)),
        (lambda: sa.HyperbandOracle(max_epochs=0), "max_epochs", int_words(1)),
        (lambda: sa.BayesianOptimizationOracle(restarts=0), "restarts", int_words(1)),
        (lambda: sa.TPEOracle(gamma=0), "gamma", real_words(above=0, below=1)),
        (lambda: sa.BayesianOptimizationOracle(alpha=0), "alpha", real_words(above=0, at_most=1)),
        (lambda: sa.declare(sa.Space(), max_explorations=0), "max_explorations", int_words(1)),
        (lambda: sa.Objective(3, "min"), "name", "a non-empty str"),  # type: ignore[arg-type]
        (lambda: sa.Boolean(""), "name", "a non-empty str"),
        (lambda: sa.Condition("", True), "parent", "a non-empty str"),
    ],
)
def test_each_rule_reads_the_same_wherever_it_is_checked(
    call: Any, argument: str, allowed: str
) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        call()
    assert raised.value.argument == argument
    assert raised.value.allowed == allowed


@pytest.mark.parametrize(
    ("build", "argument"),
    [
        (lambda: sa.Choice("c", values=np.array(3)), "values"),
        (lambda: sa.Choice("c", values=[1, 2], weights=np.array(3)), "weights"),
        (lambda: sa.Choice("c", values=[1, 2], conditions=np.array(3)), "conditions"),
        (lambda: sa.Condition("p", np.array(3)), "values"),
        (lambda: sa.Space(np.array(3)), "hyperparameters"),
        (lambda: sa.Space([], constraints=np.array(3)), "constraints"),
    ],
)
def test_a_zero_dimensional_array_is_not_a_list(build, argument):
    """A 0-d numpy array declares ``__iter__`` and raises when iterated: it gets the clear error."""
    with pytest.raises(sa.SpaceError, match=f"{argument}=array\\(3\\) is not valid"):
        build()
