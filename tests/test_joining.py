"""Entries declared during trials join the space.

A hypermodel may declare a name only on a non-default value (behind a plain
``if``) or only while training. ``declare`` cannot see it; the trial that
reaches it tells the search (``Trial.declared``), the store keeps it, and the
later trials tune it (or pin it, without ``tune_new_entries``). The rules:
docs/semantics.md#entries-that-join-during-trials.
"""

from __future__ import annotations

import io
import itertools
import sqlite3
from collections.abc import Callable

import attrs
import pytest

import spacealg as sa
from spacealg import Boolean, Choice, Int, Space, TrialState, Values
from spacealg._store.database_file import SCHEMA_VERSION
from spacealg._store.trial_store import TrialStore
from spacealg.backend import Trial


def build(hp: sa.HyperParameters) -> float:
    """``depth`` exists only when ``units`` is 32: ``declare`` never sees it."""
    units = hp.Choice("units", [8, 16, 32])
    score = float(units)
    if units == 32:
        score -= hp.Int("depth", min_value=1, max_value=4)
    return score


@attrs.frozen
class BuildBackend:
    """Runs a build function with a handle made from the trial's space, as the Keras backend."""

    build: Callable[[sa.HyperParameters], float]

    def run_trial(self, trial: Trial) -> float:
        hp = sa.HyperParameters(
            trial.values,
            tailoring=trial.space.tuned,
            declared=trial.space.declared,
            allow_new_entries=trial.space.allow_new_entries,
        )
        try:
            return self.build(hp)
        finally:
            trial.declared(hp.space)


def study(tmp_path, trial_space, oracle="random", *, project="joining", **kwargs) -> sa.Study:
    return sa.Study(
        trial_space,
        BuildBackend(kwargs.pop("build", build)),
        sa.Objective("score", "min"),
        oracle=sa.oracles.as_oracle(oracle, "test"),
        directory=tmp_path,
        project_name=project,
        seed=kwargs.pop("seed", 0),
        **kwargs,
    )


def effective(values: Values) -> tuple[int, int]:
    """What a trial ran: a trial from before ``depth`` joined ran it at its default, 1."""
    return values["units"], values.get("depth", 1)


def test_declare_cannot_see_the_entry():
    assert list(sa.declare(build)) == ["units"]


@pytest.mark.parametrize("oracle", ["random", "grid"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_joined_entry_is_tuned_and_the_space_is_exhausted_once(tmp_path, oracle, seed):
    search = study(tmp_path, sa.resolve(sa.declare(build)), oracle, seed=seed)
    result = search.run(None, verbose=0)
    ran = [effective(t.values) for t in result.trials]
    assert sorted(ran) == sorted(itertools.product([8, 16], [1, 2, 3, 4])) + [
        (32, depth) for depth in (1, 2, 3, 4)
    ]
    first = next(t for t in result.trials if t.values["units"] == 32)
    assert first.values["depth"] == 1  # the default its handle gave
    assert all("depth" in t.values for t in result.trials[first.trial_id :])
    assert all(t.state is TrialState.COMPLETED for t in result.trials)
    assert list(search.current_trial_space().tuned) == ["units", "depth"]


def test_the_joined_entry_is_stored_with_the_trial_that_declared_it(tmp_path):
    space = sa.resolve(Space([Choice("units", values=[8, 16, 32], default=32)]))
    search = study(tmp_path, space, "grid", build=build)
    search.run(2, verbose=0)
    store = TrialStore.open_readonly(search.store_path)
    try:
        ((trial_id, entry),) = store.joined()
    finally:
        store.close()
    assert trial_id == 0
    assert entry["name"] == "depth"
    now = search.current_trial_space()
    assert now.provenance["depth"].status == "declared"
    assert "trial 0: declared during the trial, joined the space" in (
        now.provenance["depth"].operations
    )
    assert "depth" in sa.explain(now)
    assert search.trial_space.tuned == space.tuned  # the study itself is a value


def test_without_tune_new_entries_a_joined_entry_is_pinned_at_its_default(tmp_path):
    declared = sa.declare(build)
    space = sa.resolve(
        declared, Space([Choice("units", values=[8, 16, 32])]), tune_new_entries=False
    )
    result = study(tmp_path, space).run(None, verbose=0)
    assert sorted(t.values["units"] for t in result.trials) == [8, 16, 32]
    (deep,) = [t for t in result.trials if t.values["units"] == 32]
    assert deep.values["depth"] == 1
    now = study(tmp_path, space).current_trial_space()
    assert now.pinned["depth"] == 1
    assert "depth" not in now.tuned


def test_without_allow_new_entries_the_trial_reaching_it_fails_naming_it(tmp_path):
    declared = sa.declare(build)
    space = sa.resolve(
        declared, Space([Choice("units", values=[8, 16, 32])]), allow_new_entries=False
    )
    result = study(tmp_path, space, max_consecutive_failed_trials=5).run(None, verbose=0)
    (failed,) = [t for t in result.trials if t.values["units"] == 32]
    assert failed.state is TrialState.FAILED
    assert "'depth' is declared during a trial, but the tailoring does not list it" in (
        failed.error or ""
    )
    assert [t.state for t in result.trials].count(TrialState.COMPLETED) == 2


def test_a_resumed_search_keeps_the_joined_entry_and_reports_no_change(tmp_path):
    space = sa.resolve(Space([Choice("units", values=[8, 16, 32], default=32)]))
    study(tmp_path, space, "grid").run(2, verbose=0)
    out = io.StringIO()
    result = study(tmp_path, space, "grid").run(6, verbose=1, out=out)
    assert "differs" not in out.getvalue()
    assert all("depth" in t.values for t in result.trials)
    assert len({effective(t.values) for t in result.trials}) == 6


def test_a_tuner_given_the_joined_space_reports_no_change_either(tmp_path):
    space = sa.resolve(Space([Choice("units", values=[8, 16, 32], default=32)]))
    first = study(tmp_path, space, "grid")
    first.run(2, verbose=0)
    out = io.StringIO()
    study(tmp_path, first.current_trial_space(), "grid").run(3, verbose=1, out=out)
    assert "differs" not in out.getvalue()


def test_entries_declared_under_a_joined_parent_join_with_their_conditions(tmp_path):
    def nested(hp):
        units = hp.Choice("units", [8, 32], default=32)
        if units == 32:
            depth = hp.Int("depth", min_value=1, max_value=2)
            with hp.conditional_scope("depth", [2]):
                if depth == 2:
                    hp.Boolean("wide")
        return float(units)

    result = study(tmp_path, sa.resolve(sa.declare(nested)), "grid", build=nested).run(
        None, verbose=0
    )
    now = study(tmp_path, sa.resolve(sa.declare(nested)), build=nested).current_trial_space()
    assert now.tuned["wide"] == Boolean("wide", conditions=[sa.Condition("depth", [2])])
    ran = {
        (t.values["units"], t.values.get("depth", 1), t.values.get("wide")) for t in result.trials
    }
    assert {(32, 1, None), (32, 2, False), (32, 2, True)} <= ran


def test_an_entry_declared_inactive_joins_with_its_conditions(tmp_path):
    def inactive(hp):
        units = hp.Choice("units", [8, 32], default=32)
        if units == 32:
            hp.Int("depth", min_value=1, max_value=2, parent_name="units", parent_values=[8])
        return float(units)

    space = sa.resolve(Space([Choice("units", values=[8, 32], default=32)]))
    result = study(tmp_path, space, "grid", build=inactive).run(None, verbose=0)
    assert [dict(t.values) for t in result.trials] == [
        {"units": 32},
        {"units": 8, "depth": 1},
        {"units": 8, "depth": 2},
    ]
    now = study(tmp_path, space, build=inactive).current_trial_space()
    assert now.tuned["depth"].conditions == (sa.Condition("units", [8]),)


@attrs.frozen
class CarelessBackend:
    """A backend whose handle does not enforce ``allow_new_entries``."""

    def run_trial(self, trial: Trial) -> float:
        hp = sa.HyperParameters(trial.values)
        hp.Choice("units", [8, 32], default=32)
        hp.Boolean("extra")
        trial.declared(hp.space)
        return 0.0


def test_declarations_that_cannot_join_fail_their_trial_naming_them(tmp_path):
    declared = Space([Choice("units", values=[8, 32], default=32)])
    space = sa.resolve(declared, declared, allow_new_entries=False)
    search = attrs.evolve(study(tmp_path, space, "grid"), backend=CarelessBackend())
    result = search.run(1, verbose=0)
    (trial,) = result.trials
    assert trial.state is TrialState.FAILED
    assert trial.error is not None
    assert trial.error.startswith("what the trial declared cannot join the space: ")
    assert "'extra'" in trial.error
    assert search.current_trial_space().tuned == space.tuned


def test_a_schema_version_1_store_is_migrated_and_keeps_its_trials(tmp_path):
    space = sa.resolve(Space([Choice("units", values=[8, 16, 32], default=32)]))
    search = study(tmp_path, space, "grid")
    search.run(1, verbose=0)
    with sqlite3.connect(search.store_path) as connection:
        connection.execute("DELETE FROM joined")
        connection.execute("DROP TABLE joined")
        connection.execute("ALTER TABLE trials DROP COLUMN meta")
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    connection.close()
    (old,) = sa.load(tmp_path, "joining").trials  # read-only: no joined table, no meta yet
    assert old.meta == {}
    assert search.current_trial_space().tuned == space.tuned
    result = search.run(3, verbose=0)
    assert len(result.trials) == 3
    with sqlite3.connect(search.store_path) as connection:
        version = connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()[0]
    connection.close()
    assert int(version) == SCHEMA_VERSION == 2


def test_the_join_is_a_pure_function_of_the_trial_space():
    base = sa.resolve(Space([Int("units", min_value=8, max_value=32, step=8)]))
    depth = Int("depth", min_value=1, max_value=4)
    assert base.join([], note="n") is base
    assert base.join([base.declared["units"]], note="n") is base
    joined = base.join([depth], note="trial 3: found")
    assert joined.joined == ("depth",)
    assert list(base.tuned) == ["units"]  # unchanged
    assert joined.join([depth], note="again") is joined
