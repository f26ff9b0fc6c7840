"""SearchCV's trials on a process pool and on a Dask cluster: the same search as in one process."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier
from spacealg_sklearn import SearchCV

import spacealg as sa

SPACE = sa.Space(
    [
        sa.Int("max_depth", min_value=1, max_value=8),
        sa.Choice("criterion", values=["gini", "entropy"]),
    ]
)


def _search(**kwargs):
    return SearchCV(
        DecisionTreeClassifier(random_state=0),
        SPACE,
        oracle="random",
        max_trials=6,
        cv=3,
        seed=7,
        verbose=0,
        **kwargs,
    )


def _by_trial(search):
    return [(t.trial_id, dict(t.values), t.score) for t in search.search_result_.trials]


@pytest.fixture(scope="module")
def serial(iris):
    X, y = iris
    return _search().fit(X, y)


def test_a_process_pool_runs_the_same_search(iris, serial, tmp_path):
    X, y = iris
    pooled = _search(n_workers=2, directory=tmp_path, project_name="pool").fit(X, y)
    assert _by_trial(pooled) == _by_trial(serial)
    assert pooled.best_params_ == serial.best_params_
    np.testing.assert_array_equal(pooled.predict(X), serial.predict(X))


def test_a_dask_cluster_runs_the_same_search(iris, serial):
    distributed = pytest.importorskip("distributed")
    X, y = iris
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = _search(executor=client).fit(X, y)
    assert _by_trial(on_dask) == _by_trial(serial)
    assert on_dask.best_params_ == serial.best_params_
