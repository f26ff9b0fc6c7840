"""``HyperResNet``: ResNet v1, ResNet v2 or ResNeXt, with tuned depths, pooling and optimizer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
from keras import layers

import spacealg as sa

from ._prebuilt import (
    PrebuiltHyperModel,
    check_classes,
    check_image_input,
    declare_space,
    image_inputs,
)

_EPSILON = 1.001e-5
"""Batch normalisation's epsilon in Keras's ResNets."""


def resnet_space(*, include_top: bool = True) -> sa.Space:
    """The space of :class:`HyperResNet`, in KerasTuner 1.4.8's order.

    Args:
        include_top: whether the classifier head's entries are included.

    Returns:
        The space; ``optimizer`` and ``learning_rate`` only with ``include_top``.
    """
    body: list[sa.Hyperparameter] = [
        sa.Choice("version", values=["v1", "v2", "next"], default="v2"),
        sa.Choice("conv3_depth", values=[4, 8]),
        sa.Choice("conv4_depth", values=[6, 23, 36]),
        sa.Choice("pooling", values=["avg", "max"], default="avg"),
    ]
    if not include_top:
        return sa.Space(body)
    head: list[sa.Hyperparameter] = [
        sa.Choice("optimizer", values=["adam", "rmsprop", "sgd"], default="adam"),
        sa.Choice("learning_rate", values=[0.1, 0.01, 0.001], default=0.01),
    ]
    return sa.Space([*body, *head])


class HyperResNet(PrebuiltHyperModel):
    """A ResNet hypermodel: KerasTuner's ``HyperResNet``, with a space you can read.

    ``version`` picks ResNet v1 (post-activation), v2 (pre-activation) or
    ResNeXt ("next", grouped convolutions of 32 groups); ``conv3_depth`` and
    ``conv4_depth`` set the blocks of the two middle stages. With
    ``include_top`` the model ends in a softmax over ``classes``, compiled with
    the tuned ``optimizer`` and ``learning_rate``, ``categorical_crossentropy``
    and ``accuracy``; without it the pooled features are returned, uncompiled.
    Weights start from scratch; nothing is downloaded.

    Args:
        include_top: whether to add the classifier (and its entries).
        input_shape: the shape of one image, such as ``(32, 32, 3)``; this or
            ``input_tensor`` is required. Height and width of at least 32 keep
            every stage's output non-empty.
        input_tensor: a Keras tensor to build on instead (``keras.Input(...)``).
        classes: the number of classes; required with ``include_top``.
        name: a name for the hypermodel.
        tunable: whether its hyperparameters are tuned.

    Raises:
        spacealg.errors.InvalidArgumentError: ``classes`` is missing with
            ``include_top``, or no valid input shape or tensor is given.

    Examples:
        >>> list(HyperResNet(input_shape=(32, 32, 3), include_top=False).space)
        ['version', 'conv3_depth', 'conv4_depth', 'pooling']
    """

    def __init__(
        self,
        include_top: bool = True,
        input_shape: tuple[int | None, ...] | None = None,
        input_tensor: Any = None,
        classes: int | None = None,
        *,
        name: str | None = None,
        tunable: bool = True,
    ) -> None:
        operation = "HyperResNet()"
        self.classes = check_classes(operation, classes, needed=include_top)
        self.input_shape, self.input_tensor = check_image_input(
            operation, input_shape, input_tensor
        )
        self.include_top = include_top
        super().__init__(resnet_space(include_top=include_top), name=name, tunable=tunable)

    def build(self, hp: sa.HyperParameters) -> keras.Model:
        """Build the model at ``hp``'s values (compiled with ``include_top``)."""
        values = declare_space(hp, self.space)
        version = values["version"]
        inputs, x = image_inputs(self.input_shape, self.input_tensor)
        x = _stem(x, version)
        stack, widths = _STACKS[version]
        depths = (3, values["conv3_depth"], values["conv4_depth"], 3)
        for stage, (width, depth) in enumerate(zip(widths, depths, strict=True), start=2):
            x = stack(x, width, depth, stage)
        if version == "v2":  # pre-activation blocks end unnormalised
            x = layers.BatchNormalization(epsilon=_EPSILON, name="post_bn")(x)
            x = layers.Activation("relu", name="post_relu")(x)
        if values["pooling"] == "avg":
            x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        else:
            x = layers.GlobalMaxPooling2D(name="max_pool")(x)
        if not self.include_top:
            return keras.Model(inputs, x, name="ResNet")
        assert self.classes is not None  # checked at construction
        outputs = layers.Dense(self.classes, activation="softmax", name="probs")(x)
        model = keras.Model(inputs, outputs, name="ResNet")
        optimizer = _OPTIMIZERS[values["optimizer"]](learning_rate=values["learning_rate"])
        model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
        return model


_OPTIMIZERS: dict[str, Callable[..., Any]] = {
    "adam": keras.optimizers.Adam,
    "rmsprop": keras.optimizers.RMSprop,
    "sgd": keras.optimizers.SGD,
}


def _stem(x: Any, version: str) -> Any:
    """A 7x7 convolution of stride 2, then 3x3 max pooling of stride 2."""
    x = layers.ZeroPadding2D(3, name="conv1_pad")(x)
    x = layers.Conv2D(64, 7, strides=2, use_bias=version != "next", name="conv1_conv")(x)
    if version != "v2":
        x = layers.BatchNormalization(epsilon=_EPSILON, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    return layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)


def _norm(x: Any, name: str) -> Any:
    return layers.BatchNormalization(epsilon=_EPSILON, name=name)(x)


# --- ResNet v1: post-activation bottleneck blocks, stride on the first block ---


def _block_v1(x: Any, width: int, *, stride: int, project: bool, name: str) -> Any:
    shortcut = x
    if project:
        shortcut = layers.Conv2D(4 * width, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _norm(shortcut, f"{name}_0_bn")
    x = layers.Conv2D(width, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_norm(x, f"{name}_1_bn"))
    x = layers.Conv2D(width, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_norm(x, f"{name}_2_bn"))
    x = _norm(layers.Conv2D(4 * width, 1, name=f"{name}_3_conv")(x), f"{name}_3_bn")
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _stack_v1(x: Any, width: int, depth: int, stage: int) -> Any:
    name = f"conv{stage}"
    x = _block_v1(x, width, stride=1 if stage == 2 else 2, project=True, name=f"{name}_block1")
    for index in range(2, depth + 1):
        x = _block_v1(x, width, stride=1, project=False, name=f"{name}_block{index}")
    return x


# --- ResNet v2: pre-activation bottleneck blocks, stride on the last block ---


def _block_v2(x: Any, width: int, *, stride: int, project: bool, name: str) -> Any:
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(_norm(x, f"{name}_preact_bn"))
    if project:
        shortcut = layers.Conv2D(4 * width, 1, strides=stride, name=f"{name}_0_conv")(preact)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride, name=f"{name}_0_pool")(x)
    else:
        shortcut = x
    x = layers.Conv2D(width, 1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_norm(x, f"{name}_1_bn"))
    x = layers.ZeroPadding2D(1, name=f"{name}_2_pad")(x)
    x = layers.Conv2D(width, 3, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_norm(x, f"{name}_2_bn"))
    x = layers.Conv2D(4 * width, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def _stack_v2(x: Any, width: int, depth: int, stage: int) -> Any:
    name = f"conv{stage}"
    last_stride = 1 if stage == 5 else 2
    x = _block_v2(x, width, stride=1, project=True, name=f"{name}_block1")
    for index in range(2, depth):
        x = _block_v2(x, width, stride=1, project=False, name=f"{name}_block{index}")
    return _block_v2(x, width, stride=last_stride, project=False, name=f"{name}_block{depth}")


# --- ResNeXt: bottleneck blocks whose 3x3 convolution has 32 groups ---

_GROUPS = 32


def _block_next(x: Any, width: int, *, stride: int, project: bool, name: str) -> Any:
    out = 2 * width  # (64 // groups) * width
    shortcut = x
    if project:
        shortcut = layers.Conv2D(out, 1, strides=stride, use_bias=False, name=f"{name}_0_conv")(x)
        shortcut = _norm(shortcut, f"{name}_0_bn")
    x = layers.Conv2D(width, 1, use_bias=False, name=f"{name}_1_conv")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_norm(x, f"{name}_1_bn"))
    x = layers.ZeroPadding2D(1, name=f"{name}_2_pad")(x)
    x = layers.Conv2D(
        width, 3, strides=stride, groups=_GROUPS, use_bias=False, name=f"{name}_2_conv"
    )(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_norm(x, f"{name}_2_bn"))
    x = _norm(layers.Conv2D(out, 1, use_bias=False, name=f"{name}_3_conv")(x), f"{name}_3_bn")
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _stack_next(x: Any, width: int, depth: int, stage: int) -> Any:
    name = f"conv{stage}"
    stride = 1 if stage == 5 else 2
    x = _block_next(x, width, stride=stride, project=True, name=f"{name}_block1")
    for index in range(2, depth + 1):
        x = _block_next(x, width, stride=1, project=False, name=f"{name}_block{index}")
    return x


_STACKS: dict[str, tuple[Callable[[Any, int, int, int], Any], tuple[int, ...]]] = {
    "v1": (_stack_v1, (64, 128, 256, 512)),
    "v2": (_stack_v2, (64, 128, 256, 512)),
    "next": (_stack_next, (64, 256, 512, 1024)),
}
