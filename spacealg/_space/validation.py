"""The checks several classes share, each rule written once, with one wording.

Two predicates say what a number is: :func:`is_real` (an int or a float, never
a bool) and :func:`is_finite_real` (one that is also finite). The checks raise
:class:`~spacealg.errors.InvalidArgumentError` (or
:class:`~spacealg.errors.ArgumentTypeError` for a name), their ``allowed`` text
built by one function per rule, so the same rule reads the same everywhere:

* an int with a least value: ``an int >= 1`` (``None or an int >= 1`` when None
  is allowed too) — :func:`check_int`, :func:`int_at_least`;
* a finite number within bounds: ``a float 0 < x < 1`` with two bounds,
  ``a finite float > 0`` with one, ``a finite float`` with none —
  :func:`check_real`, :func:`real_within`;
* a name: ``a non-empty str`` — :func:`check_name`;
* a type: :func:`check_instance` (a Space, a mapping, a hyperparameter).

A numpy scalar counts as the Python number it equals (``np.int64(3)`` is an
int, ``np.float32(0.5)`` a float), everywhere a number is accepted.

The ``*_at_least`` and ``*_within`` forms are attrs validators: the operation
they name is the class's constructor (``"TPEOracle()"``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeGuard

import attrs

from spacealg._space.scalars import as_python
from spacealg.errors import ArgumentTypeError, InvalidArgumentError, quoted

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""An attrs validator: called with the instance, the attribute and the value."""


def is_real(value: object) -> bool:
    """Whether ``value`` is an int or a float (a bool is not a number here).

    Examples:
        >>> is_real(3), is_real(0.5), is_real(math.inf), is_real(True), is_real("3")
        (True, True, True, False, False)
    """
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_finite_real(value: object) -> bool:
    """Whether ``value`` is an int or a finite float (not a bool, not NaN or infinite).

    Examples:
        >>> is_finite_real(10**400), is_finite_real(1e-3), is_finite_real(math.nan)
        (True, True, False)
    """
    if isinstance(value, float):
        return math.isfinite(value)
    return is_real(value)


def _operation(instance: object) -> str:
    return f"{type(instance).__name__}()"


# -- ints -------------------------------------------------------------------------


def int_words(minimum: int, *, maximum: int | None = None, optional: bool = False) -> str:
    """What an int with a least (and a greatest) value allows, in words: ``an int >= 1``.

    Examples:
        >>> int_words(0), int_words(1, optional=True), int_words(0, maximum=9)
        ('an int >= 0', 'None or an int >= 1', 'an int 0 <= x <= 9')
    """
    words = f"an int >= {minimum}" if maximum is None else f"an int {minimum} <= x <= {maximum}"
    return f"None or {words}" if optional else words


def check_int(
    operation: str,
    argument: str,
    value: object,
    *,
    minimum: int,
    maximum: int | None = None,
    optional: bool = False,
    name: str = "",
) -> None:
    """Check that ``value`` is an int (not a bool) ``>= minimum``, or None when ``optional``.

    Args:
        operation: the call being checked, such as ``"Study.run()"``.
        argument: the argument's name.
        value: the value given.
        minimum: the least value allowed (1 for a count that must be positive).
        maximum: the greatest value allowed, if any.
        optional: whether None is allowed too.
        name: the hyperparameter concerned, if any.

    Raises:
        InvalidArgumentError: ``value`` is not such an int.

    Examples:
        >>> check_int("Study.run()", "max_trials", 0, minimum=1, optional=True)
        Traceback (most recent call last):
        ...
        spacealg.errors.InvalidArgumentError: Study.run(): max_trials=0 is not valid; \
allowed: None or an int >= 1
    """
    if optional and value is None:
        return
    value = as_python(value)  # a numpy integer counts (docs/errors.md)
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or value < minimum
        or (maximum is not None and value > maximum)
    ):
        raise InvalidArgumentError(
            operation,
            name,
            argument,
            value,
            int_words(minimum, maximum=maximum, optional=optional),
        )


def int_at_least(minimum: int, *, optional: bool = False) -> Validator:
    """An attrs validator: the field is an int ``>= minimum`` (see :func:`check_int`)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        check_int(_operation(instance), attribute.name, value, minimum=minimum, optional=optional)

    return check


# -- real numbers -----------------------------------------------------------------


def real_words(
    *,
    above: float | None = None,
    at_least: float | None = None,
    below: float | None = None,
    at_most: float | None = None,
    optional: bool = False,
) -> str:
    """What a finite number within bounds allows, in words.

    Give at most one lower bound (``above``, exclusive, or ``at_least``) and at
    most one upper bound (``below``, exclusive, or ``at_most``).

    Examples:
        >>> real_words(above=0, below=1), real_words(above=0)
        ('a float 0 < x < 1', 'a finite float > 0')
        >>> real_words(at_least=0, optional=True)
        'None or a finite float >= 0'
    """
    low = f"> {above!r}" if above is not None else None
    low = f">= {at_least!r}" if at_least is not None else low
    high = f"< {below!r}" if below is not None else None
    high = f"<= {at_most!r}" if at_most is not None else high
    if low is not None and high is not None:  # "> 0" and "< 1" read "0 < x < 1"
        sign, bound = low.split(" ")
        words = f"a float {bound} {sign.replace('>', '<')} x {high}"
    else:
        words = " ".join(["a finite float", *(part for part in (low, high) if part)])
    return f"None or {words}" if optional else words


def _within(
    value: float,
    above: float | None,
    at_least: float | None,
    below: float | None,
    at_most: float | None,
) -> bool:
    return (
        (above is None or value > above)
        and (at_least is None or value >= at_least)
        and (below is None or value < below)
        and (at_most is None or value <= at_most)
    )


def check_real(
    operation: str,
    argument: str,
    value: object,
    *,
    above: float | None = None,
    at_least: float | None = None,
    below: float | None = None,
    at_most: float | None = None,
    optional: bool = False,
    name: str = "",
) -> None:
    """Check that ``value`` is a finite int or float within the bounds given, or None.

    A probability is ``above=0, below=1`` (the open interval) or ``at_least=0,
    at_most=1`` (the closed one).

    Args:
        operation: the call being checked, such as ``"TPEOracle()"``.
        argument: the argument's name.
        value: the value given.
        above: an exclusive lower bound.
        at_least: an inclusive lower bound.
        below: an exclusive upper bound.
        at_most: an inclusive upper bound.
        optional: whether None is allowed too.
        name: the hyperparameter concerned, if any.

    Raises:
        InvalidArgumentError: ``value`` is not such a number.

    Examples:
        >>> check_real("TPEOracle()", "gamma", 1.5, above=0, below=1)
        Traceback (most recent call last):
        ...
        spacealg.errors.InvalidArgumentError: TPEOracle(): gamma=1.5 is not valid; \
allowed: a float 0 < x < 1
    """
    if optional and value is None:
        return
    value = as_python(value)  # a numpy number counts (docs/errors.md)
    if not is_finite_real(value) or not _within(value, above, at_least, below, at_most):  # type: ignore[arg-type]
        allowed = real_words(
            above=above, at_least=at_least, below=below, at_most=at_most, optional=optional
        )
        raise InvalidArgumentError(operation, name, argument, value, allowed)


def real_within(
    *,
    above: float | None = None,
    at_least: float | None = None,
    below: float | None = None,
    at_most: float | None = None,
    optional: bool = False,
) -> Validator:
    """An attrs validator: the field is a finite number within bounds (see :func:`check_real`)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        check_real(
            _operation(instance),
            attribute.name,
            value,
            above=above,
            at_least=at_least,
            below=below,
            at_most=at_most,
            optional=optional,
        )

    return check


# -- names ------------------------------------------------------------------------

NAME_WORDS = "a non-empty str"
"""What a name allows, in words."""


def a_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: the field is a non-empty str (see :func:`check_name`)."""
    check_name(_operation(instance), attribute.name, value)


def check_name(operation: str, argument: str, value: object, *, name: str = "") -> None:
    """Check that ``value`` is a non-empty str (a hyperparameter's or a metric's name).

    Raises:
        ArgumentTypeError: ``value`` is not a str, or is empty.

    Examples:
        >>> check_name("Objective()", "name", "")
        Traceback (most recent call last):
        ...
        spacealg.errors.ArgumentTypeError: Objective(): name='' is not valid; \
allowed: a non-empty str
    """
    if not isinstance(value, str) or not value:
        raise ArgumentTypeError(operation, name, argument, value, NAME_WORDS)


# -- types ------------------------------------------------------------------------


def check_instance(
    operation: str,
    argument: str,
    value: object,
    expected: type | tuple[type, ...],
    allowed: str,
    *,
    name: str = "",
) -> None:
    """Check that ``value`` is an instance of ``expected`` (a bool is never an int here).

    The one check behind every "wrong type of argument" error: the operators'
    ``space`` argument (:func:`~spacealg._space.space.check_space`), a mapping of
    values, a replacement hyperparameter.

    Args:
        operation: the call being checked, such as ``"fix()"``.
        argument: the argument's name.
        value: the value given.
        expected: the type or types allowed.
        allowed: what is allowed, in words.
        name: the hyperparameter concerned, if any.

    Raises:
        ArgumentTypeError: ``value`` is not such an instance.

    Examples:
        >>> check_instance("f()", "values", [1], dict, "a mapping of names to values")
        Traceback (most recent call last):
        ...
        spacealg.errors.ArgumentTypeError: f(): values=[1] is not valid; \
allowed: a mapping of names to values
    """
    wants_int = expected is int or (isinstance(expected, tuple) and int in expected)
    if not isinstance(value, expected) or (
        isinstance(value, bool) and wants_int and bool not in _as_tuple(expected)
    ):
        raise ArgumentTypeError(operation, name, argument, value, allowed)


def _as_tuple(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


def check_names(operation: str, argument: str, values: tuple[object, ...]) -> None:
    """Check that every item of ``values`` (a ``*names`` argument) is a non-empty str.

    Raises:
        ArgumentTypeError: an item is not a str, or is empty.

    Examples:
        >>> check_names("select()", "names", ("units", ["opt"]))
        Traceback (most recent call last):
        ...
        spacealg.errors.ArgumentTypeError: select(): names=['opt'] is not valid; \
allowed: a non-empty str
    """
    for value in values:
        check_name(operation, argument, value)


def check_option(
    operation: str,
    argument: str,
    value: object,
    options: tuple[str, ...],
    *,
    name: str = "",
) -> None:
    """Check that ``value`` is one of the str ``options`` (an array or a list is refused too).

    Raises:
        InvalidArgumentError: ``value`` is not one of ``options``.

    Examples:
        >>> check_option("merge()", "on_conflict", "both", ("error", "left", "right"))
        Traceback (most recent call last):
        ...
        spacealg.errors.InvalidArgumentError: merge(): on_conflict='both' is not valid; \
allowed: 'error', 'left' or 'right'
    """
    if not isinstance(value, str) or value not in options:
        raise InvalidArgumentError(
            operation, name, argument, value, quoted(options).replace(" and ", " or ")
        )


PATH_WORDS = "a str or os.PathLike path"
"""What a path argument allows, in words."""


def check_path(operation: str, argument: str, value: object) -> None:
    """Check that ``value`` is a str or an ``os.PathLike`` (a folder or file path).

    Raises:
        ArgumentTypeError: ``value`` is neither.
    """
    check_instance(operation, argument, value, (str, os.PathLike), PATH_WORDS)


def check_bool(operation: str, argument: str, value: object) -> None:
    """Check that ``value`` is a bool (a numpy bool counts).

    Raises:
        ArgumentTypeError: ``value`` is not a bool.
    """
    check_instance(operation, argument, as_python(value), bool, "True or False")


def iterates(value: object) -> TypeGuard[Iterable[Any]]:
    """Whether ``value`` can be iterated: an ``Iterable``, less a 0-d numpy array.

    A 0-d array declares ``__iter__`` and raises ``TypeError`` when iterated;
    every check that a value is a list of something goes through here.

    Examples:
        >>> import numpy as np
        >>> iterates([1]), iterates(np.array([1])), iterates(np.array(1)), iterates(3)
        (True, True, False, False)
    """
    return isinstance(value, Iterable) and getattr(value, "ndim", None) != 0


def check_items(
    operation: str, argument: str, value: object, allowed: str, *, name: str = ""
) -> None:
    """Check that ``value`` is an iterable of items (a str, bytes or a mapping is refused).

    Raises:
        ArgumentTypeError: ``value`` is not such an iterable.

    Examples:
        >>> check_items("ProcessPool()", "devices", None, "a list of device ids")
        Traceback (most recent call last):
        ...
        spacealg.errors.ArgumentTypeError: ProcessPool(): devices=None is not valid; \
allowed: a list of device ids
    """
    if isinstance(value, str | bytes | Mapping) or not iterates(value):
        raise ArgumentTypeError(operation, name, argument, value, allowed)
