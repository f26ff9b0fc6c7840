"""The backend contract, for plugin authors: everything a backend needs, by public name.

A backend runs one trial: it receives the trial's values, may report per-step
metrics, and returns its final metrics. The search loop does everything else
(proposing, recording, resuming). Backends are found through the
``spacealg.backends`` entry-point group, read lazily, so the core never imports
a framework::

    [project.entry-points."spacealg.backends"]
    keras = "spacealg_keras:KerasBackend"

A backend written outside spacealg imports from here (and from
:mod:`spacealg.oracles` and :mod:`spacealg`) only; ``tests/test_plugin_boundary.py``
checks that the backends in spacealg's repository do. The contract suite every
backend passes is :class:`spacealg.testing.BackendContract`.

What a backend uses besides :class:`Trial` and :class:`Backend`:

* the budget keys of :attr:`Trial.meta`, where an oracle that gives each trial a
  budget (:class:`spacealg.HyperbandOracle`) puts it; ``meta`` is empty under
  the other oracles:

  * ``EPOCHS`` (``"tuner/epochs"``): train up to this many epochs;
  * ``INITIAL_EPOCH`` (``"tuner/initial_epoch"``): start counting epochs here
    (0 when absent);
  * ``CONTINUES`` (``"tuner/trial_id"``): present when the trial continues an
    earlier one's training; its value is that trial's id, whose saved weights
    to start from (see :func:`trial_directory`).

  Hyperband also records the trial's place in its schedule
  (:data:`spacealg.oracles.BRACKET`, :data:`spacealg.oracles.ROUND`), which a
  backend need not read;
* :func:`trial_directory`: where a trial's artifacts are, from the project and
  the trial id (the :attr:`Trial.directory` of its executions);
* :func:`warn_about_tailoring` and :class:`spacealg.TailoringWarning`: the
  warnings about tailorings that will not do what they seem to, which a tuner
  gives as ``minimize`` does;
* :func:`runs_in_parallel`: checks a front end's ``executor=`` and
  ``n_workers=`` where it receives them, before it hands them to
  :meth:`spacealg.Study.run`;
* :func:`quoted`: names listed as spacealg's messages list them, for a
  backend's own errors and warnings (which raise :mod:`spacealg.errors`).
"""

from __future__ import annotations

from spacealg._running.backend_protocol import (
    GROUP,
    Backend,
    Outcome,
    Trial,
    installed_backends,
    load_backend,
    trial_directory,
)
from spacealg._running.executors import runs_in_parallel
from spacealg._running.tailoring_warnings import TailoringWarning, warn_about_tailoring
from spacealg._search.hyperband import CONTINUES, EPOCHS, INITIAL_EPOCH
from spacealg.errors import quoted

__all__ = [
    "CONTINUES",
    "EPOCHS",
    "GROUP",
    "INITIAL_EPOCH",
    "Backend",
    "Outcome",
    "TailoringWarning",
    "Trial",
    "installed_backends",
    "load_backend",
    "quoted",
    "runs_in_parallel",
    "trial_directory",
    "warn_about_tailoring",
]
