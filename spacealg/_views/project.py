"""A study's folder, as the command line names it: ``<directory>/<project_name>``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from spacealg._running.load import load
from spacealg._search.objective import Objective
from spacealg._search.trials import SearchResult
from spacealg._store.trial_store import TrialStore
from spacealg.errors import StoreError


def project_path(project: str | os.PathLike[str], operation: str) -> Path:
    """``project`` as an absolute folder; StoreError when it is no folder."""
    path = Path(project).resolve()
    if not path.is_dir():
        what = "is not a folder" if path.exists() else "no such folder"
        raise StoreError(
            operation, str(project), f"{what}; give a study's folder, <directory>/<project_name>"
        )
    return path


def read_project(project: str | os.PathLike[str], operation: str) -> SearchResult:
    """The search recorded in the folder ``project``, read-only (see :func:`spacealg.load`)."""
    path = project_path(project, operation)
    return load(path.parent, path.name)


def open_project(project: str | os.PathLike[str], operation: str) -> tuple[TrialStore, Objective]:
    """The study's store opened read-only, and its objective; StoreError when there is none."""
    path = project_path(project, operation)
    store = TrialStore.open_readonly(TrialStore.location(path.parent, path.name))
    try:
        study = store.study()
    except BaseException:
        store.close()
        raise
    if study is None:
        store.close()
        raise StoreError(operation, str(store.path), "no search has started in this store")
    return store, Objective(**json.loads(study.objective))
