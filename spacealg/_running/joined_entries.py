"""The trial space as a search goes on: entries that join during trials, changes on resume.

Entries a trial declares that the space lacks join it when the trial ends
(docs/semantics.md#entries-that-join-during-trials): the store keeps them, and
every later claim works on the trial space plus them. A search resumed over a
changed trial space says how it changed, leaving out the entries that joined.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Collection, Mapping
from typing import Any

from spacealg._algebra.resolve import TrialSpace
from spacealg._files.serialization import entry_from_dict, entry_to_dict, to_dict
from spacealg._files.space_diff import diff_saved
from spacealg._search.trials import TrialRecord
from spacealg._space.kinds import Hyperparameter
from spacealg._space.values import Values
from spacealg._store.trial_store import TrialStore
from spacealg.errors import SpaceError


def space_json(trial_space: TrialSpace) -> str:
    """The trial space as the store records it with the study."""
    return json.dumps(
        {"tuned": to_dict(trial_space.tuned), "pinned": dict(trial_space.pinned)},
        sort_keys=True,
    )


def space_change(stored: str, given: str, joined: Collection[str] = ()) -> str | None:
    """One line saying how the stored trial space differs from the given one.

    Names in ``joined`` (entries declared during trials) are no change, whether
    the given space holds them or not. The entries' changes are
    :func:`spacealg.diff`'s text: ``'units' max 128 -> 256; added 'dropout'``.
    """
    if stored == given:
        return None
    tuned = [json.loads(text)["tuned"] for text in (stored, given)]
    before, after = (
        [hp for hp in space["hyperparameters"] if hp["name"] not in joined] for space in tuned
    )
    difference = diff_saved(
        before, after, tuned[0].get("constraints", ()), tuned[1].get("constraints", ())
    )
    parts = difference.parts()
    pinned = [
        {name: value for name, value in json.loads(text)["pinned"].items() if name not in joined}
        for text in (stored, given)
    ]
    if pinned[0] != pinned[1]:
        parts.append("changed pinned values")
    if not parts:
        return None
    return "The trial space differs from the stored study's: " + "; ".join(parts)


def _joining(trial_id: int) -> str:
    return f"trial {trial_id}: declared during the trial, joined the space"


def with_joined(trial_space: TrialSpace, store: TrialStore) -> TrialSpace:
    """``trial_space`` with the entries the store says joined during trials."""
    for trial_id, entries in itertools.groupby(store.joined(), key=lambda row: row[0]):
        trial_space = trial_space.join(
            [entry_from_dict(entry, "Study.run()") for _, entry in entries],
            note=_joining(trial_id),
        )
    return trial_space


def _values_with(
    space: TrialSpace, names: list[str], tuned: Values, complete: Values
) -> tuple[Values, Values]:
    """A trial's values plus the defaults its handle gave the ``names`` that joined."""
    chosen = dict(complete)
    for hp in space.declared.dependency_order():
        if hp.name in names and hp.name not in chosen and hp.is_active(chosen):
            chosen[hp.name] = hp.default
    added = {name: chosen[name] for name in names if name in chosen and name in space.tuned}
    return Values({**tuned, **added}), Values(chosen)


def with_defaults(values: Values, entries: list[Hyperparameter]) -> Values:
    """``values`` plus the default of each entry it lacks that is active under it."""
    chosen = dict(values)
    for hp in entries:
        if hp.name not in chosen and hp.is_active(chosen):
            chosen[hp.name] = hp.default
    return values if len(chosen) == len(values) else Values(chosen)


def joins(
    store: TrialStore,
    space: TrialSpace,
    trial: TrialRecord,
    declared: Mapping[str, Hyperparameter],
) -> tuple[list[tuple[str, dict[str, Any]]], tuple[Values, Values] | str | None]:
    """What joins the space after ``trial`` declared ``declared``, and its new values.

    The values are None when nothing joined, and an error message when the
    declarations cannot join (the trial then fails with it).
    """
    if not declared:
        return [], None
    try:
        joined = space.join(declared.values(), note=_joining(trial.trial_id))
    except SpaceError as error:
        return [], f"what the trial declared cannot join the space: {error}"
    names = list(declared)
    entries = [(name, entry_to_dict(declared[name])) for name in names]
    tuned = store.tuned_values(trial.trial_id)
    return entries, _values_with(joined, names, tuned, trial.values)
