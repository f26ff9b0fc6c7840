"""diff(a, b): what changed between two spaces, as a value and as one line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import spacealg as sa
from spacealg.errors import ArgumentTypeError
from spacealg.testing import spaces

BEFORE = sa.Space(
    [
        sa.Int("units", min_value=32, max_value=128, step=32),
        sa.Choice("optimizer", values=["adam", "sgd"]),
        sa.Float(
            "momentum", min_value=0.0, max_value=0.9, conditions=sa.Condition("optimizer", "sgd")
        ),
        sa.Boolean("gone"),
    ]
)


def test_equal_spaces_have_an_empty_diff():
    difference = sa.diff(BEFORE, BEFORE)
    assert not difference
    assert str(difference) == "no change"
    assert difference == sa.diff(BEFORE, sa.Space(BEFORE.hyperparameters))


@settings(deadline=None, max_examples=60)
@given(spaces(max_size=6))
def test_a_space_differs_from_itself_in_nothing(space):
    assert not sa.diff(space, space)
    assert not sa.diff(space, sa.from_json(sa.to_json(space)))


def test_every_field_change_is_listed_in_one_line():
    after = sa.constrain(
        sa.Space(
            [
                sa.Int("units", min_value=32, max_value=256, step=64, default=96),
                sa.Choice("optimizer", values=["adam", "sgd"], weights=[3, 1]),
                sa.Float("momentum", min_value=0.0, max_value=0.9, sampling="linear"),
                sa.Float("dropout", min_value=0.0, max_value=0.5),
            ]
        ),
        "units <= 192",
    )
    difference = sa.diff(BEFORE, after)
    assert str(difference) == (
        "'units' max 128 -> 256, step 32 -> 64, default 32 -> 96; "
        "'optimizer' weights None -> [0.75, 0.25]; "
        "'momentum' conditions ['optimizer' in ['sgd']] -> []; "
        "added 'dropout'; removed 'gone'; added constraint 'units <= 192'"
    )
    assert difference.added == ("dropout",)
    assert difference.removed == ("gone",)
    assert difference.constraints_added == ("units <= 192",)
    assert [c.field for c in difference.changed] == [
        "max_value",
        "step",
        "default",
        "weights",
        "conditions",
    ]
    back = sa.diff(after, BEFORE)
    assert back.constraints_removed == ("units <= 192",)
    assert str(back).endswith("removed constraint 'units <= 192'")


def test_a_change_of_kind_is_named_alone():
    after = sa.override(BEFORE, sa.Float("units", min_value=32.0, max_value=128.0))
    assert str(sa.diff(BEFORE, after)) == "'units' Int -> Float"


def test_a_reordering_alone_is_named():
    reordered = sa.Space([BEFORE["gone"], *(BEFORE[n] for n in ("units", "optimizer", "momentum"))])
    difference = sa.diff(BEFORE, reordered)
    assert not difference  # equal spaces
    assert difference.reordered
    assert str(difference) == "reordered entries"


def test_diff_checks_its_arguments():
    with pytest.raises(ArgumentTypeError) as caught:
        sa.diff(BEFORE, [BEFORE["units"]])
    assert str(caught.value).startswith("diff(): b=[Int(name='units'")
