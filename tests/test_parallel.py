"""Parallel trials: a local process pool and a Dask cluster, surviving dead workers.

Every search records to a real SQLite store under ``tmp_path`` and runs its
trials in real worker processes: a spawned :class:`spacealg.ProcessPool`
(``n_workers=2``) or a Dask ``LocalCluster`` of two worker processes. The
objectives live in ``tests/parallel_objectives.py``. A worker killed mid-trial
is a real SIGKILL of the worker process, by the objective itself.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import pickle
import re
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import spacealg as sa
from spacealg import Objective, Study, TrialState
from spacealg._running.execution import TrialTask
from spacealg._running.function_backend import FunctionBackend
from spacealg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    MissingDependencyError,
    NotSerializableError,
    NoWorkersError,
    TooManyFailedTrialsError,
)

sys.path.insert(0, str(Path(__file__).parent))
import parallel_objectives as po

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only")

SEED = 2024


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A Dask client of a LocalCluster with two worker processes of one thread each."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def _where(name: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    """``n_workers=2`` for the process pool, ``executor=`` the Dask client."""
    if name == "pool":
        return {"n_workers": 2}
    return {"executor": request.getfixturevalue("client")}


def _search(tmp_path: Path, fn: Any, *, project: str = "p", **kwargs: Any) -> sa.SearchResult:
    kwargs.setdefault("max_trials", 8)
    return sa.minimize(
        fn,
        kwargs.pop("space", po.SPACE),
        seed=SEED,
        directory=tmp_path,
        project_name=project,
        verbose=0,
        **kwargs,
    )


def _starts(log: Path) -> list[str]:
    """The values of every trial start the log shows (several per rerun trial)."""
    return [line.split(" ", 1)[1] for line in log.read_text().splitlines()]


def _key(record: sa.TrialRecord) -> str:
    return json.dumps(dict(record.values), sort_keys=True)


# -- every trial completes; the same configurations as a sequential run ----------------------


@pytest.mark.parametrize("where", ["pool", "dask"])
def test_every_trial_completes_with_a_sequential_runs_configurations(tmp_path, request, where):
    log = tmp_path / "log"
    result = _search(tmp_path, po.Logged(str(log)), **_where(where, request))
    sequential = _search(tmp_path, po.score, project="sequential")
    assert len(result.trials) == 8
    assert all(t.state is TrialState.COMPLETED for t in result.trials)
    assert {t.values for t in result.trials} == {t.values for t in sequential.trials}
    assert [t.score for t in result.trials] == [po.score(t.values) for t in result.trials]
    assert sorted(_starts(log)) == sorted(_key(t) for t in result.trials)  # each ran once
    processes = {line.split()[0] for line in log.read_text().splitlines()}
    assert str(os.getpid()) not in processes
    if where == "pool":  # (a Dask worker a kill test took down may still be restarting)
        assert len(processes) == 2


@pytest.mark.parametrize("where", ["pool", "dask"])
def test_a_worker_killed_mid_trial_reruns_its_trial_and_nothing_is_lost(tmp_path, request, where):
    log, kill = tmp_path / "log", tmp_path / "killed"
    result = _search(tmp_path, po.Logged(str(log), kill=str(kill)), **_where(where, request))
    killed = kill.read_text()
    assert len(result.trials) == 8
    assert all(t.state is TrialState.COMPLETED for t in result.trials)
    keys = [_key(t) for t in result.trials]
    assert len(set(keys)) == 8  # nothing duplicated
    assert keys.count(killed) == 1
    starts = _starts(log)
    assert starts.count(killed) >= 2  # it started, was killed, and ran again
    assert set(starts) == set(keys)  # nothing lost
    sequential = _search(tmp_path, po.score, project="sequential")
    assert {t.values for t in result.trials} == {t.values for t in sequential.trials}


def test_a_trial_that_always_kills_its_worker_fails_alone(tmp_path):
    log, kill = tmp_path / "log", tmp_path / "killed"
    objective = po.Logged(str(log), kill=str(kill), always=True)
    result = _search(tmp_path, objective, max_trials=6, n_workers=2)
    killed = kill.read_text()
    (failed,) = [t for t in result.trials if t.state is TrialState.FAILED]
    assert _key(failed) == killed
    assert "the trial's worker was lost 3 times; the last time: BrokenProcessPool" in failed.error
    assert [t.state for t in result.trials].count(TrialState.COMPLETED) == 5
    assert _starts(log).count(killed) == 3
    assert len({_key(t) for t in result.trials}) == 6


def test_a_scheduler_address_is_connected_to_and_closed(tmp_path, client):
    address = client.scheduler.address
    result = _search(tmp_path, po.score, executor=address, max_trials=4)
    assert [t.state for t in result.trials] == [TrialState.COMPLETED] * 4
    assert client.submit(sum, [1, 2]).result() == 3  # the cluster itself is left running


def test_dask_gets_the_payload_once_per_search_and_a_trial_queued_ahead_per_worker(client):
    from spacealg._running.executors import QUEUED_AHEAD, Workers

    pool = Workers(client.get_executor(pure=False), owned=False, client=client)
    payload = b"the backend and objective, pickled"
    first = pool._shipped(payload)
    assert pool._shipped(payload) is first  # scattered once, referred to by every trial
    assert first.status == "finished"
    assert client.submit(len, first).result() == len(payload)
    assert pool._shipped(b"another search") is not first
    workers = sum(client.nthreads().values())
    assert pool.capacity() == workers * (1 + QUEUED_AHEAD)


def test_a_dask_cluster_without_workers_is_an_error_and_the_search_resumes_on_one(tmp_path):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=0, processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL
        ) as cluster,
        distributed.Client(cluster, timeout=2) as bare,  # the scheduler waits 2 s for a worker
    ):
        with pytest.raises(NoWorkersError) as raised:
            _search(tmp_path, po.score, executor=bare, max_trials=4)
        message = str(raised.value)
        assert message.startswith(f"Study.run(): executor={bare!r} has no worker to run trials")
        assert re.search(r"\(TimeoutError: No valid workers found, after \d+\.\d s\)", message)
        assert "the pending trials are back in the store" in message
        assert isinstance(raised.value, RuntimeError)
        with closing(sqlite3.connect(tmp_path / "p" / "trials.db")) as store:
            owned = store.execute("SELECT COUNT(*) FROM trials WHERE owner_token IS NOT NULL")
            assert owned.fetchone() == (0,)  # the claimed trial was given back
        cluster.scale(1)
        bare.wait_for_workers(1, timeout=60)
        result = _search(tmp_path, po.score, executor=bare, max_trials=4)
    assert [t.state for t in result.trials] == [TrialState.COMPLETED] * 4
    sequential = _search(tmp_path, po.score, project="sequential", max_trials=4)
    assert [t.values for t in result.trials] == [t.values for t in sequential.trials]


@pytest.fixture
def users_pool() -> Iterator[ProcessPoolExecutor]:
    """A process pool of the user's (two spawned workers), shut down after the test."""
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def test_a_broken_users_pool_is_replaced_and_its_trials_rerun(tmp_path, users_pool):
    log, kill = tmp_path / "log", tmp_path / "killed"
    result = _search(tmp_path, po.Logged(str(log), kill=str(kill)), executor=users_pool)
    assert [t.state for t in result.trials] == [TrialState.COMPLETED] * 8
    assert len({t.values for t in result.trials}) == 8


def test_a_pool_broken_before_a_trial_is_submitted_is_replaced(tmp_path, users_pool):
    """A worker can die between two submissions; the pool then refuses the next
    trial (``submit`` raises, no future does). Here the pool is broken before the
    search starts: the search replaces it and runs every trial."""
    with pytest.raises(BrokenProcessPool):
        users_pool.submit(po.die).result()
    result = _search(tmp_path, po.Logged(str(tmp_path / "log")), executor=users_pool)
    assert [t.state for t in result.trials] == [TrialState.COMPLETED] * 8
    assert len({t.values for t in result.trials}) == 8


def test_reports_and_declarations_come_back_from_the_workers(tmp_path):
    space = sa.resolve(sa.Space([sa.Choice("units", values=[8, 16, 32])]))
    study = Study(
        space,
        po.ReportingBackend(),
        Objective("loss", "min"),
        oracle=sa.GridSearchOracle(),
        directory=tmp_path,
        project_name="reports",
        seed=SEED,
    )
    result = study.run(None, verbose=0, n_workers=2)
    assert [t.state for t in result.trials] == [TrialState.COMPLETED] * len(result.trials)
    first = result.trials[0]
    assert first.metrics["loss"] == tuple(
        float(first.values["units"] + first.values["extra"] + s) for s in range(3)
    )
    assert first.metrics["pid"][0] != os.getpid()  # it ran on a worker
    assert "extra" in study.current_trial_space().tuned  # the declaration joined the space
    assert len({t.values for t in result.trials}) == len(result.trials)


# -- oracles propose while trials are pending ----------------------------------------


@pytest.mark.parametrize("oracle", ["grid", "random"])
def test_no_configuration_is_proposed_twice_while_trials_are_pending(tmp_path, oracle):
    log = tmp_path / "log"
    result = _search(
        tmp_path, po.Logged(str(log), sleep=0.02), space=po.FINITE, max_trials=None,
        oracle=oracle, n_workers=2,
    )  # fmt: skip
    assert len(result.trials) == 16  # every configuration of the space, each once
    assert len({t.values for t in result.trials}) == 16
    assert len(_starts(log)) == 16


@pytest.mark.parametrize("asynchronous", [False, True])
def test_hyperband_runs_on_workers(tmp_path, asynchronous):
    oracle = sa.HyperbandOracle(max_epochs=9, factor=3, asynchronous=asynchronous)
    result = _search(
        tmp_path, po.budgeted, oracle=oracle, max_trials=None if not asynchronous else 12,
        n_workers=2,
    )  # fmt: skip
    assert all(t.state is TrialState.COMPLETED for t in result.trials)
    expected = 12 if asynchronous else sum(rung.size for rung in oracle.schedule())
    assert len(result.trials) == expected
    starts = [t.values for t in result.trials if t.meta["tuner/round"] == 0]
    assert len(starts) == len(set(starts))  # no configuration started twice
    promoted = [t.meta["tuner/trial_id"] for t in result.trials if "tuner/trial_id" in t.meta]
    assert len(promoted) == len(set(promoted))


# -- devices ----------------------------------------------------------------------------


def test_each_pool_worker_takes_its_own_device(tmp_path):
    with sa.ProcessPool(2, devices=["3", "7"]) as pool:
        result = _search(tmp_path, po.device, max_trials=6, executor=pool)
    devices = [t.metrics["device"][0] for t in result.trials]
    assert len(devices) == 6
    assert set(devices) == {3.0, 7.0}  # one each, set before the trial ran


# -- interruptions and a crashed coordinator ---------------------------------------------------


def test_too_many_failures_give_pending_trials_back(tmp_path):
    with pytest.raises(TooManyFailedTrialsError):
        _search(tmp_path, po.failing, max_trials=10, n_workers=2, max_consecutive_failed_trials=2)
    result = _search(tmp_path, po.score, max_trials=10, n_workers=2)  # resumes
    assert len(result.trials) == 10
    states = [t.state for t in result.trials]
    assert TrialState.RUNNING not in states
    assert states.count(TrialState.FAILED) >= 2


def test_a_killed_coordinator_resumes_from_the_store(tmp_path):
    log = tmp_path / "log"
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import crash_worker
        import parallel_objectives as po
        import spacealg as sa
        if __name__ == "__main__":
            crash_worker.crash_at(9)
            sa.minimize(po.Logged({str(log)!r}, sleep=0.1), po.SPACE, max_trials=12,
                        seed={SEED}, directory={str(tmp_path)!r}, project_name="p",
                        verbose=0, n_workers=2)
        """
    )
    path = tmp_path / "coordinator.py"
    path.write_text(script)
    # The store's writes: open, study, then a claim or a finish each; die at the 9th.
    completed = subprocess.run([sys.executable, str(path)], timeout=120, check=False)
    assert completed.returncode == -9
    before = sa.load(tmp_path, "p").trials
    assert any(t.state is TrialState.RUNNING for t in before)
    result = _search(tmp_path, po.Logged(str(log), sleep=0.1), max_trials=12, n_workers=2)
    assert [t.state for t in result.trials] == [TrialState.COMPLETED] * 12
    assert len({t.values for t in result.trials}) == 12
    assert set(_starts(log)) == {_key(t) for t in result.trials}


# -- bad input, before any trial starts --------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"executor": 42},
            ArgumentTypeError,
            (
                "minimize(): executor=42 is not valid; allowed: None, a concurrent.futures."
                "Executor, a dask.distributed.Client or a scheduler address such as "
                "'tcp://127.0.0.1:8786'"
            ),
        ),
        (
            {"executor": "not an address"},
            ArgumentTypeError,
            (
                "minimize(): executor='not an address' is not valid; allowed: None, a "
                "concurrent.futures.Executor, a dask.distributed.Client or a scheduler address "
                "such as 'tcp://127.0.0.1:8786'"
            ),
        ),
        (
            {"n_workers": 0},
            InvalidArgumentError,
            "minimize(): n_workers=0 is not valid; allowed: None or an int >= 1",
        ),
        (
            {"n_workers": 2, "executor": "DUMMY"},
            InvalidArgumentError,
            (
                "minimize(): n_workers=2 is not valid; allowed: None when executor= is given "
                "(the executor's worker count is used)"
            ),
        ),
    ],
)
def test_bad_parallel_arguments_fail_before_any_trial(tmp_path, kwargs, error, message):
    if kwargs.get("executor") == "DUMMY":
        kwargs["executor"] = ThreadPoolExecutor(1)
    with pytest.raises(error) as raised:
        _search(tmp_path, po.score, **kwargs)
    assert str(raised.value) == message
    assert not (tmp_path / "p").exists()


def test_an_objective_that_cannot_travel_fails_before_any_trial(tmp_path):
    lock = threading.Lock()

    def locked(values: sa.Values) -> float:
        with lock:
            return 0.0

    with pytest.raises(NotSerializableError) as raised:
        _search(tmp_path, locked, n_workers=2)
    assert str(raised.value).startswith(f"minimize(): fn={locked!r} cannot be sent to the workers")
    assert "TypeError: cannot pickle '_thread.lock' object" in str(raised.value)
    assert not (tmp_path / "p").exists()
    copy = pickle.loads(pickle.dumps(raised.value))
    assert str(copy) == str(raised.value)


def test_a_dask_address_without_dask_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(MissingDependencyError) as raised:
        _search(tmp_path, po.score, executor="tcp://127.0.0.1:8786")
    assert str(raised.value) == (
        "minimize(): executor='tcp://127.0.0.1:8786' needs distributed, which is not "
        "installed; install it with: pip install 'spacealg[dask]'"
    )
    assert isinstance(raised.value, ImportError)
    assert str(pickle.loads(pickle.dumps(raised.value))) == str(raised.value)


def test_an_unreachable_scheduler_is_an_error(tmp_path):
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with (
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
        pytest.raises(InvalidArgumentError, match="a reachable Dask scheduler"),
    ):
        _search(tmp_path, po.score, executor="tcp://127.0.0.1:9")  # nothing listens there


def test_import_spacealg_imports_neither_dask_nor_cloudpickle():
    code = "import json, sys, spacealg; print(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    modules = json.loads(output)
    assert not [m for m in modules if m.split(".")[0] in ("dask", "distributed", "cloudpickle")]


# -- what travels -----------------------------------------------------------------------


def test_a_task_with_a_tailored_space_pickles(tmp_path):
    cloudpickle = pytest.importorskip("cloudpickle")
    space = sa.resolve(po.FINITE.fix(dropout=True).restrict("units", max_value=64))
    assert dict(space.declared.history) or dict(space.tuned.history)
    record = sa.TrialRecord(trial_id=3, values=sa.Values({"units": 32}), state=TrialState.RUNNING)
    task = TrialTask(record, space, seed=1, executions=2, directory=tmp_path)
    for dumps in (pickle.dumps, cloudpickle.dumps):
        copy = pickle.loads(dumps(task))
        assert copy == task
        assert copy.space.tuned.history == space.tuned.history


def test_one_worker_runs_in_process(tmp_path):
    result = _search(
        tmp_path, lambda values: float(os.getpid()), n_workers=1, max_trials=2
    )  # a lambda: nothing is serialized
    assert {t.score for t in result.trials} == {float(os.getpid())}


def test_a_thread_pool_is_an_executor_too(tmp_path):
    with ThreadPoolExecutor(2) as pool:
        result = _search(tmp_path, po.score, executor=pool)
    assert [t.state for t in result.trials] == [TrialState.COMPLETED] * 8


def test_study_run_checks_its_backend(tmp_path):
    study = Study(
        sa.resolve(po.SPACE),
        FunctionBackend(po.score),
        Objective("score", "min"),
        directory=tmp_path,
        project_name="p",
    )
    with pytest.raises(InvalidArgumentError, match="n_workers=-1"):
        study.run(3, verbose=0, n_workers=-1)
