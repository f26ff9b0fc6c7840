"""Constraints: the expression language, the constrain operator, and every consumer.

The laws (idempotence, commutativity, samples and grids, cardinality, fix) are in
tests/test_laws.py; here are the exact messages of every refused expression and
operator error, the evaluation rules, and the consumers one by one.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg.errors import (
    ArgumentTypeError,
    ConstraintError,
    ExpressionError,
    InvalidArgumentError,
    InvalidSpaceError,
    SerializationError,
)
from spacealg.testing import spaces

LANGUAGE = (
    "hyperparameter names, numbers, strings, booleans, + - * / // % **, comparisons, "
    "and/or/not, in/not in a literal list, and the functions abs, min, max, log, log2, "
    "log10, exp and sqrt"
)
CALLS = (
    "calls of abs, log, log2, log10, exp, sqrt, min, max, and name('...') for a name "
    "that is not an identifier"
)


def _space() -> sa.Space:
    return sa.Space(
        [
            sa.Int("units", min_value=32, max_value=512, step=32),
            sa.Int("layers", min_value=1, max_value=8),
            sa.Choice("optimizer", values=["adam", "sgd"]),
            sa.Float(
                "momentum",
                min_value=0.0,
                max_value=0.9,
                conditions=sa.Condition("optimizer", "sgd"),
            ),
            sa.Boolean("batch_norm"),
        ]
    )


def _message(text: str, start: int, end: int, problem: str, allowed: str = LANGUAGE) -> str:
    return (
        f"constrain(): {problem} in the constraint {text!r}; allowed: {allowed}\n"
        f"    {text}\n    {' ' * start}{'^' * (end - start)}"
    )


REFUSED = [
    pytest.param(
        "units.real > 1",
        _message("units.real > 1", 0, 10, "'units.real' (attribute access) is not allowed"),
        id="attribute",
    ),
    pytest.param(
        "units[0] > 1",
        _message("units[0] > 1", 0, 8, "'units[0]' (a subscript) is not allowed"),
        id="subscript",
    ),
    pytest.param(
        "(lambda: 1)() > 0",
        _message("(lambda: 1)() > 0", 0, 13, "'(lambda: 1)()' calls 'lambda: 1'", CALLS),
        id="call-of-a-lambda",
    ),
    pytest.param(
        "lambda: units",
        _message("lambda: units", 0, 13, "'lambda: units' (a lambda) is not allowed"),
        id="lambda",
    ),
    pytest.param(
        "round(units) > 64",
        _message("round(units) > 64", 0, 12, "'round(units)' calls 'round'", CALLS),
        id="other-function",
    ),
    pytest.param(
        "__import__('os').system('true')",
        _message(
            "__import__('os').system('true')",
            0,
            31,
            "\"__import__('os').system('true')\" calls \"__import__('os').system\"",
            CALLS,
        ),
        id="import",
    ),
    pytest.param(
        "unit > 64",
        _message(
            "unit > 64",
            0,
            4,
            "'unit' is not a hyperparameter of the space",
            "names of the space; did you mean 'units'?",
        ),
        id="unknown-name",
    ),
    pytest.param(
        "speed > 64",
        _message(
            "speed > 64",
            0,
            5,
            "'speed' is not a hyperparameter of the space",
            "names of the space: 'units', 'layers', 'optimizer', 'momentum' and 'batch_norm'",
        ),
        id="unknown-name-nothing-close",
    ),
    pytest.param(
        "units >",
        _message("units >", 0, 1, "invalid syntax"),
        id="syntax",
    ),
    pytest.param(
        "units if layers else 2",
        _message(
            "units if layers else 2",
            0,
            22,
            "'units if layers else 2' (a conditional expression) is not allowed",
        ),
        id="conditional-expression",
    ),
    pytest.param(
        "[u for u in units]",
        _message(
            "[u for u in units]", 0, 18, "'[u for u in units]' (a comprehension) is not allowed"
        ),
        id="comprehension",
    ),
    pytest.param(
        "units & 1",
        _message("units & 1", 0, 9, "the operator '&' is not allowed"),
        id="bit-and",
    ),
    pytest.param(
        "~units",
        _message("~units", 0, 6, "the operator '~' is not allowed"),
        id="invert",
    ),
    pytest.param(
        "units is 64",
        _message("units is 64", 0, 11, "the operator 'is' is not allowed"),
        id="is",
    ),
    pytest.param(
        "None",
        _message("None", 0, 4, "the constant None is not allowed"),
        id="none",
    ),
    pytest.param(
        "f'{units}' == '64'",
        _message("f'{units}' == '64'", 0, 10, "\"f'{units}'\" (an f-string) is not allowed"),
        id="f-string",
    ),
    pytest.param(
        "(units := 3) > 1",
        _message("(units := 3) > 1", 1, 11, "'units := 3' (an assignment) is not allowed"),
        id="walrus",
    ),
    pytest.param(
        "{units: 1}",
        _message("{units: 1}", 0, 10, "'{units: 1}' (a dict) is not allowed"),
        id="dict",
    ),
    pytest.param(
        "units in layers",
        _message(
            "units in layers",
            9,
            15,
            "'layers' is not a literal list after 'in'",
            "in or not in a literal list or tuple, such as x in [1, 2]",
        ),
        id="in-a-name",
    ),
    pytest.param(
        "units in [layers, 2]",
        _message(
            "units in [layers, 2]",
            10,
            16,
            "'layers' is not a literal",
            "in or not in a literal list or tuple, such as x in [1, 2]",
        ),
        id="in-a-list-of-names",
    ),
    pytest.param(
        "units in [1] == True",
        _message(
            "units in [1] == True",
            0,
            20,
            "'units in [1] == True' chains 'in' with another comparison",
            "'in' on its own, joined to other tests with and/or",
        ),
        id="in-chained",
    ),
    pytest.param(
        "optimizer in ['adam', 1]",
        _message(
            "optimizer in ['adam', 1]",
            0,
            24,
            "\"optimizer in ['adam', 1]\" compares a string with a number",
            "comparisons between two numbers or two strings",
        ),
        id="in-mixed-types",
    ),
    pytest.param(
        "optimizer + 1 > 2",
        _message(
            "optimizer + 1 > 2",
            0,
            9,
            "'optimizer + 1' does arithmetic on a string",
            "numbers and booleans in arithmetic",
        ),
        id="arithmetic-on-a-string",
    ),
    pytest.param(
        "optimizer == 1",
        _message(
            "optimizer == 1",
            0,
            14,
            "'optimizer == 1' compares a string with a number",
            "comparisons between two numbers or two strings",
        ),
        id="string-equals-number",
    ),
    pytest.param(
        "-optimizer",
        _message("-optimizer", 0, 10, "'-optimizer' negates a string", "numbers after + or -"),
        id="negated-string",
    ),
    pytest.param(
        "log(units, 2) > 1",
        _message(
            "log(units, 2) > 1", 0, 13, "'log(units, 2)' passes 2 arguments", "exactly one argument"
        ),
        id="log-two-arguments",
    ),
    pytest.param(
        "min(units) > 1",
        _message(
            "min(units) > 1", 0, 10, "'min(units)' passes 1 argument", "two or more arguments"
        ),
        id="min-one-argument",
    ),
    pytest.param(
        "log(x=units) > 1",
        _message(
            "log(x=units) > 1",
            0,
            12,
            "'log(x=units)' passes keyword or starred arguments",
            "positional arguments only",
        ),
        id="keyword-argument",
    ),
    pytest.param(
        "sqrt(optimizer) > 1",
        _message(
            "sqrt(optimizer) > 1",
            5,
            14,
            "'sqrt(optimizer)' passes a string to sqrt",
            "numbers and booleans as arguments",
        ),
        id="string-to-a-function",
    ),
    pytest.param(
        "name(units) > 1",
        _message(
            "name(units) > 1",
            0,
            11,
            "'name(units)' does not name an entry",
            "name('...') with one string, such as name('enc/units')",
        ),
        id="name-without-a-string",
    ),
    pytest.param(
        "(units * layers <= 4096 and\nwidth > 1)",
        (
            "constrain(): 'width' is not a hyperparameter of the space in the constraint "
            "'(units * layers <= 4096 and\\nwidth > 1)'; allowed: names of the space: 'units', "
            "'layers', 'optimizer', 'momentum' and 'batch_norm'\n    width > 1)\n    ^^^^^"
        ),
        id="second-line",
    ),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_a_refused_expression_names_and_points_at_the_offending_part(text, message):
    with pytest.raises(ExpressionError) as caught:
        sa.constrain(_space(), text)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert str(copy) == message


@pytest.mark.parametrize("text", ["", "   ", 3, None, b"units > 1"])
def test_an_expression_that_is_not_a_non_empty_str_is_refused(text):
    with pytest.raises(ArgumentTypeError) as caught:
        sa.constrain(_space(), text)
    assert str(caught.value) == (
        f"constrain(): expressions={text!r} is not valid; "
        "allowed: a non-empty str such as 'units * layers <= 4096'"
    )


def test_the_space_argument_is_checked():
    with pytest.raises(ArgumentTypeError, match=r"^constrain\(\): space=\[\] is not valid"):
        sa.constrain([], "units > 1")


def test_the_language_is_never_passed_to_eval():
    """Constraining, sampling and checking run without eval, exec or a compile to code
    (``ast.parse`` compiles to a tree only, which is allowed)."""
    import ast
    import builtins

    real_compile = builtins.compile
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("eval or exec called")

    def tree_only(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            calls.append(source)
            raise AssertionError("compile to code called")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    saved = builtins.eval, builtins.exec, builtins.compile
    builtins.eval, builtins.exec, builtins.compile = refuse, refuse, tree_only
    try:
        space = sa.constrain(_space(), "units * layers <= 1024 and optimizer in ['adam']")
        drawn = sa.sample_many(space, 50, 0)
        checked = all(sa.contains(space, values) for values in drawn)
    finally:
        builtins.eval, builtins.exec, builtins.compile = saved
    assert calls == []
    assert checked
    assert len(drawn) == 50


# --- what an expression means ---------------------------------------------------------------


def _allows(expression: str, space: sa.Space, values: dict) -> bool:
    return sa.contains(sa.constrain(space, expression), values)


NUMBERS = sa.Space(
    [
        sa.Int("a", min_value=-10, max_value=10),
        sa.Float("b", min_value=-5.0, max_value=5.0),
        sa.Boolean("c"),
        sa.Choice("d", values=["x", "y", "z"]),
    ]
)


@pytest.mark.parametrize(
    ("expression", "values", "allowed"),
    [
        ("a + b * 2 == 7", {"a": 3, "b": 2.0}, True),
        ("a - b == 1", {"a": 3, "b": 2.0}, True),
        ("a / 2 == 1.5", {"a": 3}, True),
        ("a // 2 == 1", {"a": 3}, True),
        ("a % 2 == 1", {"a": 3}, True),
        ("a ** 2 == 9", {"a": -3}, True),
        ("-a ** 2 == -9", {"a": 3}, True),
        ("(-a) ** 2 == 9", {"a": 3}, True),
        ("+a == 3", {"a": 3}, True),
        ("1 < a < 5", {"a": 3}, True),
        ("1 < a < 2", {"a": 3}, False),
        ("a != 3", {"a": 3}, False),
        ("a >= 3 and b <= 0", {"a": 3, "b": 0.5}, False),
        ("a >= 3 or b <= 0", {"a": 3, "b": 0.5}, True),
        ("not c", {"c": True}, False),
        ("c", {"c": True}, True),
        ("c == True", {"c": True}, True),
        ("c + 1 == 2", {"c": True}, True),
        ("d in ['x', 'y']", {"d": "z"}, False),
        ("d not in ('x', 'y')", {"d": "z"}, True),
        ("a in [-3, 3]", {"a": -3}, True),
        ("a not in []", {"a": -3}, True),
        ("d < 'y'", {"d": "x"}, True),
        ("d", {"d": "x"}, True),
        ("abs(a) == 3", {"a": -3}, True),
        ("min(a, b, 0) == -3", {"a": -3, "b": 4.0}, True),
        ("max(a, b) == 4", {"a": -3, "b": 4.0}, True),
        ("log(a) > 1", {"a": 3}, True),
        ("log2(a) == 3", {"a": 8}, True),
        ("log10(a) == 1", {"a": 10}, True),
        ("exp(a) > 20", {"a": 3}, True),
        ("sqrt(a) == 3", {"a": 9}, True),
        ("log(a) > -1", {"a": -3}, False),  # nan: every comparison is false
        ("a / 0 > 1000", {"a": 3}, True),  # inf
        ("a / 0 > 1000", {"a": 0}, False),  # nan
        ("name('a') == 3", {"a": 3}, True),
    ],
)
def test_expressions_evaluate_as_documented(expression, values, allowed):
    everything = {"a": 1, "b": 1.0, "c": False, "d": "x", **values}
    assert _allows(expression, NUMBERS, everything) is allowed


def test_a_constraint_on_an_inactive_entry_does_not_apply():
    space = sa.constrain(_space(), "momentum < 0.5")
    adam = {"units": 32, "layers": 1, "optimizer": "adam", "batch_norm": False}
    assert sa.contains(space, adam)
    assert not sa.contains(space, {**adam, "optimizer": "sgd", "momentum": 0.8})
    assert sa.contains(space, {**adam, "optimizer": "sgd", "momentum": 0.2})


def test_a_name_that_is_not_an_identifier_is_written_with_name():
    space = sa.Space(
        [sa.Int("enc/units", min_value=1, max_value=8), sa.Int("if", min_value=1, max_value=8)]
    )
    constrained = sa.constrain(space, "name('enc/units') + name('if') <= 4")
    assert constrained.constraints == ("name('enc/units') + name('if') <= 4",)
    assert sa.cardinality(constrained) == 6
    assert sa.fix(constrained, **{"enc/units": 2}).constraints == ("2 + name('if') <= 4",)


def test_constraints_are_kept_as_canonical_text():
    space = sa.constrain(_space(), "units*layers<=1024", "(optimizer=='adam')")
    assert space.constraints == ("units * layers <= 1024", "optimizer == 'adam'")
    assert space == sa.constrain(_space(), "units * layers <= 1024", "optimizer == 'adam'")


def test_constrain_records_history_on_the_names_it_mentions():
    space = sa.constrain(_space(), "units * layers <= 1024")
    assert space.history["units"] == ("constrain(): 'units * layers <= 1024'",)
    assert "optimizer" not in space.history
    assert sa.Space(_space().hyperparameters).history == {}


def test_the_space_method_is_sugar():
    assert _space().constrain("units <= 64") == sa.constrain(_space(), "units <= 64")


def test_a_constraint_is_part_of_equality_hashing_and_pickling():
    plain, constrained = _space(), sa.constrain(_space(), "units <= 64")
    assert plain != constrained
    assert hash(plain) == hash(sa.Space(plain.hyperparameters))
    copy = pickle.loads(pickle.dumps(constrained))
    assert copy == constrained
    assert copy.constraints == constrained.constraints
    assert repr(constrained).endswith(", constraints=['units <= 64'])")
    assert repr(plain) == f"Space({list(plain.hyperparameters)!r})"


def test_the_space_constructor_checks_constraints():
    with pytest.raises(ExpressionError, match=r"^Space\(\): 'nope' is not a hyperparameter"):
        sa.Space(_space().hyperparameters, constraints=["nope > 1"])
    with pytest.raises(ArgumentTypeError) as caught:
        sa.Space(_space().hyperparameters, constraints="units > 1")
    assert str(caught.value) == (
        "Space(): constraints='units > 1' is not valid; allowed: a list of expressions (str)"
    )


# --- consumers ------------------------------------------------------------------------------


def test_sample_many_keeps_only_allowed_configurations_and_their_distribution():
    space = sa.Space([sa.Int("a", min_value=0, max_value=9), sa.Int("b", min_value=0, max_value=9)])
    constrained = sa.constrain(space, "a + b <= 9")
    drawn = sa.sample_many(constrained, 20000, 7)
    assert len(drawn) == 20000
    assert all(v["a"] + v["b"] <= 9 for v in drawn)
    counts = np.zeros((10, 10))
    for v in drawn:
        counts[v["a"], v["b"]] += 1
    allowed = counts[np.add.outer(np.arange(10), np.arange(10)) <= 9]
    expected = 20000 / 55  # uniform over the 55 allowed pairs
    chi_square = float(((allowed - expected) ** 2 / expected).sum())
    assert chi_square < 100  # 54 degrees of freedom: p < 1e-3 beyond ~90
    assert sa.sample_many(constrained, 5, 3) == sa.sample_many(constrained, 5, 3)
    assert sa.sample(constrained, 3) == sa.sample(constrained, 3)
    assert sa.sample_many(constrained, 0, 3) == ()


def test_sampling_a_space_that_allows_almost_nothing_names_the_constraint_and_the_rate():
    space = sa.Space(
        [sa.Float("x", min_value=0.0, max_value=1.0), sa.Int("n", min_value=1, max_value=4)]
    )
    constrained = sa.constrain(space, "n >= 1", "x < 1e-9")
    with pytest.raises(ConstraintError) as caught:
        sa.sample_many(constrained, 10, 0)
    assert str(caught.value) == (
        "sample_many(): found 0 of 10 allowed configurations in 262224 draws; measured "
        "acceptance rate 0 (0 for this constraint alone) (constraint 'x < 1e-09')"
    )
    with pytest.raises(ConstraintError, match=r"^sample\(\): found 0 of 1 allowed"):
        sa.sample(constrained, 0)


def test_validate_names_the_violated_expression():
    space = sa.constrain(_space(), "units * layers <= 1024", "batch_norm or layers < 4")
    good = {"units": 64, "layers": 2, "optimizer": "adam", "batch_norm": False}
    assert sa.validate(space, good) == sa.Values(good)
    with pytest.raises(ConstraintError) as caught:
        sa.validate(space, {**good, "units": 512, "layers": 3})
    assert str(caught.value) == (
        "validate(): {'units': 512, 'layers': 3, 'optimizer': 'adam', 'batch_norm': False} "
        "is not allowed (constraint 'units * layers <= 1024')"
    )
    with pytest.raises(ConstraintError, match="constraint 'batch_norm or layers < 4'"):
        sa.validate(space, {**good, "layers": 5})
    assert not sa.contains(space, {**good, "layers": 5})


def test_grid_skips_forbidden_configurations_in_order():
    space = sa.Space([sa.Choice("a", values=[1, 2, 3]), sa.Boolean("b")])
    constrained = sa.constrain(space, "a + b != 3")
    assert [tuple(v.values()) for v in sa.grid(constrained)] == [
        (1, False),
        (1, True),
        (2, False),
        (3, True),
    ]
    assert sa.cardinality(constrained) == 4


def test_cardinality_counts_exactly_without_walking_untouched_entries():
    wide = sa.Space(
        [
            sa.Int("offset", min_value=0, max_value=2**40),
            sa.Int("a", min_value=1, max_value=10),
            sa.Int("b", min_value=1, max_value=10),
            sa.Boolean("deep"),
            sa.Int("layers", min_value=1, max_value=4, conditions=sa.Condition("deep", True)),
        ]
    )
    constrained = sa.constrain(wide, "a * b <= 10", "layers <= 2")
    pairs = sum(1 for a in range(1, 11) for b in range(1, 11) if a * b <= 10)
    assert sa.cardinality(constrained) == (2**40 + 1) * pairs * (1 + 2)


def test_fix_substitutes_pinned_values_and_checks_constant_constraints():
    space = sa.constrain(_space(), "units * layers <= 1024", "momentum < 0.5")
    fixed = sa.fix(space, units=256)
    assert fixed.constraints == ("256 * layers <= 1024", "momentum < 0.5")
    assert sa.fix(fixed, layers=4).constraints == ("momentum < 0.5",)
    with pytest.raises(ConstraintError) as caught:
        sa.fix(space, units=256, layers=8)
    assert str(caught.value) == (
        "fix(): the fixed values make the constraint false: 256 * 8 <= 1024 "
        "(constraint 'units * layers <= 1024')"
    )
    negative = sa.constrain(NUMBERS, "a ** 2 <= 4")
    assert sa.fix(negative, a=-2).constraints == ()
    with pytest.raises(ConstraintError):
        sa.fix(negative, a=-3)
    # a conditional Fixed entry may be inactive: its name stays in the constraint
    assert sa.fix(space, momentum=0.2).constraints == space.constraints


def test_restrict_override_and_merge_keep_constraints():
    space = sa.constrain(_space(), "units * layers <= 1024")
    assert sa.restrict(space, "units", max_value=256).constraints == space.constraints
    assert sa.override(space, sa.Int("layers", min_value=1, max_value=4)).constraints == (
        space.constraints
    )
    other = sa.constrain(
        sa.Space([sa.Int("units", min_value=32, max_value=512, step=32)]), "units >= 64"
    )
    merged = sa.merge(space, other)
    assert merged.constraints == ("units * layers <= 1024", "units >= 64")
    assert sa.merge(other, space).constraints == ("units >= 64", "units * layers <= 1024")


def test_a_child_removed_by_narrowing_takes_its_constraints_along():
    space = sa.constrain(_space(), "momentum < 0.5", "units <= 256")
    narrowed = sa.restrict(space, "optimizer", values=["adam"])
    assert "momentum" not in narrowed
    assert narrowed.constraints == ("units <= 256",)


def test_drop_and_select_of_a_mentioned_entry_name_the_constraint():
    space = sa.constrain(_space(), "units * layers <= 1024")
    with pytest.raises(InvalidSpaceError) as caught:
        sa.drop(space, "layers")
    assert str(caught.value) == (
        "drop(): the constraint 'units * layers <= 1024' mentions 'layers'; allowed: keep "
        "'layers', or constraints='drop' to drop the constraint"
    )
    with pytest.raises(InvalidSpaceError) as caught:
        sa.select(space, "units", "optimizer")
    assert str(caught.value) == (
        "select(): the constraint 'units * layers <= 1024' mentions 'layers'; allowed: select "
        "'layers' too, or constraints='drop' to drop the constraint"
    )
    assert sa.drop(space, "layers", constraints="drop").constraints == ()
    assert space.drop("layers", constraints="drop") == sa.drop(space, "layers", constraints="drop")
    assert space.select("units", constraints="drop").constraints == ()
    with pytest.raises(InvalidArgumentError) as caught:
        sa.drop(space, "layers", constraints="keep")
    assert str(caught.value) == (
        "drop(): constraints='keep' is not valid; allowed: 'error' or 'drop'"
    )


def test_summary_shows_constraints_in_a_section_of_their_own():
    plain = sa.summary(_space())
    constrained = sa.summary(sa.constrain(_space(), "units * layers <= 1024", "layers > 1"))
    assert constrained == plain + "Constraints\nunits * layers <= 1024\nlayers > 1\n"


def test_explain_lists_the_constraints_of_the_trial_space():
    declared = sa.constrain(_space(), "units * layers <= 1024")
    text = sa.explain(sa.resolve(declared))
    assert text.endswith("constraints\n  units * layers <= 1024\n")
    assert "constrain(): 'units * layers <= 1024'" in text.splitlines()[1]
    assert "constraints" not in sa.explain(sa.resolve(_space()))


def test_resolve_carries_constraints_into_the_trial_space():
    declared = sa.constrain(_space(), "units * layers <= 1024", "momentum < 0.5")
    assert sa.resolve(declared).tuned.constraints == declared.constraints
    tailoring = sa.Space([sa.Int("layers", min_value=1, max_value=8)])
    trial = sa.resolve(declared, tailoring, tune_new_entries=False)
    # units is pinned at its default (32); momentum is pinned but conditional: left out
    assert trial.tuned.constraints == ("32 * layers <= 1024",)
    joined = sa.resolve(declared).join([sa.Boolean("extra")], note="trial 0")
    assert joined.tuned.constraints == declared.constraints


def test_the_handle_states_constraints_and_declare_captures_them():
    def build(hp):
        hp.constrain("units * layers <= 1024")
        units = hp.Int("units", min_value=32, max_value=512, step=32)
        layers = hp.Int("layers", min_value=1, max_value=8)
        return units * layers

    declared = sa.declare(build)
    assert declared.constraints == ("units * layers <= 1024",)
    with pytest.raises(ExpressionError, match=r"^HyperParameters.constrain\(\): 'units.real'"):
        sa.HyperParameters().constrain("units.real > 1")

    def mentions_nothing_declared(hp):
        hp.constrain("speed > 1")
        hp.Int("units", min_value=1, max_value=2)

    with pytest.raises(ExpressionError, match=r"^Space\(\): 'speed' is not a hyperparameter"):
        sa.declare(mentions_nothing_declared)


def test_a_search_never_runs_a_forbidden_configuration(tmp_path):
    seen = []

    def objective(values):
        seen.append(dict(values))
        return values["units"] / values["layers"]

    space = sa.constrain(
        sa.Space(
            [sa.Int("units", min_value=1, max_value=6), sa.Int("layers", min_value=1, max_value=6)]
        ),
        "units * layers <= 6",
    )
    for oracle in ("random", "grid", "tpe"):
        seen.clear()
        result = sa.minimize(
            objective, space, max_trials=30, oracle=oracle, directory=tmp_path / oracle, verbose=0
        )
        assert all(v["units"] * v["layers"] <= 6 for v in seen)
        assert len(result.trials) == 14  # the allowed configurations, each once


# --- serialization --------------------------------------------------------------------------


def test_a_space_with_constraints_saves_as_schema_version_2():
    space = sa.constrain(_space(), "units * layers <= 1024")
    saved = sa.to_dict(space)
    assert saved["version"] == 2
    assert saved["constraints"] == ["units * layers <= 1024"]
    assert sa.from_dict(saved) == space
    assert sa.from_json(sa.to_json(space)) == space
    assert sa.to_dict(_space())["version"] == 1  # written exactly as before
    assert "constraints" not in sa.to_dict(_space())


def test_a_version_1_file_still_loads():
    saved = sa.to_dict(_space())
    assert sa.from_dict(saved) == _space()
    with pytest.raises(SerializationError, match="unknown field 'constraints'"):
        sa.from_dict({**saved, "constraints": []})


@pytest.mark.parametrize(
    ("constraints", "message"),
    [
        (
            ["units > 1", 3],
            "from_dict(): expected a string, got a number (at constraints[1])",
        ),
        (
            "units > 1",
            "from_dict(): expected an array, got a string (at constraints)",
        ),
        (
            ["units > 1", "speed > 1"],
            (
                "from_dict(): Space(): 'speed' is not a hyperparameter of the space in the "
                "constraint 'speed > 1'; allowed: names of the space: 'units', 'layers', "
                "'optimizer', 'momentum' and 'batch_norm'\n    speed > 1\n    ^^^^^ "
                "(at constraints[1])"
            ),
        ),
    ],
)
def test_bad_saved_constraints_say_where(constraints, message):
    saved = {**sa.to_dict(_space()), "version": 2, "constraints": constraints}
    with pytest.raises(SerializationError) as caught:
        sa.from_dict(saved)
    assert str(caught.value) == message


@settings(deadline=None, max_examples=40)
@given(spaces(max_size=5), st.data())
def test_serialization_round_trips_constraints(space, data):
    numeric = [
        name
        for name in space
        if not isinstance(space[name], sa.Fixed)
        and not isinstance((space[name].grid_values() or [0.0])[0], str)
        and name.isidentifier()
        and name not in {"True", "False", "None"}
        and not __import__("keyword").iskeyword(name)
    ]
    if not numeric:
        return
    names = data.draw(st.lists(st.sampled_from(numeric), min_size=1, max_size=3))
    text = " + ".join(names) + " <= 1e300"
    constrained = sa.constrain(space, text)
    assert sa.from_json(sa.to_json(constrained)) == constrained
    assert sa.from_dict(json.loads(json.dumps(sa.to_dict(constrained)))) == constrained


def test_the_handle_space_holds_only_constraints_whose_names_are_declared():
    hp = sa.HyperParameters()
    hp.constrain("units * layers <= 1024")
    hp.Int("units", min_value=32, max_value=512, step=32)
    assert hp.space.constraints == ()  # 'layers' not declared yet
    hp.Int("layers", min_value=1, max_value=8)
    assert hp.space.constraints == ("units * layers <= 1024",)
