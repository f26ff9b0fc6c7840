"""``HyperEfficientNet``: one of Keras's EfficientNets B0-B7 with a tuned head, from scratch.

KerasTuner's ``HyperEfficientNet`` downloads ImageNet weights on every build
(and fails offline); this one builds ``keras.applications`` models with
``weights=None``, or with the local weight files it is given.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import keras
from keras import layers

import spacealg as sa

from .._hypermodel import HyperModel
from ._prebuilt import (
    PrebuiltHyperModel,
    check_classes,
    check_image_input,
    declare_space,
    image_inputs,
)

VERSIONS: tuple[str, ...] = tuple(f"B{index}" for index in range(8))
"""The EfficientNet versions, smallest first."""

IMAGE_SIZES: Mapping[str, int] = {
    "B0": 224,
    "B1": 240,
    "B2": 260,
    "B3": 300,
    "B4": 380,
    "B5": 456,
    "B6": 528,
    "B7": 600,
}
"""The image size each version is built for: inputs are resized to it."""


def _backbones() -> dict[str, Callable[..., Any]]:
    applications = keras.applications
    return {version: getattr(applications, f"EfficientNet{version}") for version in VERSIONS}


def efficientnet_space(versions: tuple[str, ...] = VERSIONS) -> sa.Space:
    """The entries :class:`HyperEfficientNet` declares itself, in KerasTuner 1.4.8's order.

    Args:
        versions: the versions ``version`` chooses from (all eight by default).

    Returns:
        ``version``, ``pooling``, ``top_dropout_rate`` (0.8 included, a fix) and
        ``learning_rate``; an augmentation hypermodel's entries come before them.
    """
    default = "B0" if "B0" in versions else versions[0]
    return sa.Space(
        [
            sa.Choice("version", values=list(versions), default=default),
            sa.Choice("pooling", values=["avg", "max"], default="avg"),
            sa.Float("top_dropout_rate", min_value=0.2, max_value=0.8, step=0.2, default=0.2),
            sa.Choice("learning_rate", values=[0.1, 0.01, 0.001], default=0.01),
        ]
    )


def _check_weights(
    operation: str, weights: Mapping[str, str | os.PathLike[str]] | None
) -> dict[str, Path]:
    if weights is None:
        return {}
    if not isinstance(weights, Mapping) or not weights:
        raise sa.errors.ArgumentTypeError(
            operation,
            "",
            "weights",
            weights,
            "None, or a mapping of versions to local weight files, such as "
            "{'B0': 'efficientnetb0_notop.h5'}",
        )
    if any(version not in VERSIONS for version in weights):
        raise sa.errors.InvalidArgumentError(
            operation, "", "weights", dict(weights), f"versions among {list(VERSIONS)}"
        )
    checked: dict[str, Path] = {}
    for version in sorted(weights, key=VERSIONS.index):
        path = Path(weights[version])
        if not path.is_file():
            raise sa.errors.InvalidArgumentError(
                operation,
                "",
                "weights",
                dict(weights),
                f"existing local files (no file at {str(path)!r} for {version}; "
                "nothing is downloaded)",
            )
        checked[version] = path
    return checked


class HyperEfficientNet(PrebuiltHyperModel):
    """An EfficientNet hypermodel: KerasTuner's ``HyperEfficientNet``, built offline.

    Inputs are resized to the chosen version's image size (224 for B0 up to
    600 for B7) and fed to ``keras.applications.EfficientNet<version>`` without
    its top; a tuned pooling, dropout and a softmax over ``classes`` follow,
    compiled with SGD (momentum 0.1, the tuned ``learning_rate``),
    ``categorical_crossentropy`` and ``accuracy``. Keras's EfficientNets rescale
    inputs themselves: pass pixel values in [0, 255].

    Args:
        input_shape: the shape of one image, such as ``(32, 32, 3)``; this or
            ``input_tensor`` is required.
        input_tensor: a Keras tensor to build on instead (``keras.Input(...)``).
        classes: the number of classes (required).
        augmentation_model: a Keras model applied to the inputs first, or a
            :class:`~spacealg_keras.HyperModel` (such as :class:`HyperImageAugment`)
            built with the same ``hp``: its entries come first in the space.
        weights: local weight files for the backbones, by version (Keras's
            ``efficientnetb0_notop.h5``, say); ``version`` then chooses among
            those versions only. ``None`` (the default) starts from scratch.
        name: a name for the hypermodel.
        tunable: whether its hyperparameters are tuned.

    Raises:
        spacealg.errors.InvalidArgumentError: ``classes`` is missing, no valid
            input shape or tensor is given, or a weight file does not exist.
        spacealg.errors.ArgumentTypeError: ``augmentation_model`` is neither a
            Keras model nor a hypermodel, or ``weights`` is not a mapping.
        spacealg.errors.InvalidSpaceError: the augmentation hypermodel declares a
            name this one declares too.

    Examples:
        >>> list(HyperEfficientNet(input_shape=(32, 32, 3), classes=10).space)
        ['version', 'pooling', 'top_dropout_rate', 'learning_rate']
    """

    def __init__(
        self,
        input_shape: tuple[int | None, ...] | None = None,
        input_tensor: Any = None,
        classes: int | None = None,
        augmentation_model: HyperModel | keras.Model | None = None,
        *,
        weights: Mapping[str, str | os.PathLike[str]] | None = None,
        name: str | None = None,
        tunable: bool = True,
    ) -> None:
        operation = "HyperEfficientNet()"
        if not isinstance(augmentation_model, HyperModel | keras.Model | None):
            raise sa.errors.ArgumentTypeError(
                operation,
                "",
                "augmentation_model",
                augmentation_model,
                "None, a Keras model, or a HyperModel such as HyperImageAugment",
            )
        self.classes = check_classes(operation, classes, needed=True)
        self.input_shape, self.input_tensor = check_image_input(
            operation, input_shape, input_tensor
        )
        self.augmentation_model = augmentation_model
        self.weights = _check_weights(operation, weights)
        self._own_space = efficientnet_space(tuple(self.weights) or VERSIONS)
        space = self._own_space
        if isinstance(augmentation_model, HyperModel):
            space = sa.Space([*augmentation_model.space.hyperparameters, *space.hyperparameters])
        super().__init__(space, name=name, tunable=tunable)

    def build(self, hp: sa.HyperParameters) -> keras.Model:
        """Build and compile the model at ``hp``'s values."""
        inputs, x = image_inputs(self.input_shape, self.input_tensor)
        augmentation = self.augmentation_model
        if isinstance(augmentation, HyperModel):
            augmentation = augmentation.build(hp)
        if augmentation is not None:
            x = augmentation(x)
        values = declare_space(hp, self._own_space)
        version = values["version"]
        size = IMAGE_SIZES[version]
        x = layers.Resizing(size, size, interpolation="bilinear")(x)
        weights = self.weights.get(version)
        backbone = _backbones()[version](
            include_top=False,
            weights=None if weights is None else str(weights),
            input_tensor=x,
        )
        x = backbone.output
        if values["pooling"] == "avg":
            x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        else:
            x = layers.GlobalMaxPooling2D(name="max_pool")(x)
        x = layers.Dropout(values["top_dropout_rate"], name="top_dropout")(x)
        assert self.classes is not None  # checked at construction
        outputs = layers.Dense(self.classes, activation="softmax", name="probs")(x)
        model = keras.Model(inputs, outputs, name="EfficientNet")
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=values["learning_rate"], momentum=0.1),
            loss="categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model
