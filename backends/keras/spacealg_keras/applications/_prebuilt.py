"""What the prebuilt hypermodels share: a static space, checked arguments, declared values.

A prebuilt hypermodel's space is a value computed from its constructor
arguments alone, so reading it builds no Keras model. Its ``build(hp)``
declares that space through ``hp``, entry by entry, with :func:`declare_space`:
a build can never declare anything its ``.space`` does not list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

import spacealg as sa

from .._hypermodel import HyperModel


class PrebuiltHyperModel(HyperModel):
    """A hypermodel whose space is fixed by its constructor arguments.

    Subclasses compute their space in their constructor and pass it here;
    :attr:`space` then returns it as it is, without running :meth:`build`.

    Args:
        space: the space :meth:`build` declares.
        name: a name for the hypermodel (KerasTuner's argument).
        tunable: whether its hyperparameters are tuned (KerasTuner's argument).
    """

    def __init__(self, space: sa.Space, *, name: str | None, tunable: bool) -> None:
        super().__init__(name=name, tunable=tunable)
        self._static_space = space

    @property
    def space(self) -> sa.Space:
        """The space :meth:`build` declares; a value, computed without building a model."""
        return self._static_space


def declare_space(hp: sa.HyperParameters, space: sa.Space) -> dict[str, Any]:
    """Declare every entry of ``space`` through ``hp``, in order; the values, by name.

    Each entry is declared with its own arguments, so the handle sees exactly
    the declaration the space holds (a tailoring entry of the same name replaces
    it, as for any build function). The prebuilt spaces have no conditions.

    Args:
        hp: the handle of the build.
        space: the entries to declare, without conditions.

    Returns:
        The value ``hp`` gives each entry.
    """
    values: dict[str, Any] = {}
    for entry in space.hyperparameters:
        assert not entry.conditions, "prebuilt spaces are unconditional"
        values[entry.name] = _declare(hp, entry)
    return values


def _declare(hp: sa.HyperParameters, entry: sa.Hyperparameter) -> Any:
    if isinstance(entry, sa.Int):
        return hp.Int(
            entry.name,
            entry.min_value,
            entry.max_value,
            step=entry.step,
            sampling=entry.sampling,
            default=entry.default,
        )
    if isinstance(entry, sa.Float):
        return hp.Float(
            entry.name,
            entry.min_value,
            entry.max_value,
            step=entry.step,
            sampling=entry.sampling,
            default=entry.default,
        )
    if isinstance(entry, sa.Choice):
        return hp.Choice(entry.name, entry.values, ordered=entry.ordered, default=entry.default)
    if isinstance(entry, sa.Boolean):
        return hp.Boolean(entry.name, default=entry.default)
    return hp.Fixed(entry.name, entry.value)


# --- constructor arguments ---


def check_classes(operation: str, classes: object, *, needed: bool) -> int | None:
    """``classes`` as given, once checked: a positive int, or None when not needed.

    Raises:
        spacealg.errors.InvalidArgumentError: ``classes`` is missing where it is
            needed, or not a positive int.
    """
    if classes is None and not needed:
        return None
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 1:
        allowed = "the number of classes, a positive int"
        if needed and classes is None:
            allowed += " (a classifier head needs it; include_top=False builds none)"
        raise sa.errors.InvalidArgumentError(operation, "", "classes", classes, allowed)
    return classes


def check_image_input(
    operation: str, input_shape: object, input_tensor: object
) -> tuple[tuple[int | None, ...] | None, Any]:
    """``input_shape`` as a tuple, and ``input_tensor``, once checked: one of them is given.

    Raises:
        spacealg.errors.InvalidArgumentError: neither is given, ``input_shape`` is not
            ``(height, width, channels)``, or ``input_tensor`` is not a Keras tensor of
            images.
    """
    if input_tensor is not None:
        shape = getattr(input_tensor, "shape", None)
        if not isinstance(input_tensor, keras.KerasTensor) or shape is None or len(shape) != 4:
            raise sa.errors.InvalidArgumentError(
                operation,
                "",
                "input_tensor",
                input_tensor,
                "a Keras tensor of images, (batch, height, width, channels), "
                "such as keras.Input(shape=(32, 32, 3))",
            )
        return None, input_tensor
    if input_shape is None:
        raise sa.errors.InvalidArgumentError(
            operation,
            "",
            "input_shape",
            None,
            "the shape of one image, (height, width, channels) such as (28, 28, 1), "
            "or a Keras tensor as input_tensor=",
        )
    if (
        not isinstance(input_shape, Sequence)
        or isinstance(input_shape, str)
        or len(input_shape) != 3
        or not all(_dimension(size) for size in input_shape)
    ):
        raise sa.errors.InvalidArgumentError(
            operation,
            "",
            "input_shape",
            input_shape,
            "the shape of one image, (height, width, channels): positive ints "
            "(None for a height or width known only at run time)",
        )
    return tuple(input_shape), None


def _dimension(size: object) -> bool:
    return size is None or (isinstance(size, int) and not isinstance(size, bool) and size > 0)


def image_inputs(input_shape: tuple[int | None, ...] | None, input_tensor: Any) -> tuple[Any, Any]:
    """The model's inputs and the tensor to build on: a new ``keras.Input`` or ``input_tensor``."""
    if input_tensor is not None:
        return keras.utils.get_source_inputs(input_tensor), input_tensor
    inputs = keras.Input(shape=input_shape)
    return inputs, inputs
