"""The define-by-run handle, ``declare``, ``resolve``, ``TrialSpace`` and ``explain``.

The handle follows KerasTuner's ``HyperParameters`` (docs/semantics.md#declaring-by-running-code);
``resolve`` follows ``hyperparameters=``/``tune_new_entries``/``allow_new_entries``
(docs/semantics.md#tailoring-a-declared-space). The guide's tailored summaries are
checked byte for byte against the text files in ``tests/data``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spacealg as sa
from spacealg import Boolean, Choice, Condition, Fixed, Float, HyperParameters, Int, Space
from spacealg._algebra.capture import MAX_EXPLORATIONS
from spacealg.errors import InactiveError, InvalidSpaceError, UnknownNameError

DATA = Path(__file__).parent / "data"


# --- the handle -------------------------------------------------------------------------------


def test_declarations_return_defaults_and_record_the_space():
    hp = HyperParameters()
    assert hp.Int("units", min_value=32, max_value=128, step=32, default=64) == 64
    assert hp.Float("lr", min_value=1e-4, max_value=1e-2, sampling="log") == 1e-4
    assert hp.Choice("act", values=["relu", "tanh"]) == "relu"
    assert hp.Boolean("dropout") is False
    assert hp.Fixed("batch", value=32) == 32
    assert hp.space == Space(
        [
            Int("units", min_value=32, max_value=128, step=32, default=64),
            Float("lr", min_value=1e-4, max_value=1e-2, sampling="log"),
            Choice("act", values=["relu", "tanh"]),
            Boolean("dropout"),
            Fixed("batch", value=32),
        ]
    )
    assert list(hp.space) == ["units", "lr", "act", "dropout", "batch"]


def test_positional_arguments_as_in_keras_tuner():
    hp = HyperParameters()
    assert hp.Int("u", 32, 128, 32) == 32
    hp.Float("d", 0, 0.5, 0.1)
    hp.Choice("c", [3, 5], True, 5)
    hp.Boolean("b", True)
    hp.Fixed("f", "x")
    assert hp.space == Space(
        [
            Int("u", min_value=32, max_value=128, step=32),
            Float("d", min_value=0, max_value=0.5, step=0.1),
            Choice("c", values=[3, 5], ordered=True, default=5),
            Boolean("b", default=True),
            Fixed("f", value="x"),
        ]
    )


def test_given_values_are_served():
    hp = HyperParameters({"units": 96, "dropout": True})
    assert hp.Int("units", 32, 128, step=32, default=64) == 96
    assert hp.Boolean("dropout") is True
    assert hp.Choice("act", ["relu", "tanh"]) == "relu"  # not given: its default
    assert dict(hp.values) == {"units": 96, "dropout": True, "act": "relu"}


def test_same_declaration_twice_returns_the_same_value():
    hp = HyperParameters({"units": 96})
    first = hp.Int("units", 32, 128, step=32)
    assert hp.Int("units", 32, 128, step=32) == first == 96
    assert len(hp.space) == 1


def test_a_different_redeclaration_is_an_error_naming_both():
    hp = HyperParameters()
    hp.Int("units", 32, 128, step=32)
    with pytest.raises(InvalidSpaceError) as raised:
        hp.Int("units", 32, 256, step=32)
    message = str(raised.value)
    assert message.startswith("HyperParameters.Int(): 'units' is declared twice")
    assert "max_value=128" in message
    assert "max_value=256" in message


def test_a_redeclaration_of_another_kind_is_an_error():
    hp = HyperParameters()
    hp.Choice("lr", [1e-2, 1e-3])
    with pytest.raises(InvalidSpaceError, match=r"Choice\(name='lr'.*Float\(name='lr'"):
        hp.Float("lr", 1e-4, 1e-2)


def test_parent_name_and_parent_values():
    hp = HyperParameters()
    hp.Choice("model", ["mlp", "cnn"])
    assert hp.Int("filters", 8, 64, step=8, parent_name="model", parent_values=["cnn"]) is None
    assert hp.Int("units", 32, 128, step=32, parent_name="model", parent_values="mlp") == 32
    assert hp.space["filters"].conditions == (Condition("model", "cnn"),)
    assert dict(hp.values) == {"model": "mlp", "units": 32}


def test_parent_name_must_be_declared_first():
    hp = HyperParameters()
    hp.Choice("model", ["mlp", "cnn"])
    with pytest.raises(UnknownNameError, match="did you mean 'model'"):
        hp.Int("filters", 8, 64, parent_name="modle", parent_values="cnn")
    with pytest.raises(UnknownNameError, match="conditional_scope"):
        hp.conditional_scope("optimizer", "adam").__enter__()


def test_conditional_scope_nests():
    hp = HyperParameters({"model": "cnn", "kernel": 5})
    hp.Choice("model", ["mlp", "cnn"])
    with hp.conditional_scope("model", "cnn"):
        assert hp.Choice("kernel", [3, 5]) == 5
        with hp.conditional_scope("kernel", 5):
            assert hp.Boolean("dilate") is False
    assert hp.space["dilate"].conditions == (
        Condition("model", "cnn"),
        Condition("kernel", 5),
    )
    assert hp.Boolean("after") is False
    assert hp.space["after"].conditions == ()


def test_name_scope_prefixes_names():
    hp = HyperParameters({"enc/units": 64})
    with hp.name_scope("enc"):
        assert hp.Int("units", 32, 128, step=32) == 64
        with hp.name_scope("attn"):
            hp.Boolean("causal")
        with hp.conditional_scope("units", 64):
            hp.Boolean("wide")
    assert list(hp.space) == ["enc/units", "enc/attn/causal", "enc/wide"]
    assert hp.space["enc/wide"].conditions == (Condition("enc/units", 64),)
    assert hp["enc/units"] == 64
    assert "enc/units" in hp
    assert "units" not in hp


def test_values_is_a_live_view():
    """``hp.values`` follows the declarations; setting a value is tested in
    tests/test_handle_values.py (issue 14: KerasTuner's ``hp.values[name] = value``)."""
    hp = HyperParameters()
    hp.Boolean("dropout")
    view = hp.values
    hp.Int("units", 1, 4)
    assert dict(view) == {"dropout": False, "units": 1}


def test_get_and_getitem_on_an_inactive_name_raise_inactive_error():
    hp = HyperParameters()
    hp.Choice("model", ["mlp", "cnn"])
    with hp.conditional_scope("model", "cnn"):
        hp.Int("filters", 8, 64, step=8)
    assert "filters" in hp
    for lookup in (hp.get, hp.__getitem__):
        with pytest.raises(InactiveError) as raised:
            lookup("filters")
        assert raised.value.name == "filters"
        assert str(raised.value).endswith("it is active when 'model' is one of ['cnn']")
        assert isinstance(raised.value, ValueError)


def test_get_on_an_unknown_name_suggests_close_names():
    hp = HyperParameters()
    hp.Float("dropout", 0, 0.5)
    with pytest.raises(UnknownNameError) as raised:
        hp.get("dropuot")
    assert str(raised.value) == (
        "HyperParameters.get(): no hyperparameter named 'dropuot'; did you mean 'dropout'?"
    )
    assert isinstance(raised.value, KeyError)
    with pytest.raises(UnknownNameError, match="HyperParameters\\[\\]"):
        hp["lr"]


def test_same_name_under_two_values_of_one_parent_is_one_entry():
    hp = HyperParameters()
    hp.Choice("model", ["mlp", "cnn", "rnn"])
    with hp.conditional_scope("model", "mlp"):
        assert hp.Int("units", 32, 128, step=32) == 32
    with hp.conditional_scope("model", "cnn"):
        assert hp.Int("units", 32, 128, step=32) is None  # this scope is inactive
    assert hp.space["units"].conditions == (Condition("model", ["mlp", "cnn"]),)
    assert len(hp.space) == 2
    # The value served under 'mlp' survives the inactive second declaration.
    assert hp.get("units") == 32
    assert dict(hp.values) == {"model": "mlp", "units": 32}


def test_same_name_under_two_parents_is_an_error():
    hp = HyperParameters()
    hp.Choice("model", ["mlp", "cnn"])
    hp.Boolean("deep")
    with hp.conditional_scope("model", "mlp"):
        hp.Int("units", 32, 128, step=32)
    with pytest.raises(InvalidSpaceError, match="name_scope"), hp.conditional_scope("deep", True):
        hp.Int("units", 32, 128, step=32)


def test_the_handle_replaces_declarations_by_its_tailoring():
    tailoring = Space([Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")])
    hp = HyperParameters(tailoring=tailoring)
    assert hp.Choice("learning_rate", [1e-2, 1e-3, 1e-4]) == 1e-4  # the tailored default
    assert hp.space["learning_rate"].kind == "choice"  # the hypermodel's declaration


def test_a_trial_declaring_differently_from_the_declared_space_is_an_error():
    declared = Space([Int("units", min_value=32, max_value=128, step=32)])
    hp = HyperParameters({"units": 64}, declared=declared)
    with pytest.raises(InvalidSpaceError) as raised:
        hp.Int("units", 32, 64, step=32)
    assert "in this trial" in str(raised.value)
    assert "max_value=128" in str(raised.value)
    assert "max_value=64" in str(raised.value)


# --- declare ----------------------------------------------------------------------------------


def build_model(hp: HyperParameters) -> dict[str, object]:
    """The guide's build function, a dict standing in for the Keras model."""
    model: dict[str, object] = {
        "units": hp.Int("units", min_value=32, max_value=128, step=32, default=64)
    }
    if hp.Boolean("dropout"):
        model["dropout"] = 0.25
    model["learning_rate"] = hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    return model


GUIDE_DECLARED = Space(
    [
        Int("units", min_value=32, max_value=128, step=32, default=64),
        Boolean("dropout"),
        Choice("learning_rate", values=[1e-2, 1e-3, 1e-4]),
    ]
)


def test_declare_a_function():
    assert sa.declare(build_model) == GUIDE_DECLARED
    assert list(sa.declare(build_model)) == ["units", "dropout", "learning_rate"]


def test_declare_an_object_with_build():
    class HyperModel:
        def build(self, hp: HyperParameters) -> object:
            return build_model(hp)

    assert sa.declare(HyperModel()) == GUIDE_DECLARED


def test_declare_an_object_with_a_space_uses_it_without_building():
    class Prebuilt:
        space = GUIDE_DECLARED

        def build(self, hp: HyperParameters) -> object:  # pragma: no cover - never called
            raise AssertionError

    assert sa.declare(Prebuilt()) is GUIDE_DECLARED
    assert sa.declare(GUIDE_DECLARED) is GUIDE_DECLARED


def test_declare_something_without_a_space_raises():
    with pytest.raises(InvalidSpaceError, match="has no space to declare"):
        sa.declare(42)


def test_declare_explores_each_conditional_branch():
    def build(hp: HyperParameters) -> None:
        model = hp.Choice("model", ["mlp", "cnn", "rnn"])
        with hp.conditional_scope("model", "cnn"):
            if model == "cnn":
                hp.Int("filters", 8, 64, step=8)
        with hp.conditional_scope("model", ["rnn"]):
            if model == "rnn":
                hp.Boolean("bidirectional")
        if hp.Int("layers", 1, 3) == 3:  # a plain `if` on a non-default value: found in trials
            hp.Boolean("hidden_from_declare")

    declared = sa.declare(build)
    # First-seen order over the runs: the default run, then one per unseen branch.
    assert list(declared) == ["model", "layers", "filters", "bidirectional"]
    assert declared["filters"].conditions == (Condition("model", "cnn"),)
    assert declared["bidirectional"].conditions == (Condition("model", "rnn"),)


def test_declare_explores_nested_scopes():
    def build(hp: HyperParameters) -> None:
        model = hp.Choice("model", ["mlp", "cnn"])
        with hp.conditional_scope("model", "cnn"):
            if model == "cnn":
                kernel = hp.Choice("kernel", [3, 5])
                with hp.conditional_scope("kernel", 5):
                    if kernel == 5:
                        hp.Boolean("dilate")

    declared = sa.declare(build)
    assert list(declared) == ["model", "kernel", "dilate"]
    assert declared["dilate"].conditions == (Condition("model", "cnn"), Condition("kernel", 5))


def test_declare_joins_one_name_under_two_branches():
    def build(hp: HyperParameters) -> None:
        model = hp.Choice("model", ["mlp", "cnn", "rnn"])
        for branch in ("mlp", "cnn"):
            with hp.conditional_scope("model", branch):
                if model == branch:
                    hp.Int("units", 32, 128, step=32)

    assert sa.declare(build)["units"].conditions == (Condition("model", ["mlp", "cnn"]),)


def test_declare_rejects_two_declarations_of_one_name_in_different_branches():
    def build(hp: HyperParameters) -> None:
        model = hp.Choice("model", ["mlp", "cnn"])
        with hp.conditional_scope("model", "mlp"):
            if model == "mlp":
                hp.Int("units", 32, 128, step=32)
        with hp.conditional_scope("model", "cnn"):
            if model == "cnn":
                hp.Int("units", 32, 256, step=32)

    with pytest.raises(InvalidSpaceError) as raised:
        sa.declare(build)
    assert "max_value=128" in str(raised.value)
    assert "max_value=256" in str(raised.value)


class _Branches:
    """A build function with ``count`` conditional branches, all off by default; counts runs."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.runs = 0

    def __call__(self, hp: HyperParameters) -> None:
        self.runs += 1
        for block in range(self.count):
            hp.Boolean(f"use_{block}")
            with hp.conditional_scope(f"use_{block}", True):
                hp.Int(f"units_{block}", 8, 64, step=8)


def test_declare_past_its_limit_raises_naming_the_limit_and_how_to_raise_it():
    build = _Branches(5)  # 6 runs: the defaults, then one per branch
    with pytest.raises(InvalidSpaceError) as raised:
        sa.declare(build, max_explorations=5)
    assert str(raised.value) == (
        "declare(): the build function still has conditional branches to explore after 5 runs "
        "(max_explorations=5), so the declared space would miss their entries; allowed: a "
        "larger limit, such as declare(obj, max_explorations=50)"
    )
    assert build.runs == 5


def test_declare_within_its_limit_explores_every_branch():
    build = _Branches(5)
    declared = sa.declare(build, max_explorations=6)
    assert build.runs == 6
    assert len(declared) == 10
    assert declared["units_4"].conditions == (Condition("use_4", True),)


@given(count=st.integers(0, 6), limit=st.integers(1, 9))
def test_declare_succeeds_exactly_when_the_limit_covers_every_branch(count, limit):
    """A build with ``count`` branches needs ``count + 1`` runs; fewer is an error, never less."""
    if limit >= count + 1:
        assert len(sa.declare(_Branches(count), max_explorations=limit)) == 2 * count
    else:
        with pytest.raises(InvalidSpaceError, match=f"max_explorations={limit}\\)"):
            sa.declare(_Branches(count), max_explorations=limit)


def test_the_default_limit_explores_a_build_with_many_branches():
    build = _Branches(200)
    assert len(sa.declare(build)) == 400
    assert build.runs == 201
    assert MAX_EXPLORATIONS == 1000


# --- resolve ----------------------------------------------------------------------------------


def conditional_build(hp: HyperParameters) -> None:
    model = hp.Choice("model", ["mlp", "cnn"])
    with hp.conditional_scope("model", "cnn"):
        if model == "cnn":
            hp.Int("filters", 8, 64, step=8)
    with hp.conditional_scope("model", "mlp"):
        if model == "mlp":
            hp.Int("units", 32, 128, step=32, default=64)
    hp.Choice("learning_rate", [1e-2, 1e-3, 1e-4])


def statuses(trial: sa.TrialSpace) -> dict[str, str]:
    return {name: origin.status for name, origin in trial.provenance.items()}


def test_resolve_without_a_tailoring_tunes_the_declared_space():
    declared = sa.declare(conditional_build)
    trial = sa.resolve(declared)
    assert trial.tuned == declared
    assert list(trial.tuned) == list(declared)
    assert trial.pinned == {}
    assert set(statuses(trial).values()) == {"declared"}


def test_resolve_tuning_new_entries_statuses():
    declared = sa.declare(conditional_build)
    tailoring = HyperParameters()
    tailoring.Fixed("model", "mlp")
    tailoring.Boolean("batch_norm")
    tailoring.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    trial = sa.resolve(declared, tailoring)
    assert list(trial.tuned) == ["model", "batch_norm", "learning_rate", "units"]
    assert statuses(trial) == {
        "model": "fixed",
        "batch_norm": "tailoring-only",
        "learning_rate": "tailored",
        "units": "declared",
        "filters": "removed",
    }
    assert trial.provenance["filters"].operations == (
        "removed: its condition 'model' in ['cnn'] can no longer hold ('model' is exactly 'mlp')",
        "resolve(): removed from the trial space",
    )
    assert trial.tuned["units"].conditions == (Condition("model", "mlp"),)


def test_resolve_without_new_entries_statuses():
    declared = sa.declare(conditional_build)
    tailoring = HyperParameters()
    tailoring.Int("filters", 16, 32, step=16)
    tailoring.Fixed("learning_rate", 1e-3)
    trial = sa.resolve(declared, tailoring, tune_new_entries=False)
    assert trial.tuned == tailoring.space
    assert trial.pinned == {"model": "mlp", "units": 64}
    assert list(trial.pinned) == ["model", "units"]
    assert statuses(trial) == {
        "filters": "inactive",  # pinned model='mlp' leaves it inactive
        "learning_rate": "fixed",
        "model": "pinned",
        "units": "pinned",
    }


def test_resolve_without_new_entries_inherits_conditions_on_tailored_parents():
    declared = sa.declare(conditional_build)
    tailoring = Space(
        [Choice("model", values=["mlp", "cnn"]), Int("filters", min_value=8, max_value=16, step=8)]
    )
    trial = sa.resolve(declared, tailoring, tune_new_entries=False)
    assert trial.tuned["filters"].conditions == (Condition("model", "cnn"),)
    assert statuses(trial)["filters"] == "tailored"
    assert trial.pinned == {"units": 64, "learning_rate": 1e-2}


def test_resolve_without_new_entries_removes_what_a_fixed_parent_excludes():
    declared = sa.declare(conditional_build)
    tailoring = Space(
        [Fixed("model", value="mlp"), Int("filters", min_value=8, max_value=16, step=8)]
    )
    trial = sa.resolve(declared, tailoring, tune_new_entries=False)
    assert list(trial.tuned) == ["model"]
    assert statuses(trial)["filters"] == "removed"


def test_resolve_matches_names_declared_inside_a_conditional_scope():
    declared = sa.declare(conditional_build)
    tailoring = Space([Int("filters", min_value=16, max_value=32, step=16)])
    trial = sa.resolve(declared, tailoring)
    assert len(trial.tuned) == len(declared)
    assert trial.tuned["filters"] == Int(
        "filters", min_value=16, max_value=32, step=16, conditions=Condition("model", "cnn")
    )


def test_resolve_takes_a_handle_a_space_or_none():
    declared = sa.declare(build_model)
    hp = HyperParameters()
    hp.Fixed("learning_rate", 1e-4)
    assert sa.resolve(declared, hp) == sa.resolve(declared, hp.space)
    assert sa.resolve(declared, None) == sa.resolve(declared, Space())
    with pytest.raises(TypeError, match="a Space, a HyperParameters handle or None"):
        sa.resolve(declared, {"learning_rate": 1e-4})  # type: ignore[arg-type]


def test_allow_new_entries_false_names_every_new_name():
    declared = sa.declare(conditional_build)
    tailoring = HyperParameters()
    tailoring.Fixed("learning_rate", 1e-3)
    with pytest.raises(InvalidSpaceError) as raised:
        sa.resolve(declared, tailoring, allow_new_entries=False)
    assert str(raised.value) == (
        "resolve(): the hypermodel declares 'model', 'units' and 'filters', which the "
        "tailoring does not list; allowed: names listed in the tailoring "
        "(or allow_new_entries=True)"
    )
    everything = Space([*declared.values()])
    assert sa.resolve(declared, everything, allow_new_entries=False).tuned == declared


def test_resolve_never_warns(recwarn):
    declared = sa.declare(build_model)
    sa.resolve(declared, Space([Boolean("never_declared")]), tune_new_entries=False)
    assert len(recwarn) == 0


def test_provenance_is_not_part_of_equality():
    declared = sa.declare(build_model)
    a = sa.resolve(declared, Space([Fixed("learning_rate", value=1e-4)]))
    b = sa.resolve(
        declared, sa.fix(Space([Choice("learning_rate", values=[1e-4])]), learning_rate=1e-4)
    )
    assert a.provenance["learning_rate"].operations != b.provenance["learning_rate"].operations
    assert a == b


# --- TrialSpace.complete and explain ------------------------------------------------------------


def test_complete_adds_the_pinned_defaults_that_are_active():
    declared = sa.declare(conditional_build)
    trial = sa.resolve(
        declared, Space([Choice("learning_rate", values=[1e-2, 1e-3])]), tune_new_entries=False
    )
    assert trial.pinned == {"model": "mlp", "units": 64, "filters": 8}  # every default
    completed = trial.complete({"learning_rate": 1e-3})  # only the active ones
    assert completed == {"learning_rate": 1e-3, "model": "mlp", "units": 64}
    assert list(completed) == ["learning_rate", "model", "units"]
    assert sa.contains(declared, completed)
    assert build_values(completed) == completed


def test_complete_leaves_out_pinned_entries_that_are_inactive():
    declared = sa.declare(conditional_build)
    trial = sa.resolve(declared, Space([Fixed("model", value="cnn")]), tune_new_entries=False)
    completed = trial.complete({"model": "cnn"})
    assert completed == {"model": "cnn", "filters": 8, "learning_rate": 1e-2}
    assert sa.contains(declared, completed)


def build_values(values: sa.Values) -> dict[str, sa.Scalar]:
    hp = HyperParameters(values)
    conditional_build(hp)
    return dict(hp.values)


def test_explain_lists_status_domain_and_operations():
    declared = sa.declare(conditional_build)
    tailoring = HyperParameters()
    tailoring.Fixed("model", "mlp")
    tailoring.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    text = sa.explain(sa.resolve(declared, tailoring))
    assert text == (
        "name           status    domain                                shaped by\n"
        "model          fixed     exactly 'mlp'                         "
        "merge(): the left declaration won; resolve(): fixed, still part of the space\n"
        "learning_rate  tailored  a float 0.0001 <= x <= 0.01           "
        "merge(): the left declaration won; "
        "resolve(): the tailoring's declaration replaces the hypermodel's\n"
        "units          declared  an int 32 <= x <= 128 in steps of 32  "
        "resolve(): tuned as declared\n"
        "filters        removed   -                                     "
        "removed: its condition 'model' in ['cnn'] can no longer hold ('model' is exactly 'mlp'); "
        "resolve(): removed from the trial space\n"
    )


def test_explain_shows_pinned_values():
    declared = sa.declare(build_model)
    text = sa.explain(sa.resolve(declared, Space([Boolean("dropout")]), tune_new_entries=False))
    lines = text.splitlines()
    assert lines[0].split() == ["name", "status", "domain", "shaped", "by"]
    assert lines[1].startswith("dropout        tailored  True or False")
    assert lines[2].startswith("units          pinned    64 ")
    assert lines[3].startswith("learning_rate  pinned    0.01 ")
    assert all(line == line.rstrip() for line in lines)


# --- the guide's tailored summaries, byte for byte ------------------------------------------------


class HyperXceptionStandIn:
    """The hyperparameters KerasTuner's HyperXception declares (include_top=True), without Keras."""

    def build(self, hp: HyperParameters) -> None:
        hp.Choice("activation", ["relu", "selu"])
        hp.Choice("conv2d_num_filters", [32, 64, 128], default=64)
        hp.Choice("kernel_size", [3, 5])
        hp.Choice("initial_strides", [2])
        hp.Int("sep_num_filters", 128, 768, step=128, default=256)
        hp.Int("num_residual_blocks", 2, 8, default=4)
        hp.Choice("pooling", ["avg", "flatten", "max"])
        hp.Int("num_dense_layers", 1, 3)
        hp.Float("dropout_rate", 0.0, 0.6, step=0.1, default=0.5)
        hp.Choice("dense_use_bn", [True, False])
        hp.Choice("learning_rate", [1e-3, 1e-4, 1e-5])


def guide_search_a_few() -> sa.TrialSpace:
    hp = HyperParameters()
    hp.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")
    return sa.resolve(sa.declare(build_model), hp, tune_new_entries=False)


def guide_fix_a_few() -> sa.TrialSpace:
    hp = HyperParameters()
    hp.Fixed("learning_rate", value=1e-4)
    return sa.resolve(sa.declare(build_model), hp, tune_new_entries=True)


def guide_prebuilt_xception() -> sa.TrialSpace:
    hp = HyperParameters()
    hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    return sa.resolve(sa.declare(HyperXceptionStandIn()), hp, tune_new_entries=False)


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        (guide_search_a_few, "guide_search_a_few.txt"),
        (guide_fix_a_few, "guide_fix_a_few.txt"),
        (guide_prebuilt_xception, "guide_prebuilt_xception.txt"),
    ],
)
def test_the_guides_tailored_summaries(scenario, expected):
    text = (DATA / expected).read_text(encoding="utf-8")
    assert sa.summary(scenario().tuned) == text


def test_the_guides_pinned_values():
    assert guide_search_a_few().pinned == {"units": 64, "dropout": False}
    assert guide_fix_a_few().pinned == {}
    xception = guide_prebuilt_xception()
    assert list(xception.tuned) == ["learning_rate"]
    assert xception.pinned == {
        "activation": "relu",
        "conv2d_num_filters": 64,
        "kernel_size": 3,
        "initial_strides": 2,
        "sep_num_filters": 256,
        "num_residual_blocks": 4,
        "pooling": "avg",
        "num_dense_layers": 1,
        "dropout_rate": 0.5,
        "dense_use_bn": True,
    }
    assert xception.provenance["learning_rate"].status == "tailored"


def test_complete_leaves_out_tailored_entries_the_pinned_values_make_inactive():
    declared = sa.Space(
        [
            sa.Boolean("deep"),
            sa.Int("layers", min_value=2, max_value=4, conditions=sa.Condition("deep", True)),
            sa.Float("lr", min_value=1e-4, max_value=1e-2, sampling="log"),
        ]
    )
    tailoring = sa.Space(
        [sa.Int("layers", min_value=2, max_value=3), sa.Float("lr", min_value=1e-3, max_value=1e-2)]
    )
    trial = sa.resolve(declared, tailoring, tune_new_entries=False)
    assert trial.provenance["layers"].status == "inactive"
    assert trial.complete({"layers": 3, "lr": 0.005}) == {"lr": 0.005, "deep": False}


def test_declare_keeps_what_a_skipped_run_declared_and_explores_on():
    def build(hp):
        units = hp.Int("units", min_value=4, max_value=16, step=4)
        if units < 8:  # the defaults are an invalid combination
            raise sa.SkipTrial("too small")
        hp.Boolean("dropout")
        with hp.conditional_scope("units", [4]):
            hp.Boolean("never_reached")

    space = sa.declare(build)
    assert list(space) == ["units"]  # dropout lies after the raise, found during trials


def test_declare_explores_the_branches_of_a_run_that_skipped():
    def build(hp):
        kind = hp.Choice("kind", ["a", "b"])
        with hp.conditional_scope("kind", ["b"]):
            if kind == "b":
                hp.Int("width", min_value=1, max_value=3)
        raise sa.SkipTrial("every combination is skipped")

    assert list(sa.declare(build)) == ["kind", "width"]
