"""Define-by-run capture: the ``HyperParameters`` handle and ``declare``.

A build function calls ``hp.Int(...)``, ``hp.Choice(...)`` and the rest, as
KerasTuner users write them, and gets back the value for the current trial.
The handle records every declaration into an immutable :class:`Space`
(``hp.space``). It is the one mutable object among the space values and the
algebra, and its state is its own: no global scope stacks, no registries.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

import attrs

from spacealg._algebra.combine import combine
from spacealg._algebra.skip_trial import SkipTrial
from spacealg._space.conditions import Condition
from spacealg._space.discrete import Boolean, Choice, Fixed
from spacealg._space.expressions import canonical, parse
from spacealg._space.kinds import Hyperparameter
from spacealg._space.numeric import Float, Int
from spacealg._space.scalars import Scalar, as_python
from spacealg._space.space import Space, check_space
from spacealg._space.unit_interval import Sampling
from spacealg._space.validation import check_instance, check_int
from spacealg.errors import InactiveError, InvalidSpaceError, InvalidValueError, UnknownNameError

MAX_EXPLORATIONS = 1000
"""How many times :func:`declare` runs a build function unless told otherwise."""


def _needs(conditions: Iterable[Condition]) -> str:
    return " and ".join(f"{c.parent!r} is one of {list(c.values)!r}" for c in conditions)


class _ValuesView(MutableMapping[str, Scalar]):
    """``hp.values``: the handle's active values; setting one is KerasTuner's quick check.

    Reading shows the active values as declarations leave them. ``view[name] = value``
    gives the handle a value for ``name``, as its ``values=`` argument would: the
    next declaration of ``name`` returns it (checked against the declared domain
    there), and a name already declared and active takes it at once (checked
    now). ``del view[name]`` takes a given value back. Nothing else changes: the
    handle's :class:`~spacealg.Space` and every :class:`~spacealg.Values` stay
    immutable values.
    """

    def __init__(
        self,
        values: dict[str, Scalar],
        setter: Callable[[str, Scalar], None],
        unsetter: Callable[[str], None],
    ) -> None:
        self._values = values
        self._setter = setter
        self._unsetter = unsetter

    def __getitem__(self, name: str) -> Scalar:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __setitem__(self, name: str, value: Scalar) -> None:
        self._setter(name, value)

    def __delitem__(self, name: str) -> None:
        self._unsetter(name)

    def __repr__(self) -> str:
        return repr(self._values)


class HyperParameters:
    """The define-by-run handle a build function receives, compatible with KerasTuner's.

    Each declaration returns the current trial's value: the value given for it,
    else its default. A declaration inside an inactive conditional scope
    returns ``None``. Declaring a name again with the same declaration returns
    the same value; under other values of the same parent it makes one entry
    whose condition lists them all; any other difference is an error naming both
    declarations (docs/semantics.md#one-name-one-entry).

    Args:
        values: the current trial's values (names absent here take their defaults).
        tailoring: entries that replace the build function's declarations of the
            same name (the one sanctioned way to change a declaration).
        declared: the hypermodel's declared space, when running a trial: declaring a
            name differently from its entry there (say, a range computed from another
            value) is an error naming both declarations, not a silent first-wins.
        allow_new_entries: False makes declaring a name that is neither in
            ``declared`` nor in ``tailoring`` an error (KerasTuner's argument).

    Examples:
        >>> hp = HyperParameters()
        >>> hp.Int("units", min_value=32, max_value=128, step=32, default=64)
        64
        >>> with hp.conditional_scope("units", [128]):
        ...     print(hp.Boolean("wide"))
        None
        >>> summary(hp.space).splitlines()[1]
        'Default search space size: 2'
    """

    def __init__(
        self,
        values: Mapping[str, Scalar] | None = None,
        *,
        tailoring: Space | None = None,
        declared: Space | None = None,
        allow_new_entries: bool = True,
    ) -> None:
        check_instance(
            "HyperParameters()",
            "values",
            values,
            (Mapping, type(None)),
            "None or a mapping of names to values",
        )
        for argument, space in (("tailoring", tailoring), ("declared", declared)):
            if space is not None:
                check_space("HyperParameters()", argument, space)
        self._allow_new = allow_new_entries
        self._given: dict[str, Scalar] = {k: as_python(v) for k, v in (values or {}).items()}
        self._tailoring = tailoring if tailoring is not None else Space()
        self._reference = declared if declared is not None else Space()
        self._declared: dict[str, Hyperparameter] = {}
        self._values: dict[str, Scalar] = {}
        self._scopes: list[Condition] = []
        self._prefixes: list[str] = []
        self._scopes_seen: dict[Condition, bool] = {}
        self._constraints: dict[str, tuple[str, ...]] = {}  # text -> the names it mentions
        self._set_by_hand: set[str] = set()
        """Names given through ``hp.values[name] = value``: checked at their declaration."""

    # -- declarations -----------------------------------------------------

    def Int(  # noqa: N802 - KerasTuner's method names
        self,
        name: str,
        min_value: int,
        max_value: int,
        step: int | None = None,
        sampling: Sampling = "linear",
        default: int | None = None,
        parent_name: str | None = None,
        parent_values: Any = None,
    ) -> Any:
        """Declare an :class:`~spacealg.Int`; returns its value (None when inactive)."""
        return self._make(
            Int,
            name,
            parent_name,
            parent_values,
            min_value=min_value,
            max_value=max_value,
            step=step,
            sampling=sampling,
            default=default,
        )

    def Float(  # noqa: N802
        self,
        name: str,
        min_value: float,
        max_value: float,
        step: float | None = None,
        sampling: Sampling = "linear",
        default: float | None = None,
        parent_name: str | None = None,
        parent_values: Any = None,
    ) -> Any:
        """Declare a :class:`~spacealg.Float`; returns its value (None when inactive)."""
        return self._make(
            Float,
            name,
            parent_name,
            parent_values,
            min_value=min_value,
            max_value=max_value,
            step=step,
            sampling=sampling,
            default=default,
        )

    def Choice(  # noqa: N802
        self,
        name: str,
        values: Iterable[Scalar],
        ordered: bool | None = None,
        default: Scalar | None = None,
        parent_name: str | None = None,
        parent_values: Any = None,
    ) -> Any:
        """Declare a :class:`~spacealg.Choice`; returns its value (None when inactive)."""
        return self._make(
            Choice,
            name,
            parent_name,
            parent_values,
            values=values,
            ordered=ordered,
            default=default,
        )

    def Boolean(  # noqa: N802
        self,
        name: str,
        default: bool = False,
        parent_name: str | None = None,
        parent_values: Any = None,
    ) -> Any:
        """Declare a :class:`~spacealg.Boolean`; returns its value (None when inactive)."""
        return self._make(Boolean, name, parent_name, parent_values, default=default)

    def Fixed(  # noqa: N802
        self,
        name: str,
        value: Scalar,
        parent_name: str | None = None,
        parent_values: Any = None,
    ) -> Any:
        """Declare a :class:`~spacealg.Fixed`; returns its value (None when inactive)."""
        return self._make(Fixed, name, parent_name, parent_values, value=value)

    # -- scopes -------------------------------------------------------------

    @contextlib.contextmanager
    def conditional_scope(self, parent_name: str, parent_values: Any) -> Iterator[None]:
        """Declarations inside are active only when ``parent_name`` has one of ``parent_values``.

        Raises:
            UnknownNameError: the parent has not been declared.
        """
        parent = self._full(parent_name)
        if parent not in self._declared:
            raise UnknownNameError(
                "HyperParameters.conditional_scope()", parent, tuple(self._declared)
            )
        condition = self._condition(parent, parent_values)
        self._scopes_seen[condition] = self._scopes_seen.get(condition, False) or condition.holds(
            self._values
        )
        self._scopes.append(condition)
        try:
            yield
        finally:
            self._scopes.pop()

    @contextlib.contextmanager
    def name_scope(self, name: str) -> Iterator[None]:
        """Declarations inside are named ``name/<their name>``."""
        self._prefixes.append(name)
        try:
            yield
        finally:
            self._prefixes.pop()

    # -- reading values -------------------------------------------------------

    @classmethod
    def holding(cls, space: Space, values: Mapping[str, Scalar]) -> HyperParameters:
        """A handle that has declared every entry of ``space`` with ``values``.

        Its ``values`` are the active entries' values (a name absent from
        ``values`` takes its default), as KerasTuner's best hyperparameters hold
        them before any build.

        Examples:
            >>> space = Space([Int("units", min_value=32, max_value=128, step=32)])
            >>> HyperParameters.holding(space, {"units": 96}).values["units"]
            96
        """
        handle = cls(values)
        for hp in space.dependency_order():
            handle._declare(hp)
        return handle

    @property
    def values(self) -> MutableMapping[str, Scalar]:
        """The current values of the active hyperparameters, a live view.

        As in KerasTuner, ``hp.values[name] = value`` sets the value the next
        declaration of ``name`` returns (to check one branch of a build function);
        a value outside the declared domain is an error at that declaration, or at
        once for a name already declared.

        Raises:
            InvalidValueError: (on setting) the value is outside the domain of the
                entry already declared under ``name``.

        Examples:
            >>> hp = HyperParameters()
            >>> hp.values["model_type"] = "cnn"
            >>> hp.Choice("model_type", ["mlp", "cnn"])
            'cnn'
            >>> dict(hp.values)
            {'model_type': 'cnn'}
        """
        return _ValuesView(self._values, self._set_value, self._unset_value)

    @property
    def space(self) -> Space:
        """Everything declared so far, as an immutable :class:`~spacealg.Space`.

        It holds the constraints stated so far whose names are all declared.
        """
        constraints = [
            text
            for text, names in self._constraints.items()
            if all(name in self._declared for name in names)
        ]
        return Space(self._declared.values(), constraints=constraints)

    def constrain(self, *expressions: str) -> None:
        """State constraints of the space where it is declared (see :func:`spacealg.constrain`).

        :func:`declare` keeps them in the declared space, so every oracle
        proposes only allowed configurations. The syntax is checked here; the
        names when the space is built (a constraint may come before the
        declarations it mentions, and its names are full names, ``name_scope``
        prefixes included).

        Raises:
            ArgumentTypeError: an expression that is not a non-empty str.
            ExpressionError: an expression outside the constraint language.

        Examples:
            >>> hp = HyperParameters()
            >>> units = hp.Int("units", min_value=32, max_value=512, step=32)
            >>> layers = hp.Int("layers", min_value=1, max_value=8)
            >>> hp.constrain("units * layers <= 1024")
            >>> hp.space.constraints
            ('units * layers <= 1024',)
        """
        for expression in expressions:
            tree, names = parse(expression, types=None, operation="HyperParameters.constrain()")
            self._constraints[canonical(tree)] = names

    def get(self, name: str) -> Scalar:
        """The current value of ``name``.

        Raises:
            InactiveError: ``name`` is declared but inactive in this trial.
            UnknownNameError: ``name`` was never declared (suggests close names).
        """
        return self._lookup(name, "HyperParameters.get()")

    def __getitem__(self, name: str) -> Scalar:
        return self._lookup(name, "HyperParameters[]")

    def __contains__(self, name: object) -> bool:
        return name in self._declared

    def __repr__(self) -> str:
        return f"HyperParameters(values={dict(self._values)!r})"

    def _lookup(self, name: str, operation: str) -> Scalar:
        if name in self._values:
            return self._values[name]
        if name in self._declared:
            raise InactiveError(operation, name, _needs(self._declared[name].conditions))
        known = tuple(self._declared) or tuple(self._given)
        raise UnknownNameError(operation, name, known)

    # -- internals ------------------------------------------------------------

    def _entry(self, name: str) -> Hyperparameter:
        """The entry a declaration of ``name`` takes its domain from (the tailoring's first)."""
        return self._tailoring[name] if name in self._tailoring else self._declared[name]

    def _checked(self, entry: Hyperparameter, value: object, operation: str) -> Scalar:
        """``value`` as ``entry`` holds it, or an error naming the domain."""
        held = entry.canonical(value)
        if not entry.contains(held):
            raise InvalidValueError(operation, entry.name, value, entry.describe())
        return held  # type: ignore[no-any-return]  # canonical keeps a Scalar a Scalar

    def _set_value(self, name: str, value: Scalar) -> None:
        if not isinstance(name, str):
            raise UnknownNameError("HyperParameters.values[]", repr(name), tuple(self._declared))
        value = as_python(value)
        if name in self._declared:
            value = self._checked(self._entry(name), value, "HyperParameters.values[]")
            if name in self._values:
                self._values[name] = value
        self._given[name] = value
        self._set_by_hand.add(name)

    def _unset_value(self, name: str) -> None:
        if name not in self._given and name not in self._values:
            raise UnknownNameError("HyperParameters.values[]", name, tuple(self._values))
        self._given.pop(name, None)
        self._set_by_hand.discard(name)
        if name in self._values:
            self._values[name] = self._entry(name).default

    def _full(self, name: str) -> str:
        return "/".join([*self._prefixes, name])

    def _conditions(
        self, kind: str, parent_name: str | None, parent_values: Any
    ) -> tuple[Condition, ...]:
        conditions = list(self._scopes)
        if parent_name is not None:
            parent = self._full(parent_name)
            if parent not in self._declared:
                raise UnknownNameError(f"HyperParameters.{kind}()", parent, tuple(self._declared))
            conditions.append(self._condition(parent, parent_values))
        return tuple(conditions)

    def _condition(self, parent: str, parent_values: Any) -> Condition:
        """A condition on a declared parent, its values as the parent holds them.

        ``0.1 * 3`` on a Float grid becomes 0.3, so that the condition holds for
        the parent's snapped value.
        """
        given = Condition(parent, parent_values)
        hp = self._declared[parent]
        return Condition(parent, [hp.canonical(value) for value in given.values])

    def _make(
        self,
        kind: type[Hyperparameter],
        name: str,
        parent_name: str | None,
        parent_values: Any,
        **arguments: Any,
    ) -> Any:
        conditions = self._conditions(kind.__name__, parent_name, parent_values)
        return self._declare(kind(self._full(name), conditions=conditions, **arguments))

    def _declare(self, declared: Hyperparameter) -> Scalar | None:
        name = declared.name
        operation = f"HyperParameters.{type(declared).__name__}()"
        reference = self._reference.get(name)
        if not self._allow_new and reference is None and name not in self._tailoring:
            raise InvalidSpaceError(
                operation,
                name,
                f"{name!r} is declared during a trial, but the tailoring does not list it",
                "names listed in the tailoring (or allow_new_entries=True)",
            )
        if (
            reference is not None
            and name not in self._tailoring
            and attrs.evolve(reference, conditions=()) != attrs.evolve(declared, conditions=())
        ):
            raise InvalidSpaceError(
                operation,
                name,
                f"{name!r} is declared as {declared!r} in this trial, "
                f"but as {reference!r} in the declared space",
                "the same declaration in every trial (tailor it with override() or a "
                "tailoring entry instead)",
            )
        if name in self._declared:
            self._declared[name] = combine(self._declared[name], declared, operation)
        else:
            self._declared[name] = declared
        entry = declared
        if name in self._tailoring:
            tailored = self._tailoring[name]
            conditions = tailored.conditions or declared.conditions
            entry = attrs.evolve(tailored, conditions=conditions)
        if not declared.is_active(self._values):
            # Inactive here; but the same name declared under another value of the same
            # parent may be active, and then its value stays.
            if not self._declared[name].is_active(self._values):
                self._values.pop(name, None)
            return None
        if name in self._set_by_hand:
            value = self._checked(entry, self._given[name], operation)
        elif name in self._given:
            value = entry.canonical(self._given[name])
        else:
            value = entry.default
        self._values[name] = value
        return value


def _build_function(obj: object) -> Callable[[HyperParameters], object]:
    build = getattr(obj, "build", None)
    if callable(build):
        return build  # type: ignore[no-any-return]
    if callable(obj):
        return obj
    raise InvalidSpaceError(
        "declare()",
        type(obj).__name__,
        f"{obj!r} has no space to declare",
        "a Space, an object with a .space Space or a .build(hp) method, or a function of hp",
    )


def declare(obj: object, *, max_explorations: int = MAX_EXPLORATIONS) -> Space:
    """The space a hypermodel declares.

    ``obj.space`` when that attribute is a :class:`~spacealg.Space`; else the
    space recorded by running ``obj.build(hp)``, or ``obj(hp)``, with default
    values and then once more for each conditional branch not yet seen active,
    its parent forced to the first value the scope lists, until every branch
    has been seen. Declarations reachable only through plain ``if``s on
    non-default values are found during trials instead. A run that raises
    :class:`~spacealg.SkipTrial` (an invalid combination, even the defaults')
    keeps what it declared before the raise. The constraints stated with
    ``hp.constrain`` in any run join the space; one that mentions a name no run
    declared is an error.

    Args:
        obj: a ``Space``, an object with a ``.space`` ``Space`` or a ``.build(hp)``
            method, or a function of ``hp``.
        max_explorations: the most runs of the build function (the first run, plus
            one per conditional branch not seen active); a build function with
            branches left to explore after that many runs is an error, never a
            partial space.

    Raises:
        InvalidArgumentError: ``max_explorations`` is not an int >= 1.
        InvalidSpaceError: ``obj`` has no space to declare, declares one name
            twice with different declarations, or has branches left to explore
            after ``max_explorations`` runs.
        ExpressionError: a stated constraint mentions a name no run declared.

    Examples:
        >>> def build(hp):
        ...     model = hp.Choice("model", ["mlp", "cnn"])
        ...     with hp.conditional_scope("model", "cnn"):
        ...         if model == "cnn":
        ...             hp.Int("filters", min_value=8, max_value=64, step=8)
        >>> list(declare(build))
        ['model', 'filters']
    """
    check_int("declare()", "max_explorations", max_explorations, minimum=1)
    space = getattr(obj, "space", None)
    if isinstance(obj, Space):
        return obj
    if isinstance(space, Space):
        return space
    build = _build_function(obj)
    declared: dict[str, Hyperparameter] = {}
    constraints: dict[str, tuple[str, ...]] = {}
    tried: set[Condition] = set()
    queue: list[dict[str, Scalar]] = [{}]
    for _ in range(max_explorations):
        if not queue:
            break
        forced = queue.pop(0)
        handle = HyperParameters(forced)
        with contextlib.suppress(SkipTrial):
            build(handle)
        for hp in handle._declared.values():  # noqa: SLF001 - the handle is this module's
            declared[hp.name] = (
                combine(declared[hp.name], hp, "declare()") if hp.name in declared else hp
            )
        constraints.update(handle._constraints)  # noqa: SLF001
        for condition, seen_active in handle._scopes_seen.items():  # noqa: SLF001
            if seen_active:
                tried.add(condition)
            elif condition not in tried:
                tried.add(condition)
                queue.append({**forced, condition.parent: condition.values[0]})
    if queue:
        raise InvalidSpaceError(
            "declare()",
            getattr(build, "__qualname__", type(build).__name__),
            f"the build function still has conditional branches to explore after "
            f"{max_explorations} runs (max_explorations={max_explorations}), so the declared "
            f"space would miss their entries",
            f"a larger limit, such as declare(obj, max_explorations={max_explorations * 10})",
        )
    return Space(declared.values(), constraints=constraints)
