"""``summary`` prints what KerasTuner's ``search_space_summary()`` prints, byte for byte.

The three files in ``tests/data/guide_*.txt`` are copied from the printed output in
KerasTuner's "Tailor the search space" guide; each space below is the tailored
space of that guide's example, built directly from spacealg values.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import spacealg as sa

DATA = Path(__file__).parent / "data"

GUIDE_SPACES = {
    # Search a few: only the learning rate, retyped as a log-scaled Float.
    "guide_search_a_few": sa.Space(
        [sa.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")]
    ),
    # Fix a few: the learning rate pinned, the model's other entries tuned as declared.
    "guide_fix_a_few": sa.Space(
        [
            sa.Fixed("learning_rate", value=1e-4),
            sa.Int("units", min_value=32, max_value=128, step=32, default=64),
            sa.Boolean("dropout"),
        ]
    ),
    # HyperXception with tune_new_entries=False: only the learning rate Choice.
    "guide_prebuilt_xception": sa.Space([sa.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])]),
}


@pytest.mark.parametrize("name", sorted(GUIDE_SPACES))
def test_summary_of_the_guide_spaces_matches_the_guide(name):
    expected = (DATA / f"{name}.txt").read_bytes()
    assert sa.summary(GUIDE_SPACES[name]).encode() == expected


@pytest.mark.parametrize("name", sorted(GUIDE_SPACES))
def test_guide_files_are_well_formed(name):
    text = (DATA / f"{name}.txt").read_bytes()
    assert text.startswith(b"Search space summary\n")
    assert text.endswith(b"\n")
    assert b"\r" not in text
    size = int(text.splitlines()[1].removeprefix(b"Default search space size: "))
    assert len(text.splitlines()) == 2 + 2 * size


def test_summary_returns_a_string_with_every_line_ending_in_a_newline():
    text = sa.summary(GUIDE_SPACES["guide_fix_a_few"])
    assert isinstance(text, str)
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert text.count("\n") == 2 + 2 * 3


def test_summary_of_an_empty_space():
    assert sa.summary(sa.Space()) == "Search space summary\nDefault search space size: 0\n"


def test_summary_follows_space_order():
    space = sa.Space([sa.Boolean("dropout"), sa.Fixed("learning_rate", value=1e-4)])
    assert sa.summary(space) == (
        "Search space summary\n"
        "Default search space size: 2\n"
        "dropout (Boolean)\n"
        "{'default': False, 'conditions': []}\n"
        "learning_rate (Fixed)\n"
        "{'conditions': [], 'value': 0.0001}\n"
    )


def test_summary_of_a_conditional_entry():
    space = sa.Space(
        [
            sa.Choice("optimizer", values=["adam", "sgd"]),
            sa.Float(
                "momentum",
                min_value=0,
                max_value=0.9,
                conditions=sa.Condition("optimizer", ["sgd"]),
            ),
        ]
    )
    assert sa.summary(space).splitlines()[2:] == [
        "optimizer (Choice)",
        "{'default': 'adam', 'conditions': [], 'values': ['adam', 'sgd'], 'ordered': False}",
        "momentum (Float)",
        (
            "{'default': 0.0, 'conditions': [{'class_name': 'Parent', 'config': "
            "{'name': 'optimizer', 'values': ['sgd']}}], 'min_value': 0.0, 'max_value': 0.9, "
            "'step': None, 'sampling': 'linear'}"
        ),
    ]


def test_summary_of_an_entry_with_two_conditions():
    space = sa.Space(
        [
            sa.Boolean("deep"),
            sa.Choice("optimizer", values=["adam", "sgd"]),
            sa.Boolean(
                "extra",
                conditions=[sa.Condition("deep", True), sa.Condition("optimizer", ["adam", "sgd"])],
            ),
        ]
    )
    assert sa.summary(space).splitlines()[-1] == (
        "{'default': False, 'conditions': ["
        "{'class_name': 'Parent', 'config': {'name': 'deep', 'values': [True]}}, "
        "{'class_name': 'Parent', 'config': {'name': 'optimizer', 'values': ['adam', 'sgd']}}"
        "]}"
    )


@pytest.mark.parametrize(
    ("hp", "default"),
    [
        (sa.Float("dropout", min_value=0, max_value=0.5, step=0.1, default=0.2), "0.2"),
        (sa.Float("dropout", min_value=0, max_value=0.6, step=0.1, default=0.1 * 3), "0.3"),
        (sa.Float("lr", min_value=1e-4, max_value=1e-2, sampling="log", default=1e-3), "0.001"),
        (sa.Float("x", min_value=0, max_value=10, default=3), "3.0"),
        (sa.Float("x", min_value=0, max_value=1), "0.0"),
    ],
    ids=["grid", "tidy", "log", "int-given", "resolved"],
)
def test_summary_prints_float_defaults(hp, default):
    line = sa.summary(sa.Space([hp])).splitlines()[3]
    assert line.startswith(f"{{'default': {default}, 'conditions': []")


def test_summary_of_an_int_without_default_prints_the_resolved_default():
    space = sa.Space([sa.Int("units", min_value=32, max_value=128, step=32)])
    assert sa.summary(space).splitlines()[2:] == [
        "units (Int)",
        (
            "{'default': 32, 'conditions': [], 'min_value': 32, 'max_value': 128, "
            "'step': 32, 'sampling': 'linear'}"
        ),
    ]
    assert "None" not in sa.summary(sa.Space([sa.Int("a", min_value=1, max_value=5)]))


def test_summary_of_an_int_log_without_step_prints_step_none():
    space = sa.Space([sa.Int("width", min_value=1, max_value=64, sampling="log")])
    assert sa.summary(space).splitlines()[3] == (
        "{'default': 1, 'conditions': [], 'min_value': 1, 'max_value': 64, "
        "'step': None, 'sampling': 'log'}"
    )


def test_summary_keeps_boolean_choices_boolean():
    space = sa.Space([sa.Choice("dense_use_bn", values=[True, False])])
    assert sa.summary(space).splitlines()[2:] == [
        "dense_use_bn (Choice)",
        "{'default': True, 'conditions': [], 'values': [True, False], 'ordered': False}",
    ]


def test_summary_size_counts_every_entry():
    space = sa.Space(
        [
            sa.Fixed("a", value=1),
            sa.Boolean("b"),
            sa.Boolean("c", conditions=sa.Condition("b", True)),
        ]
    )
    assert sa.summary(space).splitlines()[1] == "Default search space size: 3"
