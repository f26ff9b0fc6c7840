"""The oracle contract: what the search loop asks of an oracle, and what an oracle sees.

An oracle sees the trial space, the values already tried (by any process, in
any state) and randomness derived only from ``(seed, trial index)``, and
returns the next values or ``None`` when the space is exhausted. So a search
resumed after a crash proposes exactly what an uninterrupted one would.

Every oracle declares four capabilities, the only things the search loop reads
of it besides ``name``, ``settings()`` and ``propose()``:

* ``uses_history``: it learns from the trials. The loop then passes
  ``history=``, one :class:`Observation` per trial in trial order (its tuned
  values, its state, its score oriented so that lower is better); other
  oracles get ``history=()``.
* ``finite_schedule``: it ends by itself after a bounded number of proposals,
  on any space (synchronous Hyperband), so ``max_trials=None`` is allowed on a
  space with continuous entries.
* ``budgeted``: each proposal is a :class:`Proposal` whose ``meta`` holds the
  trial's budget under ``"tuner/epochs"``; a function searched with it must take
  ``budget=``.
* ``needs_finite_space``: it enumerates the space (grid search), so the loop
  refuses a space with continuous entries before the search starts.

There are no defaults: an oracle that leaves one out is refused by
:func:`check_oracle` (which ``minimize``, the tuners and ``Study`` call) with an
error that names it. The suite every oracle passes is
:class:`spacealg.testing.OracleContract`.
"""

from __future__ import annotations

import inspect
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol

import attrs

from spacealg._search.trials import Proposal, TrialState, trial_meta
from spacealg._space.frozen_mapping import FrozenMapping
from spacealg._space.space import Space
from spacealg._space.values import Values
from spacealg.errors import ArgumentTypeError


@attrs.frozen
class Observation:
    """One trial as an oracle sees it.

    Attributes:
        values: the trial's tuned values.
        state: RUNNING, COMPLETED, FAILED or INVALID.
        score: the objective's score oriented so that lower is better (a maximised
            objective's score negated); None unless the trial completed.
        meta: the trial's metadata from its proposal (Hyperband's budget), else empty.

    Examples:
        >>> Observation(Values({"x": 1}), TrialState.COMPLETED, -0.9).completed
        True
    """

    values: Values
    state: TrialState
    score: float | None = None
    meta: Mapping[str, int] = attrs.field(factory=FrozenMapping, converter=trial_meta, kw_only=True)

    @property
    def completed(self) -> bool:
        """Whether the trial completed with a score."""
        return self.state is TrialState.COMPLETED and self.score is not None


class Oracle(Protocol):
    """What the search loop asks of an oracle: its capabilities, settings and proposals.

    A class attribute or a property satisfies each capability; every one must
    be a ``bool`` (see the module's notes for what each means to the loop).

    Attributes:
        name: a short name, recorded with the study (``"random"``, ``"tpe"``).
        uses_history: whether ``propose`` is given the trials' history.
        finite_schedule: whether the oracle ends by itself on any space.
        budgeted: whether each proposal carries a budget (``"tuner/epochs"``).
        needs_finite_space: whether the oracle enumerates the space (grid search).
    """

    @property
    def name(self) -> str:
        """A short name, recorded with the study."""
        ...  # pragma: no cover - a protocol

    @property
    def uses_history(self) -> bool:
        """Whether the loop passes ``history=`` (the oracle learns from the trials)."""
        ...  # pragma: no cover - a protocol

    @property
    def finite_schedule(self) -> bool:
        """Whether the oracle returns None by itself after a bounded number of proposals."""
        ...  # pragma: no cover - a protocol

    @property
    def budgeted(self) -> bool:
        """Whether each proposal is a :class:`Proposal` with a ``"tuner/epochs"`` budget."""
        ...  # pragma: no cover - a protocol

    @property
    def needs_finite_space(self) -> bool:
        """Whether the oracle enumerates the space, so a continuous one is refused up front."""
        ...  # pragma: no cover - a protocol

    def settings(self) -> dict[str, Any]:
        """The oracle's settings as JSON types, recorded with the study."""
        ...  # pragma: no cover - a protocol

    def propose(
        self,
        space: Space,
        tried: Collection[Values],
        *,
        seed: int,
        index: int,
        history: Sequence[Observation] = (),
    ) -> Values | Proposal | None:
        """The next values to try, or None when the space is exhausted.

        Args:
            space: the trial space (its tuned entries).
            tried: every configuration tried so far, in any state.
            seed: the search's seed.
            index: the trial's index (``len(tried)`` in the search loop).
            history: one :class:`Observation` per trial, in trial order, when
                the oracle declares ``uses_history``; else ``()``.
        """
        ...  # pragma: no cover - a protocol


CAPABILITIES: Mapping[str, str] = {
    "uses_history": "whether it learns from the trials' history",
    "finite_schedule": "whether it ends by itself on any space",
    "budgeted": "whether each proposal carries a budget",
    "needs_finite_space": "whether it enumerates the space",
}
"""Each capability an oracle declares, and what it says, in words."""

_CONTRACT = "see spacealg.oracles.Oracle"
_MISSING = object()


def check_oracle(oracle: object, operation: str) -> Oracle:
    """``oracle`` itself when it declares the whole :class:`Oracle` contract.

    Checks that ``propose`` (taking ``history=``) and ``settings`` are callable,
    ``name`` is a non-empty str and every capability (``uses_history``, ``finite_schedule``,
    ``budgeted``, ``needs_finite_space``) is a bool. It reads each attribute
    once, here, so the search loop can rely on them.

    Args:
        oracle: the value given as an oracle.
        operation: the call that checks it, named in the error.

    Returns:
        ``oracle``, unchanged.

    Raises:
        ArgumentTypeError: ``oracle`` lacks a method or a capability, or one has
            the wrong type; the message names the attribute.

    Examples:
        >>> class Lazy:
        ...     name = "lazy"
        ...     def settings(self): return {}
        ...     def propose(self, space, tried, *, seed, index, history=()): return None
        >>> check_oracle(Lazy(), "minimize()")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        spacealg.errors.ArgumentTypeError: minimize(): oracle=<...Lazy object at ...> is not \
valid; allowed: an oracle that declares uses_history = True or False (whether it learns from \
the trials' history); Lazy has no uses_history (see spacealg.oracles.Oracle)
    """
    kind = type(oracle).__name__

    def refuse(allowed: str) -> ArgumentTypeError:
        return ArgumentTypeError(operation, "", "oracle", oracle, allowed)

    propose = getattr(oracle, "propose", None)
    if not callable(propose):
        raise refuse("an oracle name or a value with a propose() method")
    if not _takes_history(propose):
        raise refuse(f"an oracle whose propose() takes history=; {kind}'s does not ({_CONTRACT})")
    if not callable(getattr(oracle, "settings", None)):
        raise refuse(f"an oracle with a settings() method; {kind} has none ({_CONTRACT})")
    name = getattr(oracle, "name", _MISSING)
    if not isinstance(name, str) or not name:
        found = "none" if name is _MISSING else repr(name)
        raise refuse(f"an oracle whose name is a non-empty str; {kind}'s is {found} ({_CONTRACT})")
    for capability, meaning in CAPABILITIES.items():
        value = getattr(oracle, capability, _MISSING)
        if not isinstance(value, bool):
            found = f"has no {capability}" if value is _MISSING else f"declares {value!r}"
            raise refuse(
                f"an oracle that declares {capability} = True or False ({meaning}); "
                f"{kind} {found} ({_CONTRACT})"
            )
    checked: Oracle = oracle  # type: ignore[assignment]  # checked just above
    return checked


def _takes_history(propose: Any) -> bool:
    """Whether ``propose`` can be called with ``history=``."""
    try:
        parameters = inspect.signature(propose).parameters.values()
    except (TypeError, ValueError):  # no signature to read: let the call decide
        return True
    return any(
        p.kind is inspect.Parameter.VAR_KEYWORD
        or (p.name == "history" and p.kind is not inspect.Parameter.POSITIONAL_ONLY)
        for p in parameters
    )
