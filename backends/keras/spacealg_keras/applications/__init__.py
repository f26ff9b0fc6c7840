"""Prebuilt hypermodels whose spaces you can read without building them.

KerasTuner's ``HyperResNet``, ``HyperXception``, ``HyperEfficientNet`` and
``HyperImageAugment``, with its constructor arguments, hyperparameter names,
kinds, ranges, defaults and compile settings, so tailoring code written for
KerasTuner runs unchanged. Each one's ``.space`` is a :class:`spacealg.Space`
computed from its constructor arguments alone: printing, tailoring or testing
it builds no Keras model. Models start from scratch (nothing is downloaded);
``HyperEfficientNet(weights=...)`` loads local weight files.

Examples:
    >>> import spacealg as sa
    >>> hypermodel = HyperXception(input_shape=(28, 28, 1), classes=10)
    >>> sa.declare(hypermodel) is hypermodel.space
    True
    >>> print(sa.summary(hypermodel.space.select("dense_use_bn")), end="")
    Search space summary
    Default search space size: 1
    dense_use_bn (Choice)
    {'default': True, 'conditions': [], 'values': [True, False], 'ordered': False}
"""

from __future__ import annotations

from ._augment import HyperImageAugment as HyperImageAugment
from ._augment import RandomAugment as RandomAugment
from ._efficientnet import HyperEfficientNet as HyperEfficientNet
from ._prebuilt import PrebuiltHyperModel as PrebuiltHyperModel
from ._resnet import HyperResNet as HyperResNet
from ._xception import HyperXception as HyperXception

__all__ = [
    "HyperEfficientNet",
    "HyperImageAugment",
    "HyperResNet",
    "HyperXception",
    "PrebuiltHyperModel",
    "RandomAugment",
]
