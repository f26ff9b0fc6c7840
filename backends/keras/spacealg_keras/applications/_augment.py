"""``HyperImageAugment``: image augmentation whose transforms' strengths are tuned.

Two modes, as in KerasTuner: with ``augment_layers=0`` every transform is
applied in turn, each with its own tuned factor; otherwise a simple
RandAugment stacks ``augment_layers`` layers, each applying one transform
picked at random per image. Every factor is declared once, up front, so the
declared space lists them all (KerasTuner declares them inside the layer
loop, so a search whose ``augment_layers`` range starts at 0 never sees them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

import keras
from keras import layers

import spacealg as sa

from ._prebuilt import PrebuiltHyperModel, check_image_input, declare_space, image_inputs

TRANSFORMS: tuple[str, ...] = ("rotate", "translate_x", "translate_y", "contrast")
"""The transforms, in the order their factors are declared."""

FactorRange = float | Sequence[float] | None
"""A transform's argument: ``x`` (range 0 to x), a pair ``(low, high)``, or None/0 (off)."""


def transform_layer(transform: str, factor: float) -> keras.layers.Layer:
    """The Keras layer that applies ``transform`` with strength ``factor``.

    ``rotate`` turns by up to ``factor`` of a full turn either way;
    ``translate_x`` and ``translate_y`` shift by up to ``factor`` of the width
    and the height (KerasTuner's ``translate_x`` shifts vertically, a defect not
    copied); ``contrast`` scales contrast by a factor in ``[1 - factor, 1 + factor]``.

    Raises:
        spacealg.errors.InvalidArgumentError: ``transform`` is not one of :data:`TRANSFORMS`.
    """
    if transform == "rotate":
        return layers.RandomRotation(factor)
    if transform == "translate_x":
        return layers.RandomTranslation(height_factor=0.0, width_factor=factor)
    if transform == "translate_y":
        return layers.RandomTranslation(height_factor=factor, width_factor=0.0)
    if transform == "contrast":
        return layers.RandomContrast(factor)
    raise sa.errors.InvalidArgumentError(
        "transform_layer()", "", "transform", transform, f"one of {list(TRANSFORMS)}"
    )


@keras.saving.register_keras_serializable(package="spacealg_keras")
class RandomAugment(keras.layers.Layer):  # type: ignore[misc]
    """One RandAugment layer: each image gets one transform, picked at random.

    Every transform (one whose factor is 0 included, which leaves the image
    as it is) is equally likely. Outside training the images pass unchanged.

    Args:
        factors: each transform's strength, by name (see :func:`transform_layer`).
        seed: the seed of the picks.
        **kwargs: Keras layer arguments (``name``, ``dtype``, ...).
    """

    def __init__(
        self, factors: Mapping[str, float], seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.factors = dict(factors)
        self.seed = seed
        self.transforms = [
            transform_layer(name, factor) for name, factor in self.factors.items() if factor
        ]
        self._slots = [index for index, factor in enumerate(self.factors.values()) if factor]
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape: Any) -> None:
        """Build every transform for ``input_shape``."""
        for transform in self.transforms:
            transform.build(input_shape)
        super().build(input_shape)

    def call(self, inputs: Any, training: bool = True) -> Any:
        """Transform each image of the batch with its picked transform (when training)."""
        if not training or not self.transforms:
            return inputs
        ops = keras.ops
        batch = ops.shape(inputs)[0]
        picks = keras.random.randint(
            (batch, 1, 1, 1), 0, len(self.factors), seed=self.seed_generator
        )
        x = inputs
        for slot, transform in zip(self._slots, self.transforms, strict=True):
            x = ops.where(ops.equal(picks, slot), transform(inputs, training=True), x)
        return x

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The input's shape: augmentation keeps it."""
        return input_shape

    def get_config(self) -> dict[str, Any]:
        """The layer's configuration (``factors`` and ``seed`` with Keras's own)."""
        return {**super().get_config(), "factors": self.factors, "seed": self.seed}


def _factor_range(operation: str, transform: str, value: object) -> tuple[float, float] | None:
    """A transform's argument as ``(low, high)``, or None when the transform is off."""
    if value is None or (isinstance(value, int | float) and value == 0):
        return None
    if _number(value) and 0 < value <= 1:
        return 0.0, float(value)
    if (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 2
        and all(_number(bound) for bound in value)
        and 0 <= value[0] <= value[1] <= 1
    ):
        return float(value[0]), float(value[1])
    raise sa.errors.InvalidArgumentError(
        operation,
        "",
        transform,
        value,
        "a number x in [0, 1] (factors from 0 to x), a pair (low, high) with "
        "0 <= low <= high <= 1, or None or 0 to leave the transform out",
    )


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _layer_range(operation: str, value: object) -> tuple[int, int] | None:
    """``augment_layers`` as ``(low, high)``, or None for the sequential mode."""
    if value is None or (_integer(value) and value == 0):
        return None
    if _integer(value) and value > 0:
        return 1, value
    if (
        isinstance(value, Sequence)
        and len(value) == 2
        and all(_integer(bound) for bound in value)
        and 0 <= value[0] <= value[1]
    ):
        low, high = value
        return int(low), int(high)
    raise sa.errors.InvalidArgumentError(
        operation,
        "",
        "augment_layers",
        value,
        "an int n (1 to n RandAugment layers), a pair (low, high) of ints with "
        "0 <= low <= high, or 0 or None to apply every transform in turn",
    )


def _integer(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def augment_space(
    factors: Mapping[str, tuple[float, float]], augment_layers: tuple[int, int] | None
) -> sa.Space:
    """The space of :class:`HyperImageAugment`, in KerasTuner 1.4.8's order.

    Args:
        factors: each included transform's factor range, in :data:`TRANSFORMS` order.
        augment_layers: the range of RandAugment layers, or None for the
            sequential mode (whose factors step by 0.05).

    Returns:
        ``augment_layers`` (RandAugment only), then ``factor_<transform>`` for
        each included transform, its default the low end of its range.
    """
    step = None if augment_layers is not None else 0.05
    entries: list[sa.Hyperparameter] = [
        sa.Float(f"factor_{name}", min_value=low, max_value=high, step=step, default=low)
        for name, (low, high) in factors.items()
    ]
    if augment_layers is not None:
        low, high = augment_layers
        entries.insert(0, sa.Int("augment_layers", min_value=low, max_value=high, default=low))
    return sa.Space(entries)


class HyperImageAugment(PrebuiltHyperModel):
    """An image augmentation hypermodel: KerasTuner's ``HyperImageAugment``.

    Its models map images of shape ``(height, width, channels)`` to augmented
    images of the same shape and are left uncompiled: use one as
    ``HyperEfficientNet(augmentation_model=...)``, or call it inside your own
    model. Augmentation only happens in training.

    Args:
        input_shape: the shape of one image; this or ``input_tensor`` is required.
        input_tensor: a Keras tensor to build on instead (``keras.Input(...)``).
        rotate: the range of ``factor_rotate``, fractions of a full turn: a number
            x for [0, x], a pair (low, high), or None or 0 to leave rotation out.
        translate_x: the same for horizontal shifts, as fractions of the width.
        translate_y: the same for vertical shifts, as fractions of the height.
        contrast: the same for contrast changes.
        augment_layers: an int n to tune 1 to n RandAugment layers, a pair
            (low, high) for that range, or 0 or None to apply every transform
            in turn (the factors then step by 0.05).
        name: a name for the hypermodel.
        tunable: whether its hyperparameters are tuned.

    Raises:
        spacealg.errors.InvalidArgumentError: no valid input shape or tensor is
            given, or a transform's range or ``augment_layers`` is not valid.

    Examples:
        >>> augment = HyperImageAugment(input_shape=(32, 32, 3), translate_y=None)
        >>> list(augment.space)
        ['augment_layers', 'factor_rotate', 'factor_translate_x', 'factor_contrast']
        >>> augment.space["factor_rotate"].max_value
        0.5
    """

    def __init__(
        self,
        input_shape: tuple[int | None, ...] | None = None,
        input_tensor: Any = None,
        rotate: FactorRange = 0.5,
        translate_x: FactorRange = 0.4,
        translate_y: FactorRange = 0.4,
        contrast: FactorRange = 0.3,
        augment_layers: int | Sequence[int] | None = 3,
        *,
        name: str | None = None,
        tunable: bool = True,
    ) -> None:
        operation = "HyperImageAugment()"
        self.input_shape, self.input_tensor = check_image_input(
            operation, input_shape, input_tensor
        )
        given = dict(zip(TRANSFORMS, (rotate, translate_x, translate_y, contrast), strict=True))
        self.factors: dict[str, tuple[float, float]] = {}
        for transform, value in given.items():
            factor_range = _factor_range(operation, transform, value)
            if factor_range is not None:
                self.factors[transform] = factor_range
        self.augment_layers = _layer_range(operation, augment_layers)
        space = augment_space(self.factors, self.augment_layers)
        super().__init__(space, name=name, tunable=tunable)

    def build(self, hp: sa.HyperParameters) -> keras.Model:
        """Build the (uncompiled) augmentation model at ``hp``'s values."""
        values = declare_space(hp, self.space)
        factors = {name: values[f"factor_{name}"] for name in self.factors}
        inputs, x = image_inputs(self.input_shape, self.input_tensor)
        if self.augment_layers is None:
            for transform, factor in factors.items():
                if factor:
                    x = transform_layer(transform, factor)(x)
            return keras.Model(inputs, x, name="image_augment")
        for _ in range(values["augment_layers"]):
            x = RandomAugment(factors)(x)
        return keras.Model(inputs, x, name="image_rand_augment")
