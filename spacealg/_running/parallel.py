"""Trials on an executor's workers, surviving dead workers.

The search loop's process is the only coordinator: it claims a trial in the
store (which marks it RUNNING, owned by this process, with a heartbeat), submits
a :class:`~spacealg._execution.TrialTask` to the executor, and keeps as many
trials pending as the executor has workers. A worker only runs the trial's
executions: the per-step reports and the entries the trial declares are
collected on the worker and come back in its
:class:`~spacealg._execution.TrialOutcome`, which the coordinator records.

Oracles propose while trials are pending: those trials are RUNNING in the store,
so they are in ``tried`` (random and grid search never propose them again) and
in a learning oracle's history, with no score. An oracle that has nothing to
propose until a pending trial ends (synchronous Hyperband between rounds)
returns None, and the coordinator asks again once a trial has ended.

A future that raises instead of returning an outcome means the worker was lost
(the trial's own errors come back as FAILED outcomes): its process died
(``BrokenProcessPool``; the pool is replaced by a fresh one like it and every
trial pending on the broken one reruns; a pool that breaks between two
submissions refuses the next one, and is replaced before it) or a Dask worker
was killed (``KilledWorker``, a closed connection). The trial is submitted again, with
the same id, values and seeds; a trial lost twice reruns alone, so that a
trial that kills every worker it runs on is told apart from those pending
beside it, and is recorded FAILED at its :data:`MAX_LOSSES`-th loss. A Dask cluster
that has no worker for the search's data within the client's timeout stops the
search with ``NoWorkersError``, the pending trials given back. If the
coordinator itself dies, its trials stay RUNNING under a dead owner, and the
next run reruns them, as for a search in one process.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, wait

import attrs

from spacealg._running.coordinator import Coordinator
from spacealg._running.execution import TrialOutcome, TrialTask
from spacealg._running.executors import Workers, error_words
from spacealg._search.trials import TrialState
from spacealg.errors import FatalError

MAX_LOSSES = 3
"""How many times a trial may lose its worker before it is recorded FAILED."""


@attrs.frozen
class _Pending:
    """A submitted trial: its task, when it was claimed, its lost workers, its pool."""

    task: TrialTask
    started: float
    losses: int = 0
    generation: int = 0


def run_on(pool: Workers, payload: bytes, coordinator: Coordinator) -> None:
    """Run the search's trials on ``pool`` until nothing is left to claim or pending.

    ``payload`` is the serialized (backend, objective) pair. Interrupted (a
    Ctrl-C, too many failures), it cancels what is queued and gives every
    pending trial back to the store, so the next run reruns it.
    """
    trials = _Trials(pool, payload)
    try:
        exhausted = False
        while True:
            if trials.suspects and not trials.pending:
                trials.submit(trials.suspects.pop(0))
            while not trials.suspects and not exhausted and len(trials.pending) < pool.capacity():
                task = coordinator.claim()
                if task is None:
                    exhausted = True
                else:
                    trials.submit(_Pending(task, time.monotonic()))
            if not trials.pending:
                return
            trials.collect(coordinator)
            exhausted = False  # a trial ended: an oracle that was waiting may propose now
    except BaseException:
        trials.give_back(coordinator)
        raise


class _Trials:
    """The trials submitted to a pool, and those waiting to rerun alone."""

    def __init__(self, pool: Workers, payload: bytes) -> None:
        self.pool = pool
        self.payload = payload
        self.pending: dict[Future[TrialOutcome], _Pending] = {}
        self.suspects: list[_Pending] = []
        """Trials that lost their worker twice: each reruns with nothing else pending."""
        self.generation = 0
        """How many times the pool was renewed."""
        self.unsent: _Pending | None = None
        """The trial being submitted, until the executor takes it."""

    def submit(self, item: _Pending) -> None:
        """Submit ``item``, first renewing a pool a dead worker broke since the last collect."""
        self.unsent = item
        try:
            future = self.pool.submit(self.payload, item.task)
        except Exception as error:  # the pool refuses new work once it knows it is broken
            if not self.pool.broken(error):
                raise
            self._renew()
            future = self.pool.submit(self.payload, item.task)
        self.pending[future] = attrs.evolve(item, generation=self.generation)
        self.unsent = None

    def give_back(self, coordinator: Coordinator) -> None:
        """Cancel what is queued and give every claimed trial back to the store (interrupted).

        That is the pending trials, those waiting to rerun alone, and the one whose
        submission raised.
        """
        for future, item in self.pending.items():
            future.cancel()
            coordinator.release(item.task)
        unsent = [] if self.unsent is None else [self.unsent]
        for item in [*self.suspects, *unsent]:
            coordinator.release(item.task)

    def _renew(self) -> None:
        """Replace the broken pool: the trials pending on it fail, and each counts a loss."""
        self.pool.renew()
        self.generation += 1

    def collect(self, coordinator: Coordinator) -> None:
        """Wait for a trial to end; record those that ended, rerun those whose worker was lost."""
        done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
        lost: list[tuple[_Pending, Exception]] = []
        for future in sorted(done, key=lambda f: self.pending[f].task.trial.trial_id):
            item = self.pending.pop(future)
            try:
                outcome = future.result()
            except FatalError:  # the trial stops the search: give it back, as the others
                coordinator.release(item.task)
                raise
            except Exception as error:  # the worker was lost; the trial's errors are outcomes
                lost.append((item, error))
            else:
                coordinator.record(item.task, outcome, item.started)
        for item, problem in lost:
            if self.pool.broken(problem) and item.generation == self.generation:
                self._renew()
            again = _lost(coordinator, item, problem)
            if again is not None and again.losses == 1:
                self.submit(again)
            elif again is not None:
                self.suspects.append(again)


def _lost(coordinator: Coordinator, item: _Pending, error: Exception) -> _Pending | None:
    """A trial whose worker was lost, to run again; None once it is recorded FAILED.

    A dead worker breaks a whole process pool, so every trial pending on it counts
    a loss: a trial lost a second time reruns alone (no other trial pending), so
    that a third loss is its own, and it is then recorded FAILED.
    """
    trial_id = item.task.trial.trial_id
    losses = item.losses + 1
    why = error_words(error)
    if losses >= MAX_LOSSES:
        text = f"the trial's worker was lost {losses} times; the last time: {why}"
        outcome = TrialOutcome(TrialState.FAILED, None, None, {}, text)
        coordinator.record(item.task, outcome, item.started)
        return None
    coordinator.say(f"Trial {trial_id + 1} lost its worker ({why}); running it again")
    return attrs.evolve(item, losses=losses)
