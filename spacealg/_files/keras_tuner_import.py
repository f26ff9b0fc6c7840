"""Importing KerasTuner's ``HyperParameters.get_config()`` dicts as spaces.

Existing KerasTuner projects come over with :func:`from_keras_tuner`. Booleans,
which KerasTuner stores as ``[1, 0]`` Choices, become booleans again, and a name
KerasTuner lists twice under different values of one parent becomes one entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from spacealg._algebra.combine import combine
from spacealg._files.serialization import (
    _CLASSES,
    _FIELDS,
    _array,
    _at,
    _field,
    _json_type,
    _kind,
    _object,
    _space,
    _wrapped,
)
from spacealg._space.conditions import Condition
from spacealg._space.kinds import Hyperparameter
from spacealg._space.space import Space
from spacealg.errors import SerializationError, SpaceError

_KT_KINDS = {kind.capitalize(): kind for kind in _FIELDS}  # "Int" -> "int", ...
_REQUIRED: Any = object()
_NUMERIC = {"min_value": _REQUIRED, "max_value": _REQUIRED, "step": None, "sampling": "linear"}
_KT_FIELDS: dict[str, dict[str, Any]] = {  # each field KerasTuner writes, with its default
    "int": {**_NUMERIC, "default": None},
    "float": {**_NUMERIC, "default": None},
    "choice": {"values": _REQUIRED, "ordered": None, "default": None},
    "boolean": {"default": False},
    "fixed": {"value": _REQUIRED},
}


def _string(data: object, path: str, operation: str) -> str:
    if not isinstance(data, str):
        raise SerializationError(operation, path, f"expected a string, got {_json_type(data)}")
    return data


def _kt_config(data: object, path: str, operation: str) -> Mapping[str, Any]:
    """The ``config`` of a KerasTuner ``{'class_name': ..., 'config': {...}}`` object."""
    config = _field(_object(data, path, operation), "config", path, operation)
    return _object(config, _at(path, "config"), operation)


class _KTEntry:
    """One KerasTuner entry, its shape checked.

    Fields KerasTuner always writes are required; the others take KerasTuner's
    defaults, and fields spacealg does not know are ignored.
    """

    __slots__ = ("arguments", "conditions", "kind", "name", "path")

    def __init__(self, data: object, path: str, operation: str) -> None:
        class_name = _field(_object(data, path, operation), "class_name", path, operation)
        self.kind = _KT_KINDS[_kind(class_name, _at(path, "class_name"), operation, [*_KT_KINDS])]
        config = _kt_config(data, path, operation)
        self.path = path = _at(path, "config")
        self.name = _string(_field(config, "name", path, operation), _at(path, "name"), operation)
        self.arguments = {
            key: _field(config, key, path, operation)
            if default is _REQUIRED
            else config.get(key, default)
            for key, default in _KT_FIELDS[self.kind].items()
        }
        if self.kind == "choice":
            _array(self.arguments["values"], _at(path, "values"), operation)
        self.conditions: list[tuple[str, Sequence[Any]]] = []
        conditions_path = _at(path, "conditions")
        items = _array(config.get("conditions") or [], conditions_path, operation)
        for i, item in enumerate(items):
            parent = _kt_config(item, _at(conditions_path, i), operation)
            where = _at(_at(conditions_path, i), "config")
            name = _string(_field(parent, "name", where, operation), _at(where, "name"), operation)
            values = _field(parent, "values", where, operation)
            self.conditions.append((name, _array(values, _at(where, "values"), operation)))

    def is_boolean_choice(self, boolean_parents: set[str]) -> bool:
        """Whether this is a boolean Choice that KerasTuner turned into ints.

        A ``[1, 0]`` Choice is one; a ``[0, 1]`` Choice is one when some condition
        names it with boolean values.
        """
        if self.kind != "choice":
            return False
        values = list(self.arguments["values"])
        if not all(type(value) is int for value in values):
            return False
        return values == [1, 0] or (values == [0, 1] and self.name in boolean_parents)

    def build(self, booleans: set[str], operation: str) -> Hyperparameter:
        """The spacealg declaration, with boolean Choices (and conditions on them) as bools."""
        arguments = dict(self.arguments)
        if self.name in booleans:
            arguments["values"] = [bool(value) for value in arguments["values"]]
            arguments["ordered"] = False
            if arguments["default"] is not None:
                arguments["default"] = bool(arguments["default"])
        conditions = []
        for i, (parent, values) in enumerate(self.conditions):
            try:
                conditions.append(
                    Condition(parent, [bool(v) for v in values] if parent in booleans else values)
                )
            except SpaceError as error:
                path = _at(_at(_at(self.path, "conditions"), i), "config")
                raise _wrapped(error, path, operation) from error
        try:
            return _CLASSES[self.kind](self.name, conditions=tuple(conditions), **arguments)
        except SpaceError as error:
            raise _wrapped(error, self.path, operation) from error


def from_keras_tuner(config: Mapping[str, Any]) -> Space:
    """The space of a KerasTuner ``HyperParameters.get_config()`` dict.

    Boolean Choices, which KerasTuner stores as ``[1, 0]``, become ``[True, False]``
    (a ``[0, 1]`` Choice does too when a condition names it with booleans). An
    ``Int`` saved without a default gets its resolved default, ``min_value``. A name
    KerasTuner lists twice under different values of one parent becomes one entry
    whose condition lists both; any other repeated name is an error. ``config`` is
    left unchanged.

    Args:
        config: the dict ``HyperParameters.get_config()`` returns (its ``values`` are
            ignored), as is or read back from JSON.

    Returns:
        The space, entries in KerasTuner's order (a repeated name at its first place).

    Raises:
        SerializationError: the config is not a KerasTuner HyperParameters config, or
            an entry is not a valid spacealg declaration.
        InvalidSpaceError: a name is listed twice with different declarations.

    Examples:
        >>> config = {"space": [{"class_name": "Choice", "config": {"name": "bn",
        ...     "default": 1, "conditions": [], "values": [1, 0], "ordered": True}}], "values": {}}
        >>> from_keras_tuner(config)["bn"]
        Choice(name='bn', values=(True, False), ordered=False, default=True, conditions=())
    """
    operation = "from_keras_tuner()"
    root = _object(config, "", operation)
    if "space" not in root and "format" in root:
        raise SerializationError(
            operation, "", "missing field 'space'; a saved spacealg space is read by from_dict()"
        )
    items = _array(_field(root, "space", "", operation), "space", operation)
    entries = [_KTEntry(item, _at("space", i), operation) for i, item in enumerate(items)]
    boolean_parents = {
        parent
        for entry in entries
        for parent, values in entry.conditions
        if any(isinstance(value, bool) for value in values)
    }
    booleans = {entry.name for entry in entries if entry.is_boolean_choice(boolean_parents)}
    by_name: dict[str, Hyperparameter] = {}
    for entry in entries:
        hp = entry.build(booleans, operation)
        by_name[hp.name] = combine(by_name[hp.name], hp, operation) if hp.name in by_name else hp
    return _space(list(by_name.values()), [entry.name for entry in entries], "space", operation)
