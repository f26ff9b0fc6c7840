"""The backend contract: the test suite every spacealg backend passes.

Subclass :class:`BackendContract` in a test module, under a name pytest collects
(``Test...``), and implement its hooks; each ``test_*`` method is one check, run
by pytest with its ``tmp_path`` fixture. The suite wraps the backend, runs real
searches with :class:`~spacealg.Study` on a real store, and compares what the
backend received, reported and returned with what the store recorded.

The module imports neither pytest nor hypothesis: a check that needs a hook the
subclass leaves out raises :class:`unittest.SkipTest`, which pytest reports as
skipped. A failed check raises :class:`AssertionError` with a message that says
which trial broke which rule.
"""

from __future__ import annotations

import unittest
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from spacealg._algebra.resolve import TrialSpace, resolve
from spacealg._running.backend_protocol import Backend
from spacealg._running.load import load
from spacealg._running.study import Study
from spacealg._search.objective import Objective
from spacealg._search.trials import SearchResult, TrialRecord, TrialState
from spacealg._space.sampling import cardinality, contains
from spacealg._space.space import Space
from spacealg._testing.backend_probe import (
    Probe,
    close,
    expect,
    expected_metrics,
    reported_metrics,
    same_metrics,
    typed,
)
from spacealg.errors import TooManyFailedTrialsError

_PROJECT = "contract"
_STORE_FILES = ("trials.db", "trials.db-wal", "trials.db-shm", "trials.db-journal")


def _pinning(space: Space) -> tuple[TrialSpace, str | None]:
    """A trial space of ``space`` that pins one entry at its default, and that entry's name.

    The entry pinned is the last one that has no conditions and that no other
    entry depends on; with none such, or a single entry, nothing is pinned.
    """
    parents = {c.parent for name in space for c in space[name].conditions}
    free = [name for name in space if not space[name].conditions and name not in parents]
    if len(space) < 2 or not free:
        return resolve(space), None
    pinned = free[-1]
    return resolve(space, space.drop(pinned), tune_new_entries=False), pinned


class BackendContract:
    """The checks every backend passes; subclass it and implement the hooks.

    Required hooks: :meth:`make_backend` and :meth:`space`. The code the backend
    runs (the user's function, a model's build function) must call
    :meth:`record_values` with the values it receives, so the suite can tell
    that the backend passes each trial's values on. Optional hooks:
    :meth:`objective` (``score``, minimised, unless overridden),
    :meth:`failing_backend` and :meth:`skipping_backend` (their checks are
    skipped when they return None).

    Class attributes tune the suite: ``max_trials`` (trials per search, 3),
    ``seed`` (the searches' seed), ``reports_steps`` (True when every trial
    reports per-step metrics through :meth:`Trial.report`, as a Keras backend
    reports each epoch) and ``deterministic`` (False when the same seed may give
    different metrics, say on a GPU).

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from spacealg.backend import load_backend
        >>> FunctionBackend = load_backend("function")
        >>> class TestSquare(BackendContract):
        ...     def make_backend(self):
        ...         def square(values):
        ...             self.record_values(values)
        ...             return (values["x"] - 1) ** 2
        ...         return FunctionBackend(square)
        ...     def space(self):
        ...         return Space([Int("x", min_value=0, max_value=9)])
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     TestSquare().test_values_reach_the_backend(Path(directory))
    """

    max_trials: ClassVar[int] = 3
    seed: ClassVar[int] = 1234
    reports_steps: ClassVar[bool] = False
    deterministic: ClassVar[bool] = True

    # -- hooks ------------------------------------------------------------------

    def make_backend(self) -> Backend:
        """A fresh backend whose trials optimise :meth:`objective` over :meth:`space`."""
        raise NotImplementedError(f"{type(self).__name__} must implement make_backend()")

    def space(self) -> Space:
        """The space the backend's trials take their values from (at least 2 configurations)."""
        raise NotImplementedError(f"{type(self).__name__} must implement space()")

    def objective(self) -> Objective:
        """The metric the backend's trials report and the search optimises."""
        return Objective("score", "min")

    def failing_backend(self) -> Backend | None:
        """A backend whose every trial raises an exception (None: skip that check)."""
        return None

    def skipping_backend(self) -> Backend | None:
        """A backend whose every trial raises :class:`spacealg.SkipTrial` (None: skip)."""
        return None

    def record_values(self, values: Mapping[str, Any]) -> None:
        """Call from the code the backend runs, with the values that code received."""
        self._recorded().append(dict(values))

    # -- machinery ------------------------------------------------------------

    def _recorded(self) -> list[dict[str, Any]]:
        recorded: list[dict[str, Any]] = vars(self).setdefault("_contract_recorded", [])
        return recorded

    def _probe(self, backend: Backend | None = None, **options: Any) -> Probe:
        return Probe(
            self.make_backend() if backend is None else backend, self._recorded(), **options
        )

    def _study(self, directory: Path, probe: Probe, **options: Any) -> Study:
        options.setdefault("trial_space", resolve(self.space()))
        options.setdefault("seed", self.seed)
        return Study(
            backend=probe,
            objective=self.objective(),
            directory=directory,
            project_name=_PROJECT,
            **options,
        )

    def _count(self, trial_space: TrialSpace, max_trials: int) -> int:
        """How many trials a search of ``max_trials`` runs on ``trial_space``."""
        size = cardinality(trial_space.tuned)
        return max_trials if size is None else min(size, max_trials)

    def _search(
        self, directory: Path, *, max_trials: int | None = None, **options: Any
    ) -> tuple[SearchResult, Probe]:
        probe = self._probe()
        study = self._study(directory, probe, **options)
        result = study.run(self.max_trials if max_trials is None else max_trials, verbose=0)
        self._all_completed(result.trials)
        return result, probe

    def _all_completed(self, trials: Iterable[TrialRecord]) -> None:
        for trial in trials:
            expect(
                trial.state is TrialState.COMPLETED,
                f"trial {trial.trial_id} ended {trial.state.value}, not COMPLETED:\n{trial.error}",
            )

    # -- the checks -------------------------------------------------------------

    def test_completes_trials(self, tmp_path: Path) -> None:
        """A search runs ``max_trials`` trials, each COMPLETED with a score."""
        result, probe = self._search(tmp_path)
        expected = self._count(resolve(self.space()), self.max_trials)
        expect(
            [t.trial_id for t in result.trials] == list(range(expected)),
            f"expected trials 0 to {expected - 1}, the store holds "
            f"{[t.trial_id for t in result.trials]}",
        )
        expect(
            [c.trial.trial_id for c in probe.calls] == list(range(expected)),
            "each trial runs once, in order",
        )
        name = self.objective().name
        for trial in result.trials:
            expect(
                isinstance(trial.score, float) and trial.score == trial.score,
                f"trial {trial.trial_id} has score {trial.score!r}; expected a number",
            )
            expect(name in trial.metrics, f"trial {trial.trial_id} recorded no {name!r}")
        expect(result.best_trial is not None, "a search of completed trials has a best trial")

    def test_values_reach_the_backend(self, tmp_path: Path) -> None:
        """The code run receives each trial's recorded values, pinned defaults included."""
        space = self.space()
        trial_space, pinned = _pinning(space)
        result, probe = self._search(tmp_path, trial_space=trial_space)
        records = {trial.trial_id: trial for trial in result.trials}
        for call in probe.calls:
            record = records[call.trial.trial_id]
            where = f"trial {record.trial_id}"
            expect(
                typed(call.trial.values) == typed(record.values),
                f"{where} was given {call.trial.values} but recorded {record.values}",
            )
            expect(contains(space, record.values), f"{where}: {record.values} is not in the space")
            if pinned is not None:
                expect(
                    typed({pinned: record.values.get(pinned)})
                    == typed({pinned: trial_space.pinned[pinned]}),
                    f"{where}: the pinned {pinned!r} should be {trial_space.pinned[pinned]!r} "
                    f"in {record.values}",
                )
            expect(
                call.recorded,
                f"{where}: the code the backend ran never called record_values(); "
                "call it with the values that code receives",
            )
            for seen in call.recorded:
                expect(
                    typed(seen) == typed(record.values),
                    f"{where} ran with {seen}, but the store records {dict(record.values)}",
                )

    def test_metrics_are_stored_per_step(self, tmp_path: Path) -> None:
        """Reported metrics are stored per step; the score is the best step's objective."""
        result, probe = self._search(tmp_path)
        objective = self.objective()
        calls = probe.by_trial()
        for trial in result.trials:
            (call,) = calls[trial.trial_id]
            if self.reports_steps:
                expect(call.reports, f"trial {trial.trial_id} reported no step")
            expected = expected_metrics([call])
            self._same_metrics(trial, expected)
            best = objective.best_of(list(trial.metrics[objective.name]))
            expect(
                best == (trial.best_step, trial.score),
                f"trial {trial.trial_id}: score {trial.score!r} at step {trial.best_step!r}, "
                f"but the best {objective.name!r} is {best}",
            )

    def _same_metrics(self, trial: TrialRecord, expected: Mapping[str, list[float]]) -> None:
        stored = {name: list(steps) for name, steps in trial.metrics.items()}
        expect(
            same_metrics(stored, expected),
            f"trial {trial.trial_id} stored {stored}; the backend reported {expected}",
        )

    def test_outcome_is_recorded(self, tmp_path: Path) -> None:
        """A float outcome is the metric ``score``; a mapping's metrics are each recorded."""
        result, probe = self._search(tmp_path)
        records = {trial.trial_id: trial for trial in result.trials}
        for call in probe.calls:
            trial, outcome = records[call.trial.trial_id], call.outcome
            reported_metrics(call)
            if outcome is None:
                expect(call.reports, f"trial {trial.trial_id} returned None and reported nothing")
                continue
            returned = outcome if isinstance(outcome, Mapping) else {"score": outcome}
            for name, value in returned.items():
                stored = trial.metrics.get(name, ())
                expect(
                    stored and close(stored[-1], float(value)),
                    f"trial {trial.trial_id} returned {name}={value!r}; the store has {stored}",
                )

    def test_failures_are_recorded(self, tmp_path: Path) -> None:
        """A trial that raises is FAILED with its traceback; the streak limit stops the search."""
        backend = self.failing_backend()
        if backend is None:
            raise unittest.SkipTest("failing_backend() returns None")
        size = cardinality(resolve(self.space()).tuned)
        limit = 2 if size is None or size >= 2 else 1
        probe = self._probe(backend)
        study = self._study(tmp_path, probe, max_consecutive_failed_trials=limit)
        stopped: TooManyFailedTrialsError | None = None
        try:
            study.run(limit + 3, verbose=0)
        except TooManyFailedTrialsError as error:
            stopped = error
        result = load(tmp_path, _PROJECT)
        for trial in result.trials:
            expect(
                trial.state is TrialState.FAILED
                and "Traceback (most recent call last)" in (trial.error or ""),
                f"trial {trial.trial_id} is {trial.state.value} with error {trial.error!r}; "
                "expected FAILED with a traceback (did the backend swallow the exception?)",
            )
        expect(
            stopped is not None,
            f"{limit} failed trials in a row should stop the search with TooManyFailedTrialsError",
        )
        assert stopped is not None  # for mypy; checked just above
        expect(stopped.limit == limit, f"the error quotes limit {stopped.limit}, not {limit}")
        expect("Traceback" in str(stopped), "the error quotes the last traceback")
        expect(len(result.trials) == limit, f"expected {limit} trials, got {len(result.trials)}")
        expect(result.best_trial is None, "a failed trial is never the best one")
        expect(len(probe.calls) == limit, "each failed trial runs once")

    def test_skip_trial_is_invalid(self, tmp_path: Path) -> None:
        """A trial that raises SkipTrial is INVALID and does not count as a failure."""
        backend = self.skipping_backend()
        if backend is None:
            raise unittest.SkipTest("skipping_backend() returns None")
        probe = self._probe(backend)
        study = self._study(tmp_path, probe, max_consecutive_failed_trials=1)
        try:
            result = study.run(self.max_trials, verbose=0)
        except TooManyFailedTrialsError as error:
            raise AssertionError(
                f"a skipped trial counted as a failure; was SkipTrial wrapped?\n{error}"
            ) from error
        expect(result.trials, "the search ran no trial")
        for trial in result.trials:
            expect(
                trial.state is TrialState.INVALID
                and (trial.error or "").startswith("skipped")
                and trial.score is None,
                f"trial {trial.trial_id} is {trial.state.value} with error {trial.error!r}; "
                "expected INVALID, 'skipped', no score",
            )

    def test_same_seed_same_trials(self, tmp_path: Path) -> None:
        """The same seed gives the same values and trial seeds (and metrics, if deterministic)."""
        first, first_probe = self._search(tmp_path / "first")
        second, second_probe = self._search(tmp_path / "second")
        runs = []
        for probe in (first_probe, second_probe):
            runs.append(
                [
                    (c.trial.trial_id, c.trial.execution, c.trial.seed, typed(c.trial.values))
                    for c in probe.calls
                ]
            )
            for call in probe.calls:
                expect(
                    isinstance(call.trial.seed, int),
                    f"trial seed {call.trial.seed!r} is not an int",
                )
        expect(runs[0] == runs[1], f"two searches with one seed differ:\n{runs[0]}\n{runs[1]}")
        if self.deterministic:
            for a, b in zip(first.trials, second.trials, strict=True):
                expect(
                    same_metrics(a.metrics, b.metrics),
                    f"two searches with one seed recorded different metrics for trial "
                    f"{a.trial_id}: {dict(a.metrics)} and {dict(b.metrics)} (set "
                    "deterministic = False if the backend cannot repeat a trial exactly)",
                )

    def test_executions_per_trial(self, tmp_path: Path) -> None:
        """Each trial runs ``executions_per_trial`` times (0, 1); metrics are averaged."""
        result, probe = self._search(tmp_path, executions_per_trial=2)
        calls = probe.by_trial()
        for trial in result.trials:
            runs = calls[trial.trial_id]
            expect(
                [call.trial.execution for call in runs] == [0, 1],
                f"trial {trial.trial_id} ran executions "
                f"{[call.trial.execution for call in runs]}, expected [0, 1]",
            )
            a, b = (call.trial for call in runs)
            expect(
                (a.directory, typed(a.values)) == (b.directory, typed(b.values)),
                f"the executions of trial {trial.trial_id} differ in directory or values",
            )
            self._same_metrics(trial, expected_metrics(runs))

    def test_trial_directory(self, tmp_path: Path) -> None:
        """Each trial has its own directory inside the project; artifacts stay in it."""
        _, probe = self._search(tmp_path)
        project = (tmp_path / _PROJECT).resolve()
        directories: dict[int, Path] = {}
        for call in probe.calls:
            directory = Path(call.trial.directory).resolve()
            expect(
                directory != project and directory.is_relative_to(project),
                f"trial {call.trial.trial_id}'s directory {directory} is not inside {project}",
            )
            directories.setdefault(call.trial.trial_id, directory)
        expect(
            len(set(directories.values())) == len(directories),
            f"trials share a directory: {directories}",
        )
        outside = sorted(p.name for p in tmp_path.iterdir() if p.name != _PROJECT)
        expect(not outside, f"the backend wrote {outside} outside the project directory")
        for path in project.rglob("*"):
            if path.is_dir():
                continue
            is_store = path.parent == project and path.name in _STORE_FILES
            in_trial = any(path.is_relative_to(d) for d in directories.values())
            expect(is_store or in_trial, f"{path} lies outside every trial's directory")

    def test_resume_does_not_rerun_completed_trials(self, tmp_path: Path) -> None:
        """A resumed search keeps completed trials and runs only new ones."""
        total = self._count(resolve(self.space()), self.max_trials)
        first = max(1, total - 1)
        before, _ = self._search(tmp_path, max_trials=first)
        again, probe = self._search(tmp_path, max_trials=first)
        expect(not probe.calls, f"resuming with max_trials={first} reran {len(probe.calls)}")
        expect(again.trials == before.trials, "resuming changed the recorded trials")
        after, probe = self._search(tmp_path, max_trials=total)
        expect(
            [c.trial.trial_id for c in probe.calls] == list(range(first, total)),
            f"resuming to max_trials={total} ran trials {[c.trial.trial_id for c in probe.calls]}",
        )
        expect(after.trials[:first] == before.trials, "resuming changed the completed trials")

    def test_interrupted_trial_reruns(self, tmp_path: Path) -> None:
        """A Ctrl-C leaves the trial to rerun with the same values, seed and directory."""
        probe = self._probe(interrupt_after=1)
        try:
            self._study(tmp_path, probe).run(self.max_trials, verbose=0)
        except KeyboardInterrupt:
            pass
        else:
            raise AssertionError("the KeyboardInterrupt did not reach the caller")
        (interrupted,) = probe.calls
        (left,) = load(tmp_path, _PROJECT).trials
        expect(left.state is TrialState.RUNNING, f"the interrupted trial is {left.state.value}")
        result, rerun = self._search(tmp_path)
        again = rerun.calls[0].trial
        expect(
            (again.trial_id, again.seed, again.directory, typed(again.values))
            == (
                interrupted.trial.trial_id,
                interrupted.trial.seed,
                interrupted.trial.directory,
                typed(interrupted.trial.values),
            ),
            "the rerun differs from the interrupted trial in id, seed, directory or values",
        )
        expect(
            len(result.trials) == self._count(resolve(self.space()), self.max_trials),
            "the resumed search did not finish",
        )
