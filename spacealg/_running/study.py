"""The search loop: a trial space, an oracle, a backend and a store.

``Study.run`` claims trials from the store (a stale RUNNING one first, else a
new proposal), runs each on the backend, and records how it ended. The store is
the only state: a search killed at any point resumes from it, reruns the
trials it left RUNNING, and proposes exactly what an uninterrupted one would.
With ``executor=`` or ``n_workers=`` the trials run on workers, several at
once, while this process alone proposes, claims and records
(:mod:`spacealg._running.parallel`).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, TextIO

import attrs

from spacealg._algebra.resolve import TrialSpace
from spacealg._running.backend_protocol import Backend
from spacealg._running.coordinator import Coordinator, printer
from spacealg._running.executors import serialized, workers
from spacealg._running.joined_entries import space_change, space_json, with_defaults, with_joined
from spacealg._running.parallel import run_on
from spacealg._search.objective import Objective
from spacealg._search.oracle import Observation, Oracle, check_oracle
from spacealg._search.oracle_helpers import common_prefix
from spacealg._search.random_search import RandomSearchOracle
from spacealg._search.trials import Proposal, SearchResult, TrialState
from spacealg._space.kinds import Hyperparameter
from spacealg._space.sampling import cardinality, grid
from spacealg._space.validation import (
    a_name,
    check_bool,
    check_int,
    check_path,
    int_at_least,
    real_within,
)
from spacealg._space.values import Values
from spacealg._store.rows import StudyRecord
from spacealg._store.trial_store import TrialStore
from spacealg.errors import InvalidArgumentError, StoreError


def _oracle(instance: object, attribute: attrs.Attribute[Oracle], value: Oracle) -> None:
    check_oracle(value, "Study()")


def _seed(instance: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    # The store keeps the seed in an SQLite INTEGER; numpy wants it non-negative.
    if value is not None and (
        not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63
    ):
        raise InvalidArgumentError(
            "Study()", "", "seed", value, "None or an int with 0 <= seed < 2**63"
        )


def _as_path(value: object) -> Path:
    check_path("Study()", "directory", value)
    return Path(value)  # type: ignore[arg-type]  # checked just above


@attrs.frozen
class Study:
    """A search: what to tune, how to propose, what to optimise, where to record.

    Attributes:
        trial_space: the resolved trial space (see :func:`spacealg.resolve`).
        backend: runs one trial (see :mod:`spacealg.backend`).
        objective: the metric to optimise.
        oracle: proposes values (random search unless given); it must declare the
            :class:`~spacealg.oracles.Oracle` contract.
        directory: where the project's folder lives.
        project_name: the project's folder; the store is ``trials.db`` in it.
        seed: the search's seed; None draws one (or reuses the stored one).
        executions_per_trial: how many times each trial runs; metrics are averaged.
        max_consecutive_failed_trials: failures in a row (this run) that stop the search.
        max_retries_per_trial: how many times a trial that raises is run again, each
            time with fresh seeds (recorded in the trial's ``meta``), before it is
            recorded FAILED; a :class:`~spacealg.errors.FailedTrialError` fails it at
            once and a :class:`~spacealg.errors.FatalError` stops the search.
        heartbeat_timeout: seconds after which a silent trial of another host is stale.
    """

    trial_space: TrialSpace
    backend: Backend
    objective: Objective
    oracle: Oracle = attrs.field(factory=RandomSearchOracle, validator=_oracle)
    directory: Path = attrs.field(default=Path("."), converter=_as_path)
    project_name: str = attrs.field(default="untitled_project", validator=a_name)
    seed: int | None = attrs.field(default=None, validator=_seed)
    executions_per_trial: int = attrs.field(default=1, validator=int_at_least(1))
    max_consecutive_failed_trials: int = attrs.field(default=3, validator=int_at_least(1))
    max_retries_per_trial: int = attrs.field(default=0, validator=int_at_least(0))
    heartbeat_timeout: float = attrs.field(default=60.0, validator=real_within(above=0))

    @property
    def store_path(self) -> Path:
        """``<directory>/<project_name>/trials.db``."""
        return TrialStore.location(self.directory, self.project_name)

    def current_trial_space(self) -> TrialSpace:
        """The trial space plus the entries that joined during the stored trials.

        Examples:
            >>> from spacealg.backend import load_backend
            >>> study = Study(resolve(Space([Boolean("dropout")])),
            ...               load_backend("function")(lambda values: 0.0),
            ...               Objective("score", "min"), project_name="no_search_here")
            >>> study.current_trial_space() == study.trial_space  # no store yet
            True
        """
        try:
            found = self.store_path.exists()
        except OSError as error:  # a name too long
            raise StoreError(
                "Study.current_trial_space()",
                str(self.store_path),
                f"cannot be read: {error.strerror}",
            ) from error
        if not found:
            return self.trial_space
        store = TrialStore.open_readonly(self.store_path)
        try:
            return with_joined(self.trial_space, store)
        finally:
            store.close()

    def run(
        self,
        max_trials: int | None,
        *,
        overwrite: bool = False,
        verbose: int = 1,
        out: TextIO | None = None,
        executor: Executor | str | Any = None,
        n_workers: int | None = None,
    ) -> SearchResult:
        """Run trials until the store holds ``max_trials`` or the space is exhausted.

        ``max_trials`` counts every trial in the store, as in KerasTuner: resuming
        with the same value runs nothing new, a larger one runs the difference.
        A resumed search keeps its objective: the stored trials' scores are the
        stored objective's, so another objective is refused before anything is
        written, as Optuna refuses to change a study's direction.

        Trials run in this process unless ``n_workers=k`` (a local pool of ``k``
        spawned processes) or ``executor=`` (a ``concurrent.futures.Executor``, a
        ``dask.distributed.Client`` or a scheduler address) is given; then as many
        trials as the executor has workers run at once, and this process alone
        proposes, claims and records them (see the "Going parallel" guide).

        Raises:
            InvalidArgumentError: ``max_trials`` is None on a continuous space;
                ``n_workers`` is not a positive int or comes with ``executor``; the
                store holds trials scored by another objective (the store is left
                as it was; ``overwrite=True`` starts a new search).
            ContinuousSpaceError: the oracle needs a finite space (grid search) and
                the trial space has continuous entries.
            ArgumentTypeError: ``executor`` is not an Executor, a Client or an address.
            NotSerializableError: the backend cannot be sent to the executor's workers.
            NoWorkersError: a Dask cluster had no worker for the search's data within
                the client's timeout; the pending trials are given back to the store.
            MissingDependencyError: a Dask address without ``spacealg[dask]`` installed.
            TooManyFailedTrialsError: ``max_consecutive_failed_trials`` failed in a row.
            FatalError: a trial raised one (any of its kinds); that trial is given
                back to the store unrecorded and the next run reruns it.
            StoreError: the store path holds something that is not a spacealg store.
        """
        operation = "Study.run()"
        check_int(operation, "max_trials", max_trials, minimum=1, optional=True)
        check_bool(operation, "overwrite", overwrite)
        check_int(operation, "verbose", verbose, minimum=0)
        if self.oracle.needs_finite_space:
            grid(self.trial_space.tuned)  # a continuous space raises here, before the store opens
        ends = self.oracle.finite_schedule
        if max_trials is None and not ends and cardinality(self.trial_space.tuned) is None:
            raise InvalidArgumentError(
                operation, "", "max_trials", None, "an int for a space with continuous entries"
            )
        if not overwrite:
            self._check_objective(operation)
        pool = workers(executor, n_workers, operation)
        interrupted = True  # an error or a Ctrl-C cancels what is still queued
        try:
            payload = b""
            if pool is not None:  # serialized once: a failure shows before any trial starts
                backend = self.backend
                payload = serialized((backend, self.objective), operation, "backend", backend)
            result = self._run(max_trials, overwrite, verbose, out, pool, payload)
            interrupted = False
            return result
        finally:
            if pool is not None:
                pool.close(cancel=interrupted)

    def _check_objective(self, operation: str) -> None:
        """Refuse to resume a study whose trials another objective scored.

        A stored trial's score is its best value of the stored objective's metric:
        read under another objective it would rank the trials wrongly. The check
        reads the store without writing to it, so a refused run leaves it as it was.
        """
        peeked = TrialStore.peek_study(self.store_path)
        if peeked is None:
            return
        stored, count = peeked
        objective = Objective(**json.loads(stored.objective))
        if count and objective != self.objective:
            raise InvalidArgumentError(
                operation,
                "",
                "objective",
                self.objective,
                f"the stored study's {objective!r}, which scored its {count} "
                f"trial{'' if count == 1 else 's'}; "
                "overwrite=True or another project_name starts a new search",
            )

    def _run(
        self,
        max_trials: int | None,
        overwrite: bool,
        verbose: int,
        out: TextIO | None,
        pool: Any,
        payload: bytes,
    ) -> SearchResult:
        say, progress = printer(verbose, out, max_trials)
        store = TrialStore.open(self.store_path, overwrite=overwrite)
        try:
            seed = self._begin(store, say)
            observed = _Observed()
            coordinator = Coordinator(
                store,
                self.trial_space,
                lambda space: self._propose(seed, space, store, observed),
                self.objective,
                seed=seed,
                executions=self.executions_per_trial,
                max_trials=max_trials,
                max_failures=self.max_consecutive_failed_trials,
                heartbeat_timeout=self.heartbeat_timeout,
                say=say,
                verbose=verbose,
                progress=progress,
                # Workers elsewhere may run in another folder: the project's, absolute.
                directory=self.store_path.parent.resolve() if pool else self.store_path.parent,
                retries=self.max_retries_per_trial,
            )
            try:
                if pool is None:
                    coordinator.run_here(self.backend)
                else:
                    run_on(pool, payload, coordinator)
                return coordinator.result()
            finally:
                coordinator.close()
        finally:
            store.close()

    def _begin(self, store: TrialStore, say: Any) -> int:
        stored = store.study()
        seed = self.seed
        if seed is None:
            seed = stored.seed if stored is not None else secrets.randbelow(2**63)
        elif stored is not None and stored.seed != seed:
            say(f"Using seed {seed}; the stored study was started with seed {stored.seed}.")
        space = space_json(self.trial_space)
        joined = {entry["name"] for _, entry in store.joined()}
        if stored is not None and (change := space_change(stored.trial_space, space, joined)):
            say(change)
        store.record_study(
            StudyRecord(
                trial_space=space,
                objective=json.dumps(attrs.asdict(self.objective)),
                oracle=json.dumps({"name": self.oracle.name, **self.oracle.settings()}),
                seed=seed,
            )
        )
        return seed

    def _propose(self, seed: int, space: TrialSpace, store: TrialStore, observed: _Observed) -> Any:
        """The claim's proposal function; pending trials are RUNNING in ``tried`` and history."""
        tuned = space.tuned
        joined = [hp for hp in tuned.dependency_order() if hp.name in space.joined]
        learns = self.oracle.uses_history

        def propose(tried: list[Values]) -> tuple[Values, Values, Mapping[str, int]] | None:
            if joined:  # trials run before an entry joined ran it at its default
                tried = [with_defaults(values, joined) for values in tried]
            history = self._history(store, joined, observed) if learns else ()
            proposal = self.oracle.propose(
                tuned, tried, seed=seed, index=len(tried), history=history
            )
            if proposal is None:
                return None
            if isinstance(proposal, Proposal):
                return proposal.values, space.complete(proposal.values), proposal.meta
            return proposal, space.complete(proposal), {}

        return propose

    def _history(
        self, store: TrialStore, joined: list[Hyperparameter], observed: _Observed
    ) -> list[Observation]:
        """Every trial as a learning oracle sees it: scores oriented so lower is better.

        Trials still running (here, on other workers, or in other processes) are
        RUNNING with no score: an oracle that models scores treats them as pending.
        The observations of the trials that ended are built once (the store keeps
        their rows), so an oracle's caches see the same objects at each proposal.
        """
        rows = store.history()
        kept = common_prefix(observed.rows, rows) if not joined else 0
        sign = 1.0 if self.objective.direction == "min" else -1.0
        observations = observed.observations[:kept] + [
            Observation(
                with_defaults(values, joined) if joined else values,
                state,
                None if score is None else sign * score,
                meta=meta,
            )
            for values, state, score, meta in rows[kept:]
        ]
        observed.rows, observed.observations = rows, observations
        return observations


class _Observed:
    """The store's history rows last read in a run, and the observations built from them."""

    def __init__(self) -> None:
        self.rows: list[tuple[Values, TrialState, float | None, dict[str, int]]] = []
        self.observations: list[Observation] = []
