"""Saving spaces as JSON-ready dicts and reading them back.

The saved form carries a format name and a schema version, and names each
entry's kind with a stable string (``"int"``, ``"float"``, ``"choice"``,
``"boolean"``, ``"fixed"``), never a class name. Every field is written, and
reading is strict: a missing or unknown field is an error that says where it
is. Decoding never mutates its input. Schema version 1::

    {"format": "spacealg.space", "version": 1, "hyperparameters": [
        {"kind": "int", "name": "units", "min_value": 32, "max_value": 128,
         "step": 32, "sampling": "linear", "default": 64, "conditions": []},
        ...]}

A condition is saved as ``{"parent": "optimizer", "values": ["sgd"]}``. Types
survive the round trip through JSON: a ``Float`` step saved as ``1`` stays the
int ``1``, float values stay floats (``1e-05``), booleans stay booleans.

Schema version 2 adds the space's constraints, as a root field
``"constraints": ["units * layers <= 4096"]``, and a ``Choice``'s weights, as
an entry field ``"weights": [0.5, 0.25, 0.25]`` written only when it has
some. A space is written in the oldest version that holds it (a space without
constraints or weights is written exactly as before, as version 1), and every
older version still reads.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from spacealg._space.conditions import Condition
from spacealg._space.discrete import Choice
from spacealg._space.kinds import KINDS, Hyperparameter
from spacealg._space.space import Space, check_space
from spacealg._space.validation import check_int
from spacealg.errors import (
    ArgumentTypeError,
    ConstraintError,
    ExpressionError,
    SerializationError,
    SpaceError,
    quoted,
)

FORMAT = "spacealg.space"
SCHEMA_VERSION = 2

_ROOT_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("format", "version", "hyperparameters"),
    2: ("format", "version", "hyperparameters", "constraints"),
}
_FIELDS: dict[str, tuple[str, ...]] = {
    "int": ("min_value", "max_value", "step", "sampling", "default"),
    "float": ("min_value", "max_value", "step", "sampling", "default"),
    "choice": ("values", "ordered", "default"),
    "boolean": ("default",),
    "fixed": ("value",),
}
_OPTIONAL: dict[str, tuple[str, ...]] = {"choice": ("weights",)}
"""Fields of schema version 2 written only when set (a ``Choice``'s weights)."""
_CLASSES: dict[str, Callable[..., Hyperparameter]] = {cls.kind: cls for cls in KINDS}


def to_dict(space: Space) -> dict[str, Any]:
    """``space`` as a dict of JSON types only, lossless.

    Args:
        space: the space to save.

    Returns:
        A new dict with ``format``, ``version`` and the entries in space order
        (and ``constraints``, in schema version 2, when the space has any).

    Examples:
        >>> from spacealg import Boolean, Space
        >>> to_dict(Space([Boolean("dropout")]))
        {'format': 'spacealg.space', 'version': 1, 'hyperparameters': [{'kind': 'boolean', \
'name': 'dropout', 'default': False, 'conditions': []}]}
    """
    check_space("to_dict()", "space", space)
    entries = [entry_to_dict(hp) for hp in space.hyperparameters]
    weighted = any(isinstance(hp, Choice) and hp.weights is not None for hp in space.values())
    if not space.constraints and not weighted:
        return {"format": FORMAT, "version": 1, "hyperparameters": entries}
    return {
        "format": FORMAT,
        "version": 2,
        "hyperparameters": entries,
        "constraints": list(space.constraints),
    }


def entry_to_dict(hp: Hyperparameter) -> dict[str, Any]:
    """One hyperparameter as a dict of JSON types, as :func:`to_dict` lists it."""
    entry: dict[str, Any] = {"kind": hp.kind, "name": hp.name}
    for field in _FIELDS[hp.kind]:
        value = getattr(hp, field)
        entry[field] = list(value) if isinstance(value, tuple) else value
    entry["conditions"] = [{"parent": c.parent, "values": list(c.values)} for c in hp.conditions]
    if isinstance(hp, Choice) and hp.weights is not None:
        entry["weights"] = list(hp.weights)
    return entry


def entry_from_dict(data: Mapping[str, Any], operation: str) -> Hyperparameter:
    """One hyperparameter from :func:`entry_to_dict`'s dict.

    Raises:
        SerializationError: the dict is not a valid entry (the message says where).
    """
    return _hyperparameter(data, "", operation, SCHEMA_VERSION)


def _at(path: str, key: str | int) -> str:
    """The path of a field (``key`` a str) or an array item (``key`` an int) under ``path``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


_JSON_TYPES = (
    (bool, "a boolean"),
    (int | float, "a number"),
    (str, "a string"),
    (Mapping, "an object"),
    (list | tuple, "an array"),
)


def _json_type(value: object) -> str:
    """The JSON type of ``value``, in words, for error messages."""
    words = (words for python, words in _JSON_TYPES if isinstance(value, python))
    return "null" if value is None else next(words, type(value).__name__)


def _object(data: object, path: str, operation: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise SerializationError(operation, path, f"expected an object, got {_json_type(data)}")
    return data


def _array(data: object, path: str, operation: str) -> Sequence[Any]:
    if not isinstance(data, list | tuple):
        raise SerializationError(operation, path, f"expected an array, got {_json_type(data)}")
    return data


def _field(data: Mapping[str, Any], key: str, path: str, operation: str) -> Any:
    if key not in data:
        raise SerializationError(operation, path, f"missing field {key!r}")
    return data[key]


def _check_fields(
    data: Mapping[str, Any], fields: Sequence[str], path: str, operation: str
) -> None:
    """Every field of ``fields`` present and no other (an unknown one is named first)."""
    for key in data:
        if key not in fields:
            close = difflib.get_close_matches(str(key), fields, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {quoted(fields)}"
            raise SerializationError(operation, path, f"unknown field {key!r}; {hint}")
    for key in fields:
        _field(data, key, path, operation)


def _wrapped(error: SpaceError, path: str, operation: str) -> SerializationError:
    """A constructor's error, located at the field it names when it names one."""
    argument = getattr(error, "argument", "")
    return SerializationError(operation, _at(path, argument) if argument else path, str(error))


def _space(
    hyperparameters: list[Hyperparameter],
    names: list[str],
    path: str,
    operation: str,
    constraints: Sequence[str] = (),
) -> Space:
    """The space of ``hyperparameters``; an invariant error points at the entry it names.

    ``names`` lists the name at each position of the input, which locates the entry.
    """
    if constraints:
        _space(hyperparameters, names, path, operation)
    try:
        return Space(hyperparameters, constraints=constraints)
    except (ExpressionError, ConstraintError) as error:
        texts = list(constraints)
        text = getattr(error, "expression", getattr(error, "constraint", ""))
        where = _at("constraints", texts.index(text)) if text in texts else "constraints"
        raise SerializationError(operation, where, str(error)) from error
    except SpaceError as error:
        name = getattr(error, "name", None)
        where = path
        if name in names:
            where = _at(path, len(names) - 1 - names[::-1].index(name))
        raise SerializationError(operation, where, str(error)) from error


def _condition(data: object, path: str, operation: str) -> Condition:
    entry = _object(data, path, operation)
    _check_fields(entry, ("parent", "values"), path, operation)
    values = _array(entry["values"], _at(path, "values"), operation)
    try:
        return Condition(entry["parent"], values)
    except SpaceError as error:
        raise _wrapped(error, path, operation) from error


def _kind(kind: object, path: str, operation: str, known: Sequence[str]) -> str:
    """``kind`` when it is one of ``known``; else an error that suggests the closest."""
    if isinstance(kind, str) and kind in known:
        return kind
    lowered = {name.lower(): name for name in known}
    close = difflib.get_close_matches(kind.lower(), lowered, n=1) if isinstance(kind, str) else []
    hint = f"did you mean {lowered[close[0]]!r}?" if close else f"known: {quoted(known)}"
    raise SerializationError(operation, path, f"unknown kind {kind!r}; {hint}")


def _hyperparameter(data: object, path: str, operation: str, version: int) -> Hyperparameter:
    entry = _object(data, path, operation)
    kind = _kind(_field(entry, "kind", path, operation), _at(path, "kind"), operation, [*_FIELDS])
    optional: tuple[str, ...] = ()
    if version >= 2:  # schema version 2 adds optional fields
        optional = tuple(field for field in _OPTIONAL.get(kind, ()) if field in entry)
    fields = ("kind", "name", *_FIELDS[kind], "conditions", *optional)
    _check_fields(entry, fields, path, operation)
    if kind == "choice":
        _array(entry["values"], _at(path, "values"), operation)
    conditions_path = _at(path, "conditions")
    conditions = tuple(
        _condition(condition, _at(conditions_path, i), operation)
        for i, condition in enumerate(_array(entry["conditions"], conditions_path, operation))
    )
    arguments = {field: entry[field] for field in (*_FIELDS[kind], *optional)}
    if "weights" in arguments:
        _array(arguments["weights"], _at(path, "weights"), operation)
    try:
        return _CLASSES[kind](entry["name"], conditions=conditions, **arguments)
    except SpaceError as error:
        raise _wrapped(error, path, operation) from error


def _decode(data: object, operation: str) -> Space:
    root = _object(data, "", operation)
    if "format" not in root:
        hint = "; a KerasTuner config is read by from_keras_tuner()" if "space" in root else ""
        raise SerializationError(operation, "", f"missing field 'format'{hint}")
    if root["format"] != FORMAT:
        raise SerializationError(
            operation, "format", f"expected {FORMAT!r}, got {root['format']!r}"
        )
    version = _field(root, "version", "", operation)
    if type(version) is not int or version < 1:
        raise SerializationError(
            operation, "version", f"expected a schema version (an int >= 1), got {version!r}"
        )
    if version > SCHEMA_VERSION:
        raise SerializationError(
            operation,
            "version",
            f"schema version {version} is newer than this spacealg reads "
            f"(up to {SCHEMA_VERSION}); upgrade spacealg",
        )
    _check_fields(root, _ROOT_FIELDS[version], "", operation)
    entries = _array(root["hyperparameters"], "hyperparameters", operation)
    hyperparameters = [
        _hyperparameter(entry, _at("hyperparameters", i), operation, version)
        for i, entry in enumerate(entries)
    ]
    names = [hp.name for hp in hyperparameters]
    constraints: Sequence[Any] = ()
    if version >= 2:
        constraints = _array(root["constraints"], "constraints", operation)
        for i, text in enumerate(constraints):
            if not isinstance(text, str):
                raise SerializationError(
                    operation, _at("constraints", i), f"expected a string, got {_json_type(text)}"
                )
    return _space(hyperparameters, names, "hyperparameters", operation, constraints)


def from_dict(data: Mapping[str, Any]) -> Space:
    """The space saved by :func:`to_dict`; ``data`` is left unchanged.

    Args:
        data: a dict as :func:`to_dict` returns it, or as JSON parsing gives it back.

    Returns:
        The saved space, entries in the saved order.

    Raises:
        SerializationError: the data is not a saved space (a missing, unknown or
            mistyped field, an unknown kind), is from a newer schema version, or
            describes an invalid space. The message says where.

    Examples:
        >>> from spacealg import Int, Space
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32)])
        >>> saved = to_dict(space)
        >>> from_dict(saved) == space
        True
        >>> from_dict({**saved, "version": 3})
        Traceback (most recent call last):
        ...
        spacealg.errors.SerializationError: from_dict(): schema version 3 is newer than \
this spacealg reads (up to 2); upgrade spacealg (at version)
    """
    return _decode(data, "from_dict()")


MAX_INDENT = 64
"""The widest ``to_json`` indent: wider ones only make the text longer (and a huge one
cannot be allocated)."""


def to_json(space: Space, *, indent: int | None = None) -> str:
    """``space`` as JSON text (see :func:`to_dict`).

    Args:
        space: the space to save.
        indent: passed to :func:`json.dumps`, from 0 to 64; ``None`` writes one line.

    Returns:
        The JSON text.
    """
    check_space("to_json()", "space", space)
    check_int("to_json()", "indent", indent, minimum=0, maximum=MAX_INDENT, optional=True)
    return json.dumps(to_dict(space), indent=indent, allow_nan=False)


def from_json(text: str | bytes | bytearray) -> Space:
    """The space saved by :func:`to_json`.

    Args:
        text: JSON text, as a str or as UTF-8 (or UTF-16/32) bytes.

    Returns:
        The saved space.

    Raises:
        SerializationError: the text is not valid JSON or not a saved space.
        ArgumentTypeError: ``text`` is neither a str nor bytes.
    """
    operation = "from_json()"
    if not isinstance(text, str | bytes | bytearray):
        raise ArgumentTypeError(operation, "", "text", text, "a str or bytes of JSON text")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SerializationError(
            operation,
            "",
            f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}",
        ) from error
    except UnicodeDecodeError as error:
        raise SerializationError(
            operation, "", f"invalid JSON: {error.reason} at byte {error.start}"
        ) from error
    except RecursionError as error:  # arrays or objects nested thousands deep
        raise SerializationError(operation, "", "invalid JSON: nested too deeply") from error
    return _decode(data, operation)


__all__ = ["from_dict", "from_json", "to_dict", "to_json"]
