"""``HyperXception``: an Xception-style network whose depth, widths and head are tuned."""

from __future__ import annotations

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


def xception_space(*, include_top: bool = True) -> sa.Space:
    """The space of :class:`HyperXception`, in KerasTuner 1.4.8's order.

    Two fixes: ``dropout_rate`` reaches its maximum, 0.6 (KerasTuner's float
    grid loses it), and ``dense_use_bn`` stays a boolean Choice.

    Args:
        include_top: whether the classifier head's entries are included.

    Returns:
        The space; the head's entries (``num_dense_layers``, ``dropout_rate``,
        ``dense_use_bn`` and ``learning_rate``) only with ``include_top``.
    """
    body: list[sa.Hyperparameter] = [
        sa.Choice("activation", values=["relu", "selu"]),
        sa.Choice("conv2d_num_filters", values=[32, 64, 128], default=64),
        sa.Choice("kernel_size", values=[3, 5]),
        sa.Choice("initial_strides", values=[2]),
        sa.Int("sep_num_filters", min_value=128, max_value=768, step=128, default=256),
        sa.Int("num_residual_blocks", min_value=2, max_value=8, default=4),
        sa.Choice("pooling", values=["avg", "flatten", "max"]),
    ]
    if not include_top:
        return sa.Space(body)
    head: list[sa.Hyperparameter] = [
        sa.Int("num_dense_layers", min_value=1, max_value=3),
        sa.Float("dropout_rate", min_value=0.0, max_value=0.6, step=0.1, default=0.5),
        sa.Choice("dense_use_bn", values=[True, False], default=True),
        sa.Choice("learning_rate", values=[1e-3, 1e-4, 1e-5]),
    ]
    return sa.Space([*body, *head])


class HyperXception(PrebuiltHyperModel):
    """An Xception hypermodel: KerasTuner's ``HyperXception``, with a space you can read.

    Its models take images of shape ``(height, width, channels)`` and, with
    ``include_top``, end in a softmax over ``classes``, compiled with Adam
    (the tuned ``learning_rate``), ``categorical_crossentropy`` (one-hot labels;
    override ``loss=`` in the tuner for integer labels) and ``accuracy``. Without
    the top the model returns the pooled features, uncompiled. Weights start
    from scratch; nothing is downloaded.

    Args:
        include_top: whether to add the dense classifier head (and its entries).
        input_shape: the shape of one image, such as ``(28, 28, 1)``; this or
            ``input_tensor`` is required.
        input_tensor: a Keras tensor to build on instead (``keras.Input(...)``).
        classes: the number of classes; required with ``include_top``.
        name: a name for the hypermodel.
        tunable: whether its hyperparameters are tuned.

    Raises:
        spacealg.errors.InvalidArgumentError: ``classes`` is missing with
            ``include_top``, or no valid input shape or tensor is given.

    Examples:
        >>> hypermodel = HyperXception(input_shape=(28, 28, 1), classes=10)
        >>> list(hypermodel.space)[:3]
        ['activation', 'conv2d_num_filters', 'kernel_size']
        >>> hypermodel.space["dropout_rate"].max_value
        0.6
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
        operation = "HyperXception()"
        self.classes = check_classes(operation, classes, needed=include_top)
        self.input_shape, self.input_tensor = check_image_input(
            operation, input_shape, input_tensor
        )
        self.include_top = include_top
        super().__init__(xception_space(include_top=include_top), name=name, tunable=tunable)

    def build(self, hp: sa.HyperParameters) -> keras.Model:
        """Build the model at ``hp``'s values (compiled with ``include_top``)."""
        values = declare_space(hp, self.space)
        activation = values["activation"]
        inputs, x = image_inputs(self.input_shape, self.input_tensor)
        x = _conv(
            x,
            values["conv2d_num_filters"],
            kernel_size=values["kernel_size"],
            strides=values["initial_strides"],
            activation=activation,
        )
        width = values["sep_num_filters"]
        for _ in range(values["num_residual_blocks"]):
            x = _residual(x, width, activation=activation, downsample=False)
        x = _residual(x, 2 * width, activation=activation, downsample=True)
        x = _POOLINGS[values["pooling"]]()(x)
        if not self.include_top:
            return keras.Model(inputs, x, name="Xception")
        assert self.classes is not None  # checked at construction
        for _ in range(values["num_dense_layers"]):
            x = _dense(
                x,
                self.classes,
                activation=activation,
                batchnorm=values["dense_use_bn"],
                dropout_rate=values["dropout_rate"],
            )
        outputs = layers.Dense(self.classes, activation="softmax")(x)
        model = keras.Model(inputs, outputs, name="Xception")
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=values["learning_rate"]),
            loss="categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model


_POOLINGS = {
    "avg": layers.GlobalAveragePooling2D,
    "flatten": layers.Flatten,
    "max": layers.GlobalMaxPooling2D,
}

# SELU layers start from LeCun-normal weights (self-normalising); ReLU layers are
# followed by batch normalisation instead of a bias.


def _conv(x: Any, filters: int, *, kernel_size: int, strides: int, activation: str) -> Any:
    if activation == "selu":
        return layers.Conv2D(
            filters,
            kernel_size,
            strides=strides,
            padding="same",
            activation="selu",
            kernel_initializer="lecun_normal",
        )(x)
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)


def _separable(x: Any, filters: int, *, activation: str) -> Any:
    if activation == "selu":
        return layers.SeparableConv2D(
            filters,
            3,
            padding="same",
            activation="selu",
            depthwise_initializer="lecun_normal",
            pointwise_initializer="lecun_normal",
        )(x)
    x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)


def _residual(x: Any, filters: int, *, activation: str, downsample: bool) -> Any:
    """Two separable convolutions plus a shortcut; ``downsample`` halves height and width."""
    if downsample:
        shortcut = layers.Conv2D(filters, 1, strides=2, padding="same")(x)
    elif x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, padding="same")(x)
    else:
        shortcut = x
    x = _separable(x, filters, activation=activation)
    x = _separable(x, filters, activation=activation)
    if downsample:
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
    return layers.add([x, shortcut])


def _dense(x: Any, units: int, *, activation: str, batchnorm: bool, dropout_rate: float) -> Any:
    """A dense layer; batch normalisation only under ReLU, dropout when the rate is above 0."""
    if activation == "selu":
        x = layers.Dense(units, activation="selu", kernel_initializer="lecun_normal")(x)
    else:
        x = layers.Dense(units, activation="relu")(x)
        if batchnorm:
            x = layers.BatchNormalization()(x)
    if dropout_rate:
        x = layers.Dropout(dropout_rate)(x)
    return x
