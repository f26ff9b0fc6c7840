"""The backend contract, for plugin authors: everything a backend needs, by public name.

A backend runs one trial: it receives the trial's values, may report per-step
metrics, and returns its final metrics. The search loop does everything else
(proposing, recording, resuming). Backends are found through the
``spacealg.backends`` entry-point group, read lazily, so the core never imports
a framework::

    [project.entry-points."spacealg.backends"]
    keras = "spacealg_keras:KerasBackend"

A backend written outside spacealg imports from here (and from
:mod:`spacealg.oracles` and :mod:`spacealg`) only; the contract suite every
backend passes is :class:`spacealg.testing.BackendContract`.
"""

from __future__ import annotations

from spacealg._running.backend_protocol import (
    GROUP,
    Backend,
    Outcome,
    Trial,
    installed_backends,
    load_backend,
)

__all__ = ["GROUP", "Backend", "Outcome", "Trial", "installed_backends", "load_backend"]
