"""What oracles share: the tried set, per-trial randomness, exhaustion, random fallback.

An oracle's proposal is a pure function of the trial space, the history, the
search's seed and the trial index, so a resumed search proposes what an
uninterrupted one would.

Histories only grow: the search loop passes, at every proposal, the trials it
passed before (the same objects, a running one replaced once it ends) and a few
more. So what is derived from them (the tried set; the encoded observations of
:func:`encoded_history`) is kept between proposals, per thread, and extended by
the new items only: the cache compares the items it saw with those given (by
identity first, in C), recomputes from the first one that differs, and so
returns what a fresh computation would. :func:`clear_caches` empties it.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import numpy as np

from spacealg._search.encoding import BoolArray, Encoding
from spacealg._search.oracle import Observation
from spacealg._search.trials import TrialState
from spacealg._space.constraints import first_violated
from spacealg._space.counting import uniform_configuration
from spacealg._space.sampling import cardinality, contains, grid, sample
from spacealg._space.space import Space, check_space
from spacealg._space.unit_interval import FloatArray
from spacealg._space.validation import check_instance, check_int, check_items
from spacealg._space.values import Values

_LISTED = 100_000
"""The most configurations the fallback of :func:`random_untried` lists to pick from."""
_TRIED = "a collection of Values, such as a set"
_HISTORY = "a sequence of Observation"


def _check_tried(operation: str, tried: object) -> None:
    check_items(operation, "tried", tried, _TRIED)
    check_instance(operation, "tried", tried, Collection, _TRIED)


def trial_rng(seed: int, index: int) -> np.random.Generator:
    """The random stream of trial ``index`` under ``seed``: the same pair, the same stream."""
    check_int("trial_rng()", "seed", seed, minimum=0)
    check_int("trial_rng()", "index", index, minimum=0)
    return np.random.default_rng([seed, index])


def _check_each(
    operation: str, argument: str, items: Collection[object], kind: type, allowed: str
) -> None:
    # Oracles call this on every proposal, over every trial: the common case (items of
    # exactly ``kind``) is decided by map and set, in C; a subclass takes the slow path.
    if set(map(type, items)) <= {kind}:
        return
    for item in items:
        check_instance(operation, argument, item, kind, allowed)


def _check_history(operation: str, history: object) -> None:
    check_items(operation, "history", history, _HISTORY)
    assert isinstance(history, Iterable)
    _check_each(operation, "history", list(history), Observation, _HISTORY)


def tried_set(tried: Iterable[Values], history: Sequence[Observation]) -> set[Values]:
    """Every configuration tried: those in ``tried`` and those in ``history``.

    Raises:
        ArgumentTypeError: ``tried`` holds something else than ``Values``, or
            ``history`` something else than ``Observation`` records.
    """
    return set(known_tried("tried_set()", tried, history))


def common_prefix(old: list[Any], new: list[Any]) -> int:
    """How many leading items of ``old`` and ``new`` are equal.

    Lists compare identical items without calling ``__eq__``, in C: a history
    that extends the one seen before is checked in a few microseconds per
    thousand items, and the first item that differs is found by halving.

    Examples:
        >>> common_prefix([1, 2, 3], [1, 2, 3, 4]), common_prefix([1, 2, 3], [1, 5, 3])
        (3, 1)
    """
    size = min(len(old), len(new))
    if old[:size] == new[:size]:
        return size
    low, high = 0, size  # old[:low] == new[:low]; old[:high] != new[:high]
    while high - low > 1:
        middle = (low + high) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle
    return low


class _TriedCache:
    """The tried set of the last (tried, history) given, and what it was built from."""

    def __init__(self) -> None:
        self.tried: list[Values] = []
        self.history: list[Observation] = []
        self.everything: set[Values] = set()

    def update(self, operation: str, tried: list[Values], history: list[Observation]) -> None:
        kept_tried = common_prefix(self.tried, tried)
        kept_history = common_prefix(self.history, history)
        # the items past the cached prefixes are new: checked before anything reads them
        _check_each(operation, "tried", tried[kept_tried:], Values, _TRIED)
        _check_each(operation, "history", history[kept_history:], Observation, _HISTORY)
        rebuild = kept_tried < len(self.tried) or len(history) < len(self.history)
        if not rebuild and kept_history < len(self.history):  # a running trial ended, say
            stop = len(self.history)
            before = [observation.values for observation in self.history[kept_history:]]
            after = [observation.values for observation in history[kept_history:stop]]
            rebuild = before != after
        if rebuild:  # every item is read again: every item is checked
            _check_each(operation, "tried", tried, Values, _TRIED)
            _check_each(operation, "history", history, Observation, _HISTORY)
            self.everything = set(tried).union(observation.values for observation in history)
        else:
            new_tried = tried[len(self.tried) :]
            new_history = history[len(self.history) :]
            self.everything.update(new_tried)
            self.everything.update(observation.values for observation in new_history)
        self.tried, self.history = tried, history


class _Caches(threading.local):
    """Each thread's caches: a search proposes in one thread, so it never waits for a lock."""

    def __init__(self) -> None:
        self.tried = _TriedCache()
        self.encoded: list[EncodedHistory] = []


_CACHES = _Caches()
_SPACES_KEPT = 4
"""How many spaces' encoded histories a thread keeps (a search has one; tests interleave a few)."""


def clear_caches() -> None:
    """Forget what was derived from histories (in this thread): the next call starts afresh."""
    _CACHES.tried = _TriedCache()
    _CACHES.encoded = []


def known_tried(
    operation: str, tried: Iterable[Values], history: Sequence[Observation]
) -> Collection[Values]:
    """Every configuration tried, as :func:`tried_set`, from this thread's cache: do not change it.

    Raises:
        ArgumentTypeError: ``tried`` holds something else than ``Values``, or
            ``history`` something else than ``Observation`` records.
    """
    check_items(operation, "tried", tried, _TRIED)
    check_items(operation, "history", history, _HISTORY)
    assert isinstance(history, Iterable)
    cache = _CACHES.tried
    cache.update(operation, list(tried), list(history))
    return cache.everything


def tried_in(space: Space, tried: Collection[Values]) -> int:
    """How many tried configurations belong to ``space``.

    A resumed search may run over a changed space: what was tried in the old one
    does not exhaust the new one.
    """
    return sum(1 for values in tried if contains(space, values))


def exhausted(space: Space, tried: Collection[Values]) -> bool:
    """Whether every configuration of a finite ``space`` is in ``tried``.

    A configuration counts as tried when it equals one in ``tried``: a value
    that the space merely accepts, such as a grid point of a wider range a few
    ulps away, does not stand in for it.
    """
    check_space("exhausted()", "space", space)
    _check_tried("exhausted()", tried)
    size = cardinality(space)
    if size is None or len(tried) < size or tried_in(space, tried) < size:
        return False
    return all(values in tried for values in grid(space))


def random_untried(
    space: Space, tried: Collection[Values], rng: np.random.Generator, max_collisions: int
) -> Values | None:
    """A random configuration not in ``tried``, or None when the space is exhausted.

    After ``max_collisions`` draws that were all tried already, a finite space
    picks at random among the configurations left, and a space with continuous
    entries counts as exhausted: only one whose continuous entries are all
    inactive or span a handful of floats (``min_value == max_value``) does that.
    A finite space of more than ``_LISTED`` configurations (a rare branch under a
    wide parent, say) is not listed: configurations drawn each with the same
    chance are tried until one is new (and allowed by the constraints).
    """
    check_space("random_untried()", "space", space)
    _check_tried("random_untried()", tried)
    check_instance("random_untried()", "rng", rng, np.random.Generator, "a numpy.random.Generator")
    check_int("random_untried()", "max_collisions", max_collisions, minimum=0)
    size = cardinality(space)
    if exhausted(space, tried):
        return None
    for _ in range(max_collisions):
        values = sample(space, rng)
        if values not in tried:
            return values
    if size is None:
        return None
    if size > _LISTED:  # too many to list: draw configurations uniformly until one is new
        while True:  # exhausted() said one is left; most are, as few of so many were tried
            values = uniform_configuration(space, rng)
            if values not in tried and (not space.constraints or contains(space, values)):
                return values
    left = [values for values in grid(space) if values not in tried]
    return left[int(rng.integers(len(left)))] if left else None


def allowed(space: Space, values: Values) -> bool:
    """Whether the constraints of ``space`` allow ``values`` (a configuration of it).

    Model-based oracles decode candidates from their own encoding, which knows
    nothing of constraints: each candidate passes here before it is proposed.
    """
    if not space.constraints:
        return True
    return first_violated(space.compiled_constraints, space, values) is None


def in_space(space: Space, history: Sequence[Observation]) -> list[Observation]:
    """The observations whose values are configurations of ``space`` (a space may change)."""
    check_space("in_space()", "space", space)
    _check_history("in_space()", history)
    return [observation for observation in history if contains(space, observation.values)]


class EncodedHistory:
    """The observations of a history that belong to one space, encoded, kept between proposals.

    Rows follow the history's order, one per observation whose values are a
    configuration of the space. Read it through :func:`encoded_history`; the
    arrays are shared with later calls, so never change them.

    Attributes:
        space: the space.
        encoding: its encoding.
        units: (rows, width) unit positions, NaN where an entry is inactive.
        active: (rows, width) activity flags.
        scores: each row's score, NaN unless it completed.
        completed: whether each row completed with a score.
        failed: whether each row failed or was invalid.
        running: whether each row is still running (pending).
    """

    def __init__(self, space: Space, encoding: Encoding) -> None:
        self.space = space
        self.encoding = encoding
        self.history: list[Observation] = []
        self.rows: list[int] = []  # each history position's row, -1 when not in the space
        width = encoding.width
        self.units: FloatArray = np.empty((0, width))
        self.active: BoolArray = np.empty((0, width), dtype=np.bool_)
        self.scores: FloatArray = np.empty(0)
        self.completed: BoolArray = np.empty(0, dtype=np.bool_)
        self.failed: BoolArray = np.empty(0, dtype=np.bool_)
        self.running: BoolArray = np.empty(0, dtype=np.bool_)

    def update(self, history: list[Observation]) -> None:
        kept = common_prefix(self.history, history)
        if kept < len(self.history):  # drop the rows from the first observation that changed
            rows = sum(1 for row in self.rows[:kept] if row >= 0)
            self.rows = self.rows[:kept]
            self.units, self.active = self.units[:rows], self.active[:rows]
            self.scores, self.completed = self.scores[:rows], self.completed[:rows]
            self.failed, self.running = self.failed[:rows], self.running[:rows]
        new = history[kept:]
        if new:
            _check_each("encoded_history()", "history", new, Observation, _HISTORY)
            start = len(self.scores)
            flags = [contains(self.space, o.values) for o in new]
            inside = [o for o, flag in zip(new, flags, strict=True) if flag]
            for flag in flags:
                self.rows.append(start if flag else -1)
                start += flag
            units, active = self.encoding.encode([o.values for o in inside])
            self.units = np.vstack([self.units, units])
            self.active = np.vstack([self.active, active])
            self.scores = np.concatenate(
                [self.scores, [np.nan if o.score is None else o.score for o in inside]]
            )
            self.completed = np.concatenate([self.completed, [o.completed for o in inside]])
            ended_badly = (TrialState.FAILED, TrialState.INVALID)
            self.failed = np.concatenate([self.failed, [o.state in ended_badly for o in inside]])
            running = [o.state is TrialState.RUNNING for o in inside]
            self.running = np.concatenate([self.running, running]).astype(np.bool_)
            self.completed = self.completed.astype(np.bool_)
            self.failed = self.failed.astype(np.bool_)
        self.history = history

    def started(self) -> int:
        """How many rows completed or are still running: what a model's random start counts.

        Running trials count, so a search with several workers makes as many
        random proposals as a sequential one; failed ones do not, as they give
        a model nothing to fit.
        """
        return int(self.completed.sum()) + int(self.running.sum())


def encoded_history(space: Space, history: Sequence[Observation]) -> EncodedHistory:
    """The observations of ``history`` that belong to ``space``, encoded (from a cache).

    Equal to encoding them afresh: only the observations after the first one that
    differs from the last history given for this space are encoded.

    Raises:
        ArgumentTypeError: ``history`` holds something else than ``Observation`` records.
    """
    check_items("encoded_history()", "history", history, _HISTORY)
    assert isinstance(history, Iterable)
    kept = _CACHES.encoded
    cache = next((c for c in kept if c.space is space), None)
    if cache is None:
        cache = next((c for c in kept if c.space == space), None)
    if cache is None:
        cache = EncodedHistory(space, Encoding.of(space))
    else:
        kept.remove(cache)
    kept.insert(0, cache)
    del kept[_SPACES_KEPT:]
    cache.update(list(history))
    return cache
