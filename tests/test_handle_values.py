"""``hp.values[name] = value`` on the define-by-run handle, as KerasTuner's visualize guide
uses it to check one branch of a build function (issue 14 item 5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spacealg as sa
from spacealg.errors import InvalidValueError, UnknownNameError


def build_model(hp: sa.HyperParameters) -> str:
    """The guide's branching build function, with strings for layers."""
    model_type = hp.Choice("model_type", ["mlp", "cnn"])
    if model_type == "mlp":
        return f"mlp{hp.Int('units', 32, 128, step=32)}"
    return f"cnn{hp.Int('filters', 8, 32, step=8)}"


def test_setting_a_value_before_building_checks_that_branch():
    hp = sa.HyperParameters()
    hp.values["model_type"] = "cnn"
    assert build_model(hp) == "cnn8"
    assert list(hp.space) == ["model_type", "filters"]
    assert dict(hp.values) == {"model_type": "cnn", "filters": 8}
    assert hp.get("model_type") == "cnn"


def test_a_value_outside_the_domain_is_an_error_at_its_declaration():
    hp = sa.HyperParameters()
    hp.values["model_type"] = "rnn"  # unknown here: nothing declared yet
    with pytest.raises(InvalidValueError) as raised:
        build_model(hp)
    assert str(raised.value) == (
        "HyperParameters.Choice(): 'rnn' is not a valid value for 'model_type'; "
        "allowed: one of 'mlp' or 'cnn'"
    )


def test_setting_a_declared_name_takes_effect_at_once_and_is_checked():
    hp = sa.HyperParameters()
    hp.Int("units", 32, 128, step=32)
    hp.values["units"] = 96
    assert hp.get("units") == 96
    assert hp.Int("units", 32, 128, step=32) == 96  # the same declaration again
    with pytest.raises(InvalidValueError, match=r"HyperParameters.values\[\]: 100 is not"):
        hp.values["units"] = 100
    assert hp.get("units") == 96


def test_deleting_a_set_value_returns_to_the_default():
    hp = sa.HyperParameters()
    hp.Int("units", 32, 128, step=32)
    hp.values["units"] = 64
    del hp.values["units"]
    assert hp.get("units") == 32
    with pytest.raises(UnknownNameError):
        del hp.values["nothing"]


def test_the_space_and_values_stay_immutable():
    hp = sa.HyperParameters()
    hp.Choice("model_type", ["mlp", "cnn"])
    before = hp.space
    hp.values["model_type"] = "cnn"
    assert hp.space == before
    assert hp.space["model_type"].default == "mlp"  # the declared default is unchanged
    values = sa.Values({"model_type": "cnn"})
    with pytest.raises(TypeError):
        values["model_type"] = "mlp"  # type: ignore[index]


def test_a_search_is_not_changed_by_a_handle_used_for_a_check(tmp_path):
    hp = sa.HyperParameters()
    hp.values["model_type"] = "cnn"
    build_model(hp)
    declared = sa.declare(build_model)
    assert declared["model_type"].default == "mlp"
    assert set(declared) == {"model_type", "units"}  # the handle's value is its own


@given(
    low=st.integers(-50, 50),
    width=st.integers(0, 20),
    value=st.integers(-100, 100),
)
def test_a_set_value_is_returned_iff_the_declared_domain_holds_it(low, width, value):
    """Law: after ``hp.values[n] = v``, declaring ``n`` returns ``v`` when its domain holds
    ``v`` and raises InvalidValueError otherwise."""
    hp = sa.HyperParameters()
    hp.values["n"] = value
    if low <= value <= low + width:
        assert hp.Int("n", low, low + width) == value
    else:
        with pytest.raises(InvalidValueError):
            hp.Int("n", low, low + width)
