"""The search loop: a trial space, an oracle, a backend and a store.

``Study.run`` claims trials from the store (a stale RUNNING one first, else a
new proposal), runs each on the backend, and records how it ended. The store is
the only state: a search killed at any point resumes from it, reruns the
trials it left RUNNING, and proposes exactly what an uninterrupted one would.
"""

from __future__ import annotations

import itertools
import json
import secrets
import sys
import time
import traceback
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, TextIO

import attrs

from ._heartbeat import Heartbeat
from ._kinds import Hyperparameter
from ._metrics import average, merge_outcome, record_step
from ._objective import Objective
from ._oracles import GridSearchOracle, Oracle, RandomSearchOracle, uses_history
from ._proposals import Observation, trial_rng
from ._resolve import TrialSpace
from ._sampling import cardinality, grid
from ._serialization import entry_from_dict, entry_to_dict, to_dict
from ._skip import SkipTrial
from ._space import Space
from ._store import ARTIFACTS, Owner, StudyRecord, TrialStore
from ._trials import Proposal, SearchResult, TrialRecord, TrialState
from ._values import Values
from .backend import Backend, Trial
from .errors import InvalidArgumentError, SpaceError, TooManyFailedTrialsError

_ENDINGS = {
    TrialState.COMPLETED: "Complete",
    TrialState.FAILED: "Failed",
    TrialState.INVALID: "Invalid",
    TrialState.RUNNING: "Running",
}


class _Progress:
    """A live progress line on a terminal: trials in the store, of how many, and the best score."""

    def __init__(self, stream: TextIO, total: int | None, width: int = 24) -> None:
        self._stream = stream
        self._total = total
        self._width = width

    def show(self, done: int, best: float | None, name: str) -> None:
        if self._total:
            filled = min(self._width, self._width * done // self._total)
            bar = f"[{'#' * filled}{'.' * (self._width - filled)}] {done}/{self._total} trials"
        else:
            bar = f"{done} trials"
        self._stream.write(f"\r{bar} | best {name}: {best!r}")
        self._stream.flush()

    def clear(self) -> None:
        self._stream.write("\r\x1b[K")


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}h {whole % 3600 // 60:02d}m {whole % 60:02d}s"


def _space_json(trial_space: TrialSpace) -> str:
    return json.dumps(
        {"tuned": to_dict(trial_space.tuned), "pinned": dict(trial_space.pinned)},
        sort_keys=True,
    )


def _space_change(stored: str, given: str, joined: Collection[str] = ()) -> str | None:
    """One line saying how the stored trial space differs from the given one.

    Names in ``joined`` (entries declared during trials) are no change, whether
    the given space holds them or not.
    """
    if stored == given:
        return None
    before = {
        hp["name"]: hp
        for hp in json.loads(stored)["tuned"]["hyperparameters"]
        if hp["name"] not in joined
    }
    after = {
        hp["name"]: hp
        for hp in json.loads(given)["tuned"]["hyperparameters"]
        if hp["name"] not in joined
    }
    parts = []
    if added := [name for name in after if name not in before]:
        parts.append("added " + ", ".join(added))
    if removed := [name for name in before if name not in after]:
        parts.append("removed " + ", ".join(removed))
    if changed := [name for name in after if name in before and after[name] != before[name]]:
        parts.append("changed " + ", ".join(changed))
    if not (added or removed) and list(before) != list(after):
        parts.append("reordered entries")
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


def _with_defaults(values: Values, entries: list[Hyperparameter]) -> Values:
    """``values`` plus the default of each entry it lacks that is active under it."""
    chosen = dict(values)
    for hp in entries:
        if hp.name not in chosen and hp.is_active(chosen):
            chosen[hp.name] = hp.default
    return values if len(chosen) == len(values) else Values(chosen)


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidArgumentError("Study()", "", attribute.name, value, "a positive int")


def _seed(instance: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    # The store keeps the seed in an SQLite INTEGER; numpy wants it non-negative.
    if value is not None and (
        not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63
    ):
        raise InvalidArgumentError(
            "Study()", "", "seed", value, "None or an int with 0 <= seed < 2**63"
        )


@attrs.frozen
class Study:
    """A search: what to tune, how to propose, what to optimise, where to record.

    Attributes:
        trial_space: the resolved trial space (see :func:`spacealg.resolve`).
        backend: runs one trial (see :mod:`spacealg.backend`).
        objective: the metric to optimise.
        oracle: proposes values (random search unless given).
        directory: where the project's folder lives.
        project_name: the project's folder; the store is ``trials.db`` in it.
        seed: the search's seed; None draws one (or reuses the stored one).
        executions_per_trial: how many times each trial runs; metrics are averaged.
        max_consecutive_failed_trials: failures in a row (this run) that stop the search.
        heartbeat_timeout: seconds after which a silent trial of another host is stale.
    """

    trial_space: TrialSpace
    backend: Backend
    objective: Objective
    oracle: Oracle = attrs.field(factory=RandomSearchOracle)
    directory: Path = attrs.field(default=Path("."), converter=Path)
    project_name: str = "untitled_project"
    seed: int | None = attrs.field(default=None, validator=_seed)
    executions_per_trial: int = attrs.field(default=1, validator=_positive)
    max_consecutive_failed_trials: int = attrs.field(default=3, validator=_positive)
    heartbeat_timeout: float = 60.0

    @property
    def store_path(self) -> Path:
        """``<directory>/<project_name>/trials.db``."""
        return TrialStore.location(self.directory, self.project_name)

    def current_trial_space(self) -> TrialSpace:
        """The trial space plus the entries that joined during the stored trials.

        Example:
            >>> from spacealg.backend import load_backend
            >>> study = Study(resolve(Space([Boolean("dropout")])),
            ...               load_backend("function")(lambda values: 0.0),
            ...               Objective("score", "min"), project_name="no_search_here")
            >>> study.current_trial_space() == study.trial_space  # no store yet
            True
        """
        if not self.store_path.exists():
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
    ) -> SearchResult:
        """Run trials until the store holds ``max_trials`` or the space is exhausted.

        ``max_trials`` counts every trial in the store, as in KerasTuner: resuming
        with the same value runs nothing new, a larger one runs the difference.

        Raises:
            InvalidArgumentError: ``max_trials`` is None on a continuous space.
            TooManyFailedTrialsError: ``max_consecutive_failed_trials`` failed in a row.
            StoreError: the store path holds something that is not a spacealg store.
        """
        if max_trials is not None and (
            not isinstance(max_trials, int) or isinstance(max_trials, bool) or max_trials < 1
        ):
            raise InvalidArgumentError(
                "Study.run()", "", "max_trials", max_trials, "a positive int, or None"
            )
        if isinstance(self.oracle, GridSearchOracle):
            grid(self.trial_space.tuned)  # a continuous space raises here, before the store opens
        finite = getattr(self.oracle, "finite", False) is True  # Hyperband's schedule ends
        if max_trials is None and not finite and cardinality(self.trial_space.tuned) is None:
            raise InvalidArgumentError(
                "Study.run()", "", "max_trials", None, "an int for a space with continuous entries"
            )
        stream = out if out is not None else sys.stdout
        progress = _Progress(stream, max_trials) if verbose and stream.isatty() else None

        def say(line: str) -> None:
            if verbose:
                if progress is not None:
                    progress.clear()
                print(line, file=stream, flush=True)

        store = TrialStore.open(self.store_path, overwrite=overwrite)
        heartbeat = Heartbeat(store.path)
        try:
            seed = self._begin(store, say)
            return self._loop(
                store,
                seed,
                max_trials,
                say,
                verbose=verbose,
                heartbeat=heartbeat,
                progress=progress,
            )
        finally:
            heartbeat.close()
            store.close()

    def _begin(self, store: TrialStore, say: Any) -> int:
        stored = store.study()
        seed = self.seed
        if seed is None:
            seed = stored.seed if stored is not None else secrets.randbelow(2**63)
        elif stored is not None and stored.seed != seed:
            say(f"Using seed {seed}; the stored study was started with seed {stored.seed}.")
        space = _space_json(self.trial_space)
        joined = {entry["name"] for _, entry in store.joined()}
        if stored is not None and (change := _space_change(stored.trial_space, space, joined)):
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

    def _propose(self, seed: int, space: TrialSpace, store: TrialStore) -> Any:
        tuned = space.tuned
        joined = [hp for hp in tuned.dependency_order() if hp.name in space.joined]
        learns = uses_history(self.oracle)

        def propose(tried: list[Values]) -> tuple[Values, Values, Mapping[str, int]] | None:
            if joined:  # trials run before an entry joined ran it at its default
                tried = [_with_defaults(values, joined) for values in tried]
            if learns:
                history = self._history(store, joined)
                learner: Any = self.oracle
                proposal = learner.propose(
                    tuned, tried, seed=seed, index=len(tried), history=history
                )
            else:
                proposal = self.oracle.propose(tuned, tried, seed=seed, index=len(tried))
            if proposal is None:
                return None
            if isinstance(proposal, Proposal):
                return proposal.values, space.complete(proposal.values), proposal.meta
            return proposal, space.complete(proposal), {}

        return propose

    def _loop(
        self,
        store: TrialStore,
        seed: int,
        max_trials: int | None,
        say: Any,
        *,
        verbose: int,
        heartbeat: Heartbeat,
        progress: _Progress | None,
    ) -> SearchResult:
        owner = Owner.current()
        started = time.monotonic()
        streak = 0
        last_error = ""
        joined = -1
        space = self.trial_space
        while True:
            if store.joined_count() != joined:  # entries joined during trials, maybe elsewhere
                joined = store.joined_count()
                space = with_joined(self.trial_space, store)
            trial = store.claim(
                self._propose(seed, space, store),
                owner,
                max_trials=max_trials,
                heartbeat_timeout=self.heartbeat_timeout,
            )
            if trial is None:
                break
            if verbose:
                say(f"\nSearch: Running Trial #{trial.trial_id + 1}")
            trial_started = time.monotonic()
            declared: dict[str, Hyperparameter] = {}
            try:
                state, score, best_step, metrics, error = self._run_trial(
                    heartbeat, owner, trial, seed, space, declared
                )
            except BaseException:
                store.release(trial.trial_id, owner)
                raise
            joins, values = self._joins(store, space, trial, declared)
            if isinstance(values, str):  # the declarations do not make a valid space
                state, score, best_step, error = TrialState.FAILED, None, None, values
                values = None
            store.finish(
                trial.trial_id,
                owner,
                state=state,
                score=score,
                best_step=best_step,
                metrics=metrics,
                error=error,
                joined=joins,
                values=values,
            )
            if state is TrialState.COMPLETED:
                streak = 0
            elif state is TrialState.FAILED or (state is TrialState.INVALID and error is None):
                streak += 1
                last_error = error or f"trial {trial.trial_id}: the score is NaN"
            if verbose:  # the report reads every trial to find the best: skip it when silent
                self._report(store, trial, state, score, trial_started, started, say, progress)
            if streak >= self.max_consecutive_failed_trials:
                raise TooManyFailedTrialsError(
                    "Study.run()", self.max_consecutive_failed_trials, last_error
                )
        if progress is not None:
            progress.clear()
        return SearchResult(store.trials(), self.objective, seed)

    def _history(self, store: TrialStore, joined: list[Hyperparameter]) -> list[Observation]:
        """Every trial as a learning oracle sees it: scores oriented so lower is better."""
        sign = 1.0 if self.objective.direction == "min" else -1.0
        return [
            Observation(
                _with_defaults(values, joined) if joined else values,
                state,
                None if score is None else sign * score,
                meta=meta,
            )
            for values, state, score, meta in store.history()
        ]

    @staticmethod
    def _joins(
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

    def _run_trial(
        self,
        heartbeat: Heartbeat,
        owner: Owner,
        trial: TrialRecord,
        seed: int,
        space: TrialSpace,
        declared: dict[str, Hyperparameter],
    ) -> tuple[TrialState, float | None, int | None, dict[str, list[float]], str | None]:
        directory = self.store_path.parent / ARTIFACTS / str(trial.trial_id)
        seeds = trial_rng(seed, trial.trial_id).integers(2**31 - 1, size=self.executions_per_trial)
        runs: list[dict[str, list[float]]] = []
        heartbeat.begin(trial.trial_id, owner)
        try:
            for execution in range(self.executions_per_trial):
                steps: dict[str, list[float]] = {}

                def report(step: int, metrics: Mapping[str, float], steps: Any = steps) -> None:
                    record_step(steps, step, metrics)

                def declare(found: Space) -> None:
                    for hp in found.hyperparameters:
                        if hp.name not in space.declared and hp.name not in declared:
                            declared[hp.name] = hp

                outcome = self.backend.run_trial(
                    Trial(
                        trial.trial_id,
                        trial.values,
                        execution,
                        int(seeds[execution]),
                        directory,
                        report,
                        space=space,
                        declarer=declare,
                        meta=trial.meta,
                    )
                )
                merge_outcome(steps, outcome)
                runs.append(steps)
        except SkipTrial as skip:
            return (
                TrialState.INVALID,
                None,
                None,
                {},
                f"skipped: {skip}" if str(skip) else "skipped",
            )
        except Exception:  # any failure of the user's code is recorded
            return TrialState.FAILED, None, None, {}, traceback.format_exc()
        finally:
            heartbeat.end()
        metrics = average(runs)
        series = metrics.get(self.objective.name)
        if series is None:
            known = ", ".join(repr(name) for name in metrics) or "none"
            error = (
                f"the objective {self.objective.name!r} is not among the trial's metrics "
                f"({known}); pass objective= naming one of them"
            )
            return TrialState.FAILED, None, None, metrics, error
        best = self.objective.best_of(series)
        if best is None:
            return TrialState.INVALID, None, None, metrics, None
        return TrialState.COMPLETED, best[1], best[0], metrics, None

    def _report(
        self,
        store: TrialStore,
        trial: TrialRecord,
        state: TrialState,
        score: float | None,
        trial_started: float,
        started: float,
        say: Any,
        progress: _Progress | None,
    ) -> None:
        name = self.objective.name
        ended = _ENDINGS[state]
        say(f"Trial {trial.trial_id + 1} {ended} [{_clock(time.monotonic() - trial_started)}]")
        if score is not None:  # as KerasTuner: no objective line without a score
            say(f"{name}: {score!r}")
        say("")
        best = SearchResult(store.trials(), self.objective).best_trial
        say(f"Best {name} So Far: {None if best is None else best.score!r}")
        say(f"Total elapsed time: {_clock(time.monotonic() - started)}")
        if progress is not None:
            progress.show(len(store.trials()), None if best is None else best.score, name)
