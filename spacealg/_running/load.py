"""``load``: a recorded search, read back from its store."""

from __future__ import annotations

import json
import os

from spacealg._search.objective import Objective
from spacealg._search.trials import SearchResult
from spacealg._space.validation import check_name, check_path
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
        return SearchResult(store.trials(), objective, study.seed)
    finally:
        store.close()
