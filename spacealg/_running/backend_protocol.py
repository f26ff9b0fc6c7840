"""The backend protocol, for plugin authors.

A backend runs one trial: it receives the trial's values, may report
per-step metrics, and returns its final metrics. The search loop does
everything else (proposing, recording, resuming). Backends are found through
the ``spacealg.backends`` entry-point group, read lazily, so the core never
imports a framework::

    [project.entry-points."spacealg.backends"]
    keras = "spacealg_keras:KerasBackend"

A trial's outcome is a float (recorded as the metric ``score``), a mapping of
metric names to floats (recorded as one more step), or None when everything
was reported through :meth:`Trial.report`.

A backend whose hypermodel declares its hyperparameters as it runs (through a
:class:`~spacealg.HyperParameters` handle) builds the handle from
:attr:`Trial.space` and, after the trial, tells the search what the handle
declared with :meth:`Trial.declared`: names only a trial reaches join the
space (docs/semantics.md#entries-that-join-during-trials).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import attrs

from spacealg._algebra.resolve import TrialSpace, resolve
from spacealg._search.trials import trial_meta
from spacealg._space.frozen_mapping import FrozenMapping
from spacealg._space.space import Space
from spacealg._space.validation import check_int, check_name, check_path
from spacealg._space.values import Values
from spacealg._store.trial_store import artifacts_directory
from spacealg.errors import InvalidArgumentError

GROUP = "spacealg.backends"

Outcome: TypeAlias = float | Mapping[str, float] | None
"""What :meth:`Backend.run_trial` returns."""


@attrs.frozen
class Trial:
    """One execution of one trial, as a backend sees it.

    Attributes:
        trial_id: the trial's number (0-based).
        values: the values to run with (tuned values plus active pinned defaults).
        execution: which execution of the trial this is (0-based; see
            ``executions_per_trial``).
        seed: a seed derived from the study's seed, the trial id and the execution:
            the same when the trial reruns, different for each execution.
        directory: where the trial may save artifacts; the backend creates it when
            it saves something.
        space: the trial space as this trial was claimed, with the entries that
            joined during earlier trials (build a ``HyperParameters`` handle from it).
        meta: the oracle's metadata for the trial, such as Hyperband's
            ``tuner/epochs`` (the budget to train to), ``tuner/initial_epoch`` and
            ``tuner/trial_id`` (the trial whose training a promoted one continues);
            empty for most oracles.
    """

    trial_id: int
    values: Values
    execution: int
    seed: int
    directory: Path
    reporter: Callable[[int, Mapping[str, float]], None] = attrs.field(repr=False)
    space: TrialSpace = attrs.field(factory=lambda: resolve(Space()), repr=False, kw_only=True)
    declarer: Callable[[Space], None] = attrs.field(
        default=lambda space: None, repr=False, kw_only=True
    )
    meta: Mapping[str, int] = attrs.field(factory=FrozenMapping, converter=trial_meta, kw_only=True)

    def report(self, step: int, metrics: Mapping[str, float]) -> None:
        """Record the metrics of one step (an epoch, say); steps count from 0.

        A step reported again replaces the earlier report; steps skipped over are
        NaN. A negative step or a metric that is not a number fails the trial.
        """
        self.reporter(step, metrics)

    def declared(self, space: Space) -> None:
        """Tell the search what the trial's hypermodel declared (a handle's ``.space``).

        Entries of names the trial space's declared space lacks join it when the
        trial ends: they are stored with the trial, this trial records their
        defaults (the values its handle gave), and later trials tune them when new
        entries are tuned (else they stay pinned at their defaults). Calling it
        again adds to what was declared.
        """
        self.declarer(space)


class Backend(Protocol):
    """What a backend implements."""

    def run_trial(self, trial: Trial) -> Outcome:
        """Run one execution of a trial and return its outcome."""
        ...  # pragma: no cover - a protocol


def installed_backends() -> dict[str, str]:
    """The names of the installed backends and where each comes from."""
    return {point.name: point.value for point in entry_points(group=GROUP)}


def load_backend(name: str) -> Any:
    """The backend factory registered under ``name`` in the ``spacealg.backends`` group.

    Raises:
        InvalidArgumentError: no backend of that name is installed; the message
            lists the installed ones and how a plugin registers one.

    Examples:
        >>> from spacealg.backend import load_backend
        >>> load_backend("function").__name__
        'FunctionBackend'
    """
    check_name("load_backend()", "name", name)
    for point in entry_points(group=GROUP):
        if point.name == name:
            return point.load()
    installed = ", ".join(repr(n) for n in sorted(installed_backends())) or "none"
    raise InvalidArgumentError(
        "load_backend()",
        "",
        "name",
        name,
        f"an installed backend ({installed}); a plugin package adds one by registering "
        f"its backend factory under that name in the {GROUP!r} entry-point group",
    )


def trial_directory(directory: str | os.PathLike[str], project_name: str, trial_id: int) -> Path:
    """Where trial ``trial_id`` of a project keeps its artifacts: its :attr:`Trial.directory`.

    Every execution of the trial, and every rerun of it, gets this directory, so a
    backend finds what an earlier trial saved there (a checkpoint a continued
    trial starts from, the weights of a best trial) from the project and the
    trial id alone, without running the trial again.

    Args:
        directory: where the project's folder lives (a study's ``directory``).
        project_name: the project's folder (a study's ``project_name``).
        trial_id: the trial's number (0-based).

    Returns:
        ``<directory>/<project_name>/trials/<trial_id>``; it exists only once
        the backend has saved something there.

    Raises:
        InvalidArgumentError: ``trial_id`` is not an int >= 0.

    Examples:
        >>> trial_directory("runs", "mnist", 3).as_posix()
        'runs/mnist/trials/3'
    """
    check_path("trial_directory()", "directory", directory)
    check_name("trial_directory()", "project_name", project_name)
    check_int("trial_directory()", "trial_id", trial_id, minimum=0)
    return artifacts_directory(Path(directory) / project_name, trial_id)
