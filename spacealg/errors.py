"""The errors spacealg raises, all under one root.

Every class also inherits the builtin it resembles, so a generic
``except ValueError`` or ``except KeyError`` keeps working::

    SpaceError (Exception)
    ├── InvalidArgumentError (ValueError)     a constructor or operator got a bad argument
    │   └── ArgumentTypeError (TypeError)     ... of the wrong type (mixed Choice values, say)
    ├── InvalidSpaceError (ValueError)        a whole-space invariant would break
    ├── ExpressionError (ValueError)          a constraint's text outside the expression language
    ├── ConstraintError (ValueError)          a configuration (or fixed values) breaks a constraint,
    │                                         or a sampler cannot find allowed configurations
    ├── UnknownNameError (KeyError)           no hyperparameter of that name (suggests close ones)
    ├── InvalidValueError (ValueError)        a value outside a hyperparameter's domain
    ├── ActivityError (ValueError)            a value missing for an active entry, or given for
    │                                         an inactive or unknown one
    ├── InactiveError (ValueError)            a value asked of an inactive hyperparameter
    ├── ContinuousSpaceError (ValueError)     a grid asked of a space with continuous entries
    ├── SerializationError (ValueError)       saved data that cannot be read back
    ├── StoreError (RuntimeError)             a trial store that cannot be opened or used
    ├── NotSerializableError (TypeError)      an objective that cannot travel to the workers
    ├── NoWorkersError (RuntimeError)         an executor with no worker to run trials on
    ├── MissingDependencyError (ImportError)  an optional dependency that is not installed
    ├── NoCompletedTrialError (LookupError)   a best trial asked of a search none completed
    ├── TooManyFailedTrialsError (RuntimeError)  too many trials failed in a row
    ├── FailedTrialError (Exception)      raised by a trial: fail it now, without a retry
    └── FatalError (Exception)            raised by a trial: stop the whole search
        ├── FatalValueError (ValueError)  ... a ValueError that stops the search
        ├── FatalTypeError (TypeError)    ... a TypeError that stops the search
        └── FatalRuntimeError (RuntimeError)  ... a RuntimeError that stops the search

The last five are KerasTuner's (``keras_tuner.errors``), with its meanings: the
user's objective or build function raises them; spacealg never does.

Each error is an attrs class that keeps its facts as attributes (``operation``,
``name``, ``value``, ``allowed``, ...) and builds its message in ``__str__``.
attrs passes every field to ``Exception.__init__`` in order, so errors pickle
and cross process boundaries intact; the classes keep a ``__dict__`` (no
slots) because tblib's exception pickling, which Dask and TensorFlow install,
rebuilds an error from it without calling ``__init__``. A fact that does not
pickle itself (a lambda given as a value, say) travels as a stand-in that keeps
its ``repr``, so the copy's message is the original's.
"""

from __future__ import annotations

import difflib
import pickle
from collections.abc import Iterable
from typing import Any

import attrs

__all__ = [
    "ActivityError",
    "ArgumentTypeError",
    "ConstraintError",
    "ContinuousSpaceError",
    "ExpressionError",
    "FailedTrialError",
    "FatalError",
    "FatalRuntimeError",
    "FatalTypeError",
    "FatalValueError",
    "InactiveError",
    "InvalidArgumentError",
    "InvalidSpaceError",
    "InvalidValueError",
    "MissingDependencyError",
    "NoCompletedTrialError",
    "NoWorkersError",
    "NotSerializableError",
    "SerializationError",
    "SpaceError",
    "StoreError",
    "TooManyFailedTrialsError",
    "UnknownNameError",
]


def quoted(names: Iterable[object]) -> str:
    """``'a', 'b' and 'c'``: names in quotes, joined for a sentence.

    Raises:
        ArgumentTypeError: ``names`` is not an iterable.
    """
    if not isinstance(names, Iterable):
        raise ArgumentTypeError("quoted()", "", "names", names, "an iterable of names")
    items = [repr(name) for name in names]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class _Shown:
    """A stand-in for a fact that does not pickle: it keeps the fact's ``repr``."""

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def __repr__(self) -> str:
        return self.shown

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Shown) and other.shown == self.shown

    def __hash__(self) -> int:
        return hash(self.shown)


def _picklable(value: object) -> object:
    """``value`` itself when it pickles back to the same ``repr``, else a stand-in with it.

    An ``object()`` pickles, but its copy's ``repr`` shows another address: the
    message must read the same on both sides, so such a value travels as its ``repr``.
    """
    shown = repr(value)
    try:
        same = repr(pickle.loads(pickle.dumps(value))) == shown  # noqa: S301 - our own bytes
    except Exception:  # whatever stops pickling, the repr travels instead
        same = False
    return value if same else _Shown(shown)


class SpaceError(Exception):
    """The root of every error spacealg raises."""

    operation: str

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the facts, each replaced by a stand-in with its ``repr`` if it does not pickle.

        tblib's pickling (installed by Dask and TensorFlow) calls this too and
        rebuilds the error from the same arguments and state.
        """
        state = {key: _picklable(value) for key, value in vars(self).items()}
        return (type(self), tuple(_picklable(arg) for arg in self.args), state)

    def __str__(self) -> str:  # pragma: no cover - every subclass overrides it
        return f"{self.operation}: invalid input"


@attrs.define(str=False, slots=False)
class InvalidArgumentError(SpaceError, ValueError):
    """An argument to a constructor or an operator is not valid.

    Attributes:
        operation: the call that failed, such as ``"Int()"``.
        name: the hyperparameter (or condition parent) concerned; empty when the
            argument is not about one (an ``rng``, say).
        argument: the argument's name, such as ``"min_value"``.
        value: the value given.
        allowed: what would have been accepted, in words.
    """

    operation: str
    name: str
    argument: str
    value: object
    allowed: str

    def __str__(self) -> str:
        subject = f" for {self.name!r}" if self.name else ""
        return (
            f"{self.operation}: {self.argument}={self.value!r} is not valid{subject}; "
            f"allowed: {self.allowed}"
        )


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument has the wrong type (mixed-type ``Choice`` values, a non-string name)."""


@attrs.define(str=False, slots=False)
class InvalidSpaceError(SpaceError, ValueError):
    """A space would break one of its invariants.

    The invariants: names are unique, every condition's parent is in the space,
    condition values lie in the parent's domain, and conditions form no cycle.

    Attributes:
        operation: the call that failed, such as ``"Space()"``.
        name: the hyperparameter concerned.
        problem: what is wrong, in words.
        allowed: what the invariant asks for.
    """

    operation: str
    name: str
    problem: str
    allowed: str

    def __str__(self) -> str:
        return f"{self.operation}: {self.problem}; allowed: {self.allowed}"


@attrs.define(str=False, slots=False)
class ExpressionError(SpaceError, ValueError):
    """A constraint's text is not an expression of the constraint language.

    The message quotes the expression and points at the offending part with carets.

    Attributes:
        operation: the call that failed, such as ``"constrain()"``.
        expression: the text given.
        start: where the offending part begins (a character offset into ``expression``).
        end: where it ends (exclusive).
        problem: what is wrong, in words.
        allowed: what the language allows there.
    """

    operation: str
    expression: str
    start: int
    end: int
    problem: str
    allowed: str

    def __str__(self) -> str:
        lines = self.expression.split("\n")
        before = self.expression[: self.start].split("\n")
        row, column = len(before) - 1, len(before[-1])
        width = max(1, min(self.end, self.start + len(lines[row]) - column) - self.start)
        return (
            f"{self.operation}: {self.problem} in the constraint {self.expression!r}; "
            f"allowed: {self.allowed}\n    {lines[row]}\n    {' ' * column}{'^' * width}"
        )


@attrs.define(str=False, slots=False)
class ConstraintError(SpaceError, ValueError):
    """A constraint does not hold, or no configuration that satisfies it can be found.

    Attributes:
        operation: the call that failed, such as ``"validate()"``.
        constraint: the constraint's text.
        problem: what is wrong, in words.
    """

    operation: str
    constraint: str
    problem: str

    def __str__(self) -> str:
        return f"{self.operation}: {self.problem} (constraint {self.constraint!r})"


@attrs.define(str=False, slots=False)
class UnknownNameError(SpaceError, KeyError):
    """No hyperparameter has this name; the message suggests close ones.

    Attributes:
        operation: the call that failed.
        name: the name asked for.
        known: the names that exist, in space order.
    """

    operation: str
    name: str
    known: tuple[str, ...]

    def __str__(self) -> str:
        message = f"{self.operation}: no hyperparameter named {self.name!r}"
        if not self.known:
            return message + "; the space is empty"
        close = difflib.get_close_matches(str(self.name), self.known, n=3, cutoff=0.6)
        if close:
            return message + f"; did you mean {quoted(close).replace(' and ', ' or ')}?"
        return message + f"; known names: {quoted(self.known)}"


@attrs.define(str=False, slots=False)
class InvalidValueError(SpaceError, ValueError):
    """A value lies outside its hyperparameter's domain.

    Attributes:
        operation: the call that failed, such as ``"validate()"``.
        name: the hyperparameter.
        value: the value given.
        allowed: the domain, in words.
    """

    operation: str
    name: str
    value: object
    allowed: str

    def __str__(self) -> str:
        return (
            f"{self.operation}: {self.value!r} is not a valid value for {self.name!r}; "
            f"allowed: {self.allowed}"
        )


@attrs.define(str=False, slots=False)
class ActivityError(SpaceError, ValueError):
    """Values disagree with which hyperparameters are active.

    Raised when an active hyperparameter has no value, or an inactive one has one.

    Attributes:
        operation: the call that failed.
        name: the hyperparameter.
        problem: what is wrong, in words.
    """

    operation: str
    name: str
    problem: str

    def __str__(self) -> str:
        return f"{self.operation}: {self.name!r} {self.problem}"


@attrs.define(str=False, slots=False)
class InactiveError(SpaceError, ValueError):
    """A value was asked of a hyperparameter that is inactive in the current trial.

    Attributes:
        operation: the call that failed, such as ``"HyperParameters.get()"``.
        name: the hyperparameter.
        needs: the conditions that would make it active, in words.
    """

    operation: str
    name: str
    needs: str

    def __str__(self) -> str:
        return (
            f"{self.operation}: {self.name!r} is inactive in this trial, so it has no value; "
            f"it is active when {self.needs}"
        )


@attrs.define(str=False, slots=False)
class ContinuousSpaceError(SpaceError, ValueError):
    """A finite enumeration was asked of a space with continuous entries.

    Attributes:
        operation: the call that failed, such as ``"grid()"``.
        names: the continuous entries.
    """

    operation: str
    names: tuple[str, ...]

    def __str__(self) -> str:
        verb, pronoun = ("is", "it") if len(self.names) == 1 else ("are", "them")
        return (
            f"{self.operation}: {quoted(self.names)} {verb} continuous; "
            f"allowed: a step on every Float (restrict or fix {pronoun} first)"
        )


@attrs.define(str=False, slots=False)
class SerializationError(SpaceError, ValueError):
    """Saved data cannot be read back as a space.

    Attributes:
        operation: the call that failed, such as ``"from_dict()"``.
        path: where in the data the problem is, such as ``"hyperparameters[2].min_value"``.
        problem: what is wrong, in words.
    """

    operation: str
    path: str
    problem: str

    def __str__(self) -> str:
        where = f" (at {self.path})" if self.path else ""
        return f"{self.operation}: {self.problem}{where}"


@attrs.define(str=False, slots=False)
class StoreError(SpaceError, RuntimeError):
    """A trial store that cannot be opened or used; the file is left untouched.

    Attributes:
        operation: the call that failed.
        path: the store's path.
        problem: what is wrong, in words.
    """

    operation: str
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.operation}: {self.path}: {self.problem}"


@attrs.define(str=False, slots=False)
class MissingDependencyError(SpaceError, ImportError):
    """A feature needs an optional dependency that is not installed.

    Attributes:
        operation: the call that needs it.
        package: the missing distribution, such as ``"scipy"``.
        extra: the spacealg extra that installs it, such as ``"bayes"``.
        argument: the argument that asked for it, such as ``"executor"`` (or "").
        value: that argument's value.
    """

    operation: str
    package: str
    extra: str
    argument: str = ""
    value: object = None

    def __str__(self) -> str:
        what = f"{self.argument}={self.value!r} needs" if self.argument else "needs"
        return (
            f"{self.operation}: {what} {self.package}, which is not installed; "
            f"install it with: pip install 'spacealg[{self.extra}]'"
        )


@attrs.define(str=False, slots=False)
class TooManyFailedTrialsError(SpaceError, RuntimeError):
    """A search stopped because too many trials failed in a row.

    Attributes:
        operation: the search that stopped.
        limit: ``max_consecutive_failed_trials``.
        last_error: the last failed trial's error and traceback.
    """

    operation: str
    limit: int
    last_error: str

    def __str__(self) -> str:
        return (
            f"{self.operation}: {self.limit} trials failed in a row "
            f"(max_consecutive_failed_trials={self.limit}); the last one failed with:\n"
            f"{self.last_error}"
        )


@attrs.define(str=False, slots=False)
class NoCompletedTrialError(SpaceError, LookupError):
    """A best trial was asked of a search with no completed trial.

    Attributes:
        operation: the call that failed.
        counts: how many trials ended in each state.
        last_error: the last failed trial's error (its traceback), or "" when none
            failed; the message quotes its last line.
    """

    operation: str
    counts: dict[str, int]
    last_error: str = ""

    def __str__(self) -> str:
        ended = ", ".join(f"{n} {state}" for state, n in self.counts.items() if n) or "no trials"
        lines = [line for line in str(self.last_error).splitlines() if line.strip()]
        last = f"; the last failed trial's error: {lines[-1].strip()}" if lines else ""
        return (
            f"{self.operation}: no trial completed ({ended}){last}; "
            "allowed: a search with at least one COMPLETED trial"
        )


@attrs.define(str=False, slots=False)
class NotSerializableError(SpaceError, TypeError):
    """An objective (or backend) cannot be serialized to travel to an executor's workers.

    Attributes:
        operation: the search that was asked to run in parallel.
        argument: the argument that cannot travel, such as ``"fn"``.
        shown: the value given, as its ``repr`` (the value itself does not pickle).
        problem: what the serializer said.
    """

    operation: str
    argument: str
    shown: str
    problem: str

    def __str__(self) -> str:
        return (
            f"{self.operation}: {self.argument}={self.shown} cannot be sent to the workers "
            f"({self.problem}); allowed: a value cloudpickle can serialize (install "
            "spacealg[parallel] for lambdas and functions defined in __main__ or a notebook)"
        )


@attrs.define(str=False, slots=False)
class NoWorkersError(SpaceError, RuntimeError):
    """An executor has no worker to run trials on; the pending trials went back to the store.

    Attributes:
        operation: the search that stopped.
        executor: the executor, as its ``repr``.
        problem: what the executor said, and how long the search waited.
    """

    operation: str
    executor: str
    problem: str

    def __str__(self) -> str:
        return (
            f"{self.operation}: executor={self.executor} has no worker to run trials on "
            f"({self.problem}); allowed: an executor with at least one worker; the pending "
            "trials are back in the store, so running the search again resumes it"
        )


@attrs.define(str=False, slots=False)
class FailedTrialError(SpaceError):
    """Raised by a trial's own code: record this trial FAILED now, without a retry.

    Any other exception a trial raises is retried up to ``max_retries_per_trial``
    times before the trial is recorded FAILED; this one is not (KerasTuner's
    ``FailedTrialError``: a model too large, a configuration known to be bad).

    Attributes:
        message: why the trial failed, in words.

    Examples:
        >>> str(FailedTrialError("the model has too many parameters"))
        'the model has too many parameters'
    """

    message: str = ""

    def __str__(self) -> str:
        return self.message


@attrs.define(str=False, slots=False)
class FatalError(SpaceError):
    """Raised by a trial's own code: stop the whole search and re-raise this error.

    The trial that raised it is given back unrecorded (as after a Ctrl-C), so the
    store stays consistent and the next run reruns it; earlier trials are kept.
    KerasTuner's ``FatalError``; its kinds below also inherit the builtin they
    resemble.

    Attributes:
        message: why the search must stop, in words.
    """

    message: str = ""

    def __str__(self) -> str:
        return self.message


class FatalValueError(FatalError, ValueError):
    """A :class:`FatalError` that is also a ``ValueError`` (KerasTuner's ``FatalValueError``)."""


class FatalTypeError(FatalError, TypeError):
    """A :class:`FatalError` that is also a ``TypeError`` (KerasTuner's ``FatalTypeError``)."""


class FatalRuntimeError(FatalError, RuntimeError):
    """A :class:`FatalError` that is also a ``RuntimeError`` (KerasTuner's)."""
