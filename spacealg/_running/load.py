"""``load``: a recorded search, read back from its store."""

from __future__ import annotations

import json
import os

from spacealg._algebra.resolve import Provenance, TrialSpace
from spacealg._files.serialization import from_dict
from spacealg._running.joined_entries import with_joined
from spacealg._search.objective import Objective
from spacealg._search.trials import SearchResult
from spacealg._space.validation import check_name, check_path
from spacealg._space.values import Values
from spacealg._store.trial_store import TrialStore
from spacealg.errors import InvalidArgumentError


def load(directory: str | os.PathLike[str], project_name: str) -> SearchResult:
    """The search recorded at ``<directory>/<project_name>``, opened read-only.

    It works while another process is still writing to the store.

    Raises:
        StoreError: there is no spacealg store there.
    """
    check_path("load()", "directory", directory)
    check_name("load()", "project_name", project_name)
    store = TrialStore.open_readonly(TrialStore.location(directory, project_name))
    try:
        study = store.study()
        if study is None:
            raise InvalidArgumentError(
                "load()", "", "project_name", project_name, "a project whose search has started"
            )
        objective = Objective(**json.loads(study.objective))
        return SearchResult(
            store.trials(),
            objective,
            study.seed,
            trial_space=stored_trial_space(study.trial_space, store),
            oracle=json.loads(study.oracle),
        )
    finally:
        store.close()


RECORDED = "recorded in the store (the operators that shaped it are not)"


def stored_trial_space(text: str, store: TrialStore) -> TrialSpace:
    """The trial space a study recorded (``space_json``), with the entries joined since."""
    recorded = json.loads(text)
    tuned = from_dict(recorded["tuned"])
    pinned = Values(recorded["pinned"])
    provenance = {name: Provenance(name, "declared", (RECORDED,)) for name in tuned}
    provenance.update({name: Provenance(name, "pinned", (RECORDED,)) for name in pinned})
    trial_space = TrialSpace(tuned, pinned, tuned, provenance)
    return with_joined(trial_space, store)
