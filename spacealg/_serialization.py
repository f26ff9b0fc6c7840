"""Saving spaces as JSON-ready dicts, reading them back, and importing KerasTuner configs.

The saved form carries a format name and a schema version, and names each
entry's kind with a stable string (``"int"``, ``"float"``, ``"choice"``,
``"boolean"``, ``"fixed"``), never a class name. Decoding never mutates its
input. Schema version 1::

    {"format": "spacealg.space", "version": 1, "hyperparameters": [
        {"kind": "int", "name": "units", "min_value": 32, "max_value": 128,
         "step": 32, "sampling": "linear", "default": 64, "conditions": []},
        ...]}

A condition is saved as ``{"parent": "optimizer", "values": ["sgd"]}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ._combine import combine
from ._conditions import Condition
from ._kinds import KINDS, Hyperparameter
from ._space import Space
from .errors import SerializationError, SpaceError

FORMAT = "spacealg.space"
SCHEMA_VERSION = 1

_FIELDS: dict[str, tuple[str, ...]] = {
    "int": ("min_value", "max_value", "step", "sampling", "default"),
    "float": ("min_value", "max_value", "step", "sampling", "default"),
    "choice": ("values", "ordered", "default"),
    "boolean": ("default",),
    "fixed": ("value",),
}
_CLASSES: dict[str, Callable[..., Hyperparameter]] = {cls.kind: cls for cls in KINDS}


def to_dict(space: Space) -> dict[str, Any]:
    """``space`` as a dict of JSON types only, lossless.

    Example:
        >>> from spacealg import Boolean, Space
        >>> to_dict(Space([Boolean("dropout")]))
        {'format': 'spacealg.space', 'version': 1, 'hyperparameters': [{'kind': 'boolean', \
'name': 'dropout', 'default': False, 'conditions': []}]}
    """
    entries = []
    for hp in space.hyperparameters:
        entry: dict[str, Any] = {"kind": hp.kind, "name": hp.name}
        for field in _FIELDS[hp.kind]:
            value = getattr(hp, field)
            entry[field] = list(value) if isinstance(value, tuple) else value
        entry["conditions"] = [
            {"parent": c.parent, "values": list(c.values)} for c in hp.conditions
        ]
        entries.append(entry)
    return {"format": FORMAT, "version": SCHEMA_VERSION, "hyperparameters": entries}


def _require(data: Mapping[str, Any], key: str, path: str, operation: str) -> Any:
    if key not in data:
        raise SerializationError(operation, path, f"missing field {key!r}")
    return data[key]


def _mapping(data: object, path: str, operation: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise SerializationError(operation, path, f"expected an object, got {data!r}")
    return data


def _list(data: object, path: str, operation: str) -> list[Any]:
    if not isinstance(data, list | tuple):
        raise SerializationError(operation, path, f"expected a list, got {data!r}")
    return list(data)


def _condition(data: object, path: str, operation: str) -> Condition:
    entry = _mapping(data, path, operation)
    unknown = set(entry) - {"parent", "values"}
    if unknown:
        raise SerializationError(operation, path, f"unknown fields {sorted(unknown)!r}")
    parent = _require(entry, "parent", path, operation)
    values = _list(_require(entry, "values", path, operation), f"{path}.values", operation)
    return Condition(parent, values)


def _hyperparameter(data: object, path: str, operation: str) -> Hyperparameter:
    entry = _mapping(data, path, operation)
    kind = _require(entry, "kind", path, operation)
    if kind not in _FIELDS:
        raise SerializationError(
            operation, f"{path}.kind", f"unknown kind {kind!r}; known: {', '.join(_FIELDS)}"
        )
    fields = _FIELDS[kind]
    unknown = set(entry) - {"kind", "name", "conditions", *fields}
    if unknown:
        raise SerializationError(operation, path, f"unknown fields {sorted(unknown)!r}")
    arguments = {field: _require(entry, field, path, operation) for field in fields}
    conditions = _list(entry.get("conditions", []), f"{path}.conditions", operation)
    try:
        return _CLASSES[kind](
            _require(entry, "name", path, operation),
            conditions=tuple(
                _condition(c, f"{path}.conditions[{i}]", operation)
                for i, c in enumerate(conditions)
            ),
            **arguments,
        )
    except SerializationError:
        raise
    except SpaceError as error:
        raise SerializationError(operation, path, str(error)) from error


def from_dict(data: Mapping[str, Any]) -> Space:
    """The space saved by :func:`to_dict`; ``data`` is left unchanged.

    Raises:
        SerializationError: the data is not a saved space, is from a newer schema
            version, or describes an invalid space (the message says where).

    Example:
        >>> from spacealg import Int, Space
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32)])
        >>> from_dict(to_dict(space)) == space
        True
    """
    operation = "from_dict()"
    root = _mapping(data, "", operation)
    if root.get("format") != FORMAT:
        raise SerializationError(
            operation, "format", f"expected {FORMAT!r}, got {root.get('format')!r}"
        )
    version = _require(root, "version", "", operation)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SerializationError(operation, "version", f"expected a positive int, got {version!r}")
    if version > SCHEMA_VERSION:
        raise SerializationError(
            operation,
            "version",
            f"schema version {version} is newer than this spacealg reads "
            f"({SCHEMA_VERSION}); upgrade spacealg",
        )
    entries = _list(_require(root, "hyperparameters", "", operation), "hyperparameters", operation)
    hyperparameters = [
        _hyperparameter(entry, f"hyperparameters[{i}]", operation)
        for i, entry in enumerate(entries)
    ]
    try:
        return Space(hyperparameters)
    except SpaceError as error:
        raise SerializationError(operation, "hyperparameters", str(error)) from error


def to_json(space: Space, *, indent: int | None = None) -> str:
    """``space`` as JSON text (see :func:`to_dict`)."""
    return json.dumps(to_dict(space), indent=indent)


def from_json(text: str | bytes) -> Space:
    """The space saved by :func:`to_json`.

    Raises:
        SerializationError: the text is not valid JSON or not a saved space.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SerializationError(
            "from_json()",
            "",
            f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}",
        ) from error
    return from_dict(data)


_KT_CLASSES = {
    "Int": "int",
    "Float": "float",
    "Choice": "choice",
    "Boolean": "boolean",
    "Fixed": "fixed",
}


def _booleans_by_name(entries: list[Mapping[str, Any]]) -> set[str]:
    """KerasTuner Choices that were boolean before it turned them into ``[1, 0]``.

    A ``[1, 0]`` Choice is one; a ``[0, 1]`` Choice is one when some condition
    names it with boolean values.
    """
    bool_parents = {
        c["config"]["name"]
        for entry in entries
        for c in entry["config"].get("conditions") or []
        if any(isinstance(v, bool) for v in c["config"].get("values", []))
    }
    booleans = set()
    for entry in entries:
        config = entry["config"]
        values = config.get("values")
        if entry.get("class_name") != "Choice" or not isinstance(values, list):
            continue
        plain_ints = all(type(v) is int for v in values)
        if plain_ints and (
            values == [1, 0] or (values == [0, 1] and config["name"] in bool_parents)
        ):
            booleans.add(config["name"])
    return booleans


def _kt_entry(entry: Mapping[str, Any], booleans: set[str]) -> dict[str, Any]:
    """A KerasTuner ``{'class_name', 'config'}`` entry in spacealg's saved form."""
    kind = _KT_CLASSES.get(entry.get("class_name"))  # type: ignore[arg-type]
    if kind is None:
        raise SerializationError(
            "from_keras_tuner()",
            str(entry.get("class_name")),
            f"unknown class_name {entry.get('class_name')!r}; known: {', '.join(_KT_CLASSES)}",
        )
    config = dict(entry["config"])
    name = config.get("name")
    saved: dict[str, Any] = {"kind": kind, "name": name}
    for field in _FIELDS[kind]:
        saved[field] = config.get(field)
    if kind in ("int", "float") and saved["sampling"] is None:
        saved["sampling"] = "linear"
    if kind == "boolean" and saved["default"] is None:
        saved["default"] = False
    if name in booleans:
        saved["values"] = [bool(v) for v in config["values"]]
        saved["ordered"] = False
        saved["default"] = None if config.get("default") is None else bool(config["default"])
    saved["conditions"] = [
        {
            "parent": c["config"]["name"],
            "values": [
                bool(v) if c["config"]["name"] in booleans else v for v in c["config"]["values"]
            ],
        }
        for c in config.get("conditions") or []
    ]
    return saved


def from_keras_tuner(config: Mapping[str, Any]) -> Space:
    """The space of a KerasTuner ``HyperParameters.get_config()`` dict.

    Boolean Choices, which KerasTuner stores as ``[1, 0]``, become ``[True, False]``.
    A name KerasTuner lists twice under different values of one parent becomes one
    entry whose condition lists both; any other repeated name is an error.

    Raises:
        SerializationError: the config is not a KerasTuner HyperParameters config.
        InvalidSpaceError: a name is listed twice with different declarations.

    Example:
        >>> config = {"space": [{"class_name": "Choice", "config": {"name": "bn",
        ...     "default": 1, "conditions": [], "values": [1, 0], "ordered": True}}], "values": {}}
        >>> from_keras_tuner(config)["bn"]
        Choice(name='bn', values=(True, False), ordered=False, default=True, conditions=())
    """
    operation = "from_keras_tuner()"
    root = _mapping(config, "", operation)
    entries = [
        _mapping(entry, f"space[{i}]", operation)
        for i, entry in enumerate(_list(_require(root, "space", "", operation), "space", operation))
    ]
    for i, entry in enumerate(entries):
        _mapping(
            _require(entry, "config", f"space[{i}]", operation), f"space[{i}].config", operation
        )
    booleans = _booleans_by_name(entries)
    by_name: dict[str, Hyperparameter] = {}
    for i, entry in enumerate(entries):
        hp = _hyperparameter(_kt_entry(entry, booleans), f"space[{i}]", operation)
        by_name[hp.name] = combine(by_name[hp.name], hp, operation) if hp.name in by_name else hp
    try:
        return Space(by_name.values())
    except SpaceError as error:
        raise SerializationError(operation, "space", str(error)) from error


__all__ = ["from_dict", "from_json", "from_keras_tuner", "to_dict", "to_json"]
