"""Where trials run: ``executor=`` and ``n_workers=`` turned into workers the search loop uses.

* nothing given, or ``n_workers=1``: trials run in the search loop's own process;
* ``n_workers=k``: a local :class:`ProcessPool` of ``k`` processes (``spawn``);
* ``executor=`` a :class:`concurrent.futures.Executor` (a process or thread pool,
  a Dask ``ClientExecutor``), a ``dask.distributed.Client``, or a Dask scheduler
  address such as ``"tcp://10.0.0.5:8786"`` (a client is connected and closed).

The backend and the objective travel to the workers serialized once per search,
with cloudpickle when it is installed (functions of ``__main__``, notebooks and
lambdas travel by value), else with :mod:`pickle` (module-level functions only).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import re
import time
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from spacealg._running.execution import TrialOutcome, TrialTask, run_remote
from spacealg._space.validation import check_int, check_items
from spacealg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    MissingDependencyError,
    NotSerializableError,
    NoWorkersError,
)

DEVICES = "CUDA_VISIBLE_DEVICES"
MAX_WORKERS = 2**31 - 1
"""The most worker processes a pool takes: multiprocessing counts them in a C int."""
"""The variable each worker of a :class:`ProcessPool` with ``devices=`` sets to its device."""

_ADDRESS = re.compile(r"^([a-z0-9+]+://)?[^\s/:]+(:\d+)?$")
_EXECUTOR_WORDS = (
    "None, a concurrent.futures.Executor, a dask.distributed.Client "
    "or a scheduler address such as 'tcp://127.0.0.1:8786'"
)


def _take_device(devices: tuple[str, ...], counter: Any) -> None:
    """A pool worker's initializer: take the next device before anything imports a framework."""
    with counter.get_lock():
        index = counter.value
        counter.value += 1
    os.environ[DEVICES] = devices[index % len(devices)]


class ProcessPool(ProcessPoolExecutor):
    """A process pool for trials: ``spawn``ed workers, each optionally on its own device.

    Workers are started with the ``spawn`` method, since forking a process that
    has imported TensorFlow or JAX can deadlock. With ``devices``, each worker
    sets ``CUDA_VISIBLE_DEVICES`` to one of them (in turn) before it runs a
    trial, so a framework imported by the trial sees that device alone.

    Args:
        n_workers: how many worker processes (and trials at once).
        devices: device ids to hand out, one per worker in turn (empty: none set).

    Examples:
        >>> pool = ProcessPool(2, devices=["0", "1"])
        >>> pool.n_workers, pool.devices
        (2, ('0', '1'))
        >>> pool.shutdown()
    """

    def __init__(self, n_workers: int, *, devices: Sequence[str] = ()) -> None:
        check_int("ProcessPool()", "n_workers", n_workers, minimum=1, maximum=MAX_WORKERS)
        check_items("ProcessPool()", "devices", devices, "a list of device ids, such as ['0', '1']")
        self.n_workers = n_workers
        self.devices = tuple(str(device) for device in devices)
        context = multiprocessing.get_context("spawn")
        if self.devices:
            counter = context.Value("i", 0)
            super().__init__(
                n_workers,
                mp_context=context,
                initializer=_take_device,
                initargs=(self.devices, counter),
            )
        else:
            super().__init__(n_workers, mp_context=context)

    def renewed(self) -> ProcessPool:
        """A new pool like this one (after a dead worker broke this one)."""
        return ProcessPool(self.n_workers, devices=self.devices)


def _is_client(executor: object) -> bool:
    kind = type(executor)
    return kind.__module__.startswith("distributed") and kind.__name__ == "Client"


def _distributed(operation: str, argument: str, value: object) -> Any:
    try:
        return importlib.import_module("distributed")
    except ImportError as error:
        raise MissingDependencyError(operation, "distributed", "dask", argument, value) from error


QUEUED_AHEAD = 1
"""Trials queued ahead per Dask worker, besides the one it runs."""

SCATTER_TRIES = 3
"""How many times the payload's scatter is tried when a connection breaks on its way."""


def error_words(error: BaseException) -> str:
    """``"KilledWorker: ..."``: an error's class and message, the class alone without one."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class Workers:
    """An executor as the search loop uses it: submit, capacity, renew when broken, close.

    Attributes:
        executor: the executor trials are submitted to now.
        operation: the search, as its errors name it (``"Study.run()"``).
    """

    def __init__(
        self,
        executor: Executor,
        *,
        owned: bool,
        client: Any = None,
        close_client: bool = False,
        operation: str = "Study.run()",
    ) -> None:
        self.executor = executor
        self.operation = operation
        self._owned = owned
        self._client = client
        self._close_client = close_client
        self._capacity = (0, -1.0)  # (workers, when counted): a Dask cluster may grow
        self._scattered: tuple[bytes, Any] | None = None  # the payload, its Dask future

    def submit(self, payload: bytes, task: TrialTask) -> Future[TrialOutcome]:
        """Run ``task`` on a worker (a rerun is a new task, never merged with the first).

        On Dask the payload (backend and objective, with whatever data they hold) is
        scattered to the workers once per search, and each trial refers to it: only
        the task travels with a trial.

        Raises:
            NoWorkersError: on Dask, no worker took the payload (see :meth:`_scatter`).
        """
        return self.executor.submit(run_remote, self._shipped(payload), task)

    def _shipped(self, payload: bytes) -> Any:
        """``payload`` itself, or on Dask a future of it scattered to every worker once."""
        if self._client is None:
            return payload
        scattered = self._scattered
        if scattered is None or scattered[0] is not payload or scattered[1].status != "finished":
            # first trial, another payload, or its copies were lost with their workers
            self._scattered = scattered = (payload, self._scatter(payload))
        return scattered[1]

    def _scatter(self, payload: bytes) -> Any:
        """A Dask future of ``payload``, copied to every worker.

        The scheduler waits for a worker up to the client's timeout (Dask's
        ``distributed.comm.timeouts.connect``, or ``Client(timeout=)``). A connection
        that breaks on the way (a worker dying as it receives the payload) is
        retried, :data:`SCATTER_TRIES` tries in all.

        Raises:
            NoWorkersError: no worker came within the timeout, or every try broke.
        """
        client, started, problem = self._client, time.monotonic(), ""
        for _ in range(SCATTER_TRIES):
            try:
                return client.scatter(payload, broadcast=True, hash=False)
            except OSError as error:  # Dask's comm errors are OSErrors, its timeouts too
                problem = error_words(error)
                if isinstance(error, TimeoutError):  # the scheduler waited the whole timeout
                    break
        waited = time.monotonic() - started
        raise NoWorkersError(self.operation, repr(client), f"{problem}, after {waited:.1f} s")

    def capacity(self) -> int:
        """How many trials to keep pending: the executor's worker count.

        On Dask, :data:`QUEUED_AHEAD` more per worker: a worker that ends a trial
        starts its next one at once instead of waiting for the coordinator's round
        trip (record, propose, claim, submit).
        """
        if self._client is None:
            workers = getattr(self.executor, "_max_workers", None)
            return workers if isinstance(workers, int) and workers > 0 else os.cpu_count() or 1
        count, when = self._capacity
        if time.monotonic() - when > 1.0:  # asking the scheduler costs a round trip
            count = max(1, sum(self._client.nthreads().values()))
            self._capacity = (count, time.monotonic())
        return count * (1 + QUEUED_AHEAD)

    def broken(self, error: BaseException) -> bool:
        """Whether ``error`` says the process pool itself is broken (a worker died)."""
        return type(error).__name__ == "BrokenProcessPool" and isinstance(
            self.executor, ProcessPoolExecutor
        )

    def renew(self) -> None:
        """Replace a process pool a dead worker broke with a fresh one like it."""
        old = self.executor
        old.shutdown(wait=False, cancel_futures=True)
        if isinstance(old, ProcessPool):
            self.executor = old.renewed()
        else:  # a plain ProcessPoolExecutor of the user's: the same settings
            settings: Any = old  # CPython's pool keeps its settings in private attributes
            self.executor = ProcessPoolExecutor(
                settings._max_workers,  # noqa: SLF001
                mp_context=settings._mp_context,  # noqa: SLF001
                initializer=settings._initializer,  # noqa: SLF001
                initargs=settings._initargs,  # noqa: SLF001
            )
        self._owned = True

    def close(self, *, cancel: bool = False) -> None:
        """Shut down what the search started (a pool, a client); leave the user's running."""
        if self._owned and isinstance(self.executor, ProcessPoolExecutor):
            self.executor.shutdown(wait=not cancel, cancel_futures=cancel)
        elif self._owned:  # a Dask ClientExecutor's shutdown takes no cancel_futures
            self.executor.shutdown(wait=not cancel)
        if self._close_client:
            self._client.close()


def runs_in_parallel(executor: object, n_workers: object, *, operation: str) -> bool:
    """Whether ``executor=`` and ``n_workers=`` ask for workers; checks them, starts nothing.

    A tuner or other front end that takes ``executor=`` and ``n_workers=`` and
    hands them to :meth:`spacealg.Study.run` calls this where it receives them,
    so that a bad value fails there, not later in the search. Nothing given, or
    ``n_workers=1``, means trials run in the search's own process.

    Args:
        executor: None, a :class:`concurrent.futures.Executor`, a
            ``dask.distributed.Client`` or a Dask scheduler address.
        n_workers: None or how many local worker processes.
        operation: the caller, as error messages name it (``"Tuner()"``).

    Returns:
        True when trials would run on workers, False when in-process.

    Raises:
        InvalidArgumentError: ``n_workers`` is not a positive int, or is given with ``executor``.
        ArgumentTypeError: ``executor`` is not an Executor, a Client or an address.
        MissingDependencyError: a Dask address without ``dask.distributed`` installed.

    Examples:
        >>> runs_in_parallel(None, None, operation="Tuner()")
        False
        >>> runs_in_parallel(None, 1, operation="Tuner()")
        False
        >>> runs_in_parallel(None, 2, operation="Tuner()")
        True
    """
    if n_workers is not None:
        check_int(operation, "n_workers", n_workers, minimum=1, optional=True)
        if executor is not None:
            raise InvalidArgumentError(
                operation,
                "",
                "n_workers",
                n_workers,
                "None when executor= is given (the executor's worker count is used)",
            )
        return n_workers != 1
    if executor is None or isinstance(executor, Executor) or _is_client(executor):
        return executor is not None
    if isinstance(executor, str) and _ADDRESS.match(executor):
        _distributed(operation, "executor", executor)
        return True
    raise ArgumentTypeError(operation, "", "executor", executor, _EXECUTOR_WORDS)


def workers(executor: object, n_workers: object, operation: str) -> Workers | None:
    """The workers ``executor=`` and ``n_workers=`` ask for, or None for in-process trials.

    Raises:
        InvalidArgumentError: as :func:`runs_in_parallel`, or the scheduler at an address
            cannot be reached.
        ArgumentTypeError: as :func:`runs_in_parallel`.
        MissingDependencyError: as :func:`runs_in_parallel`.
    """
    if not runs_in_parallel(executor, n_workers, operation=operation):
        return None
    if isinstance(n_workers, int):
        return Workers(ProcessPool(n_workers), owned=True, operation=operation)
    if isinstance(executor, Executor):
        client = getattr(executor, "_client", None)  # a Dask ClientExecutor counts its workers
        dask = client if _is_client(client) else None
        return Workers(executor, owned=False, client=dask, operation=operation)
    if _is_client(executor):
        given: Any = executor
        own = given.get_executor(pure=False)
        return Workers(own, owned=True, client=given, operation=operation)
    distributed = _distributed(operation, "executor", executor)
    try:
        client = distributed.Client(executor, set_as_default=False)  # Dask's connect timeout
    except (OSError, TimeoutError) as error:
        raise InvalidArgumentError(
            operation, "", "executor", executor, f"a reachable Dask scheduler ({error})"
        ) from error
    own = client.get_executor(pure=False)
    return Workers(own, owned=True, client=client, close_client=True, operation=operation)


def dumps(value: object) -> bytes:
    """``value`` serialized with cloudpickle when installed, else with :mod:`pickle`."""
    try:
        cloudpickle: Any = importlib.import_module("cloudpickle")
    except ImportError:
        return pickle.dumps(value)
    return cloudpickle.dumps(value)  # type: ignore[no-any-return]


def serialized(value: object, operation: str, argument: str, shown: object) -> bytes:
    """``value`` serialized for the workers, checked once before any trial starts.

    Raises:
        NotSerializableError: it cannot be serialized (``shown`` is what the user passed).
    """
    try:
        return dumps(value)
    except Exception as error:  # pickling raises many kinds (TypeError, PicklingError, ...)
        problem = f"{type(error).__name__}: {error}"
        raise NotSerializableError(operation, argument, repr(shown), problem) from error
