"""``HyperModel``: a model-building function with the space it declares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import spacealg as sa


class HyperModel:
    """A hypermodel: ``build(hp)`` returns a Keras model, ``fit`` trains it.

    Subclass it and override :meth:`build` (and :meth:`fit` to tune batch size
    or epochs), as in KerasTuner. :attr:`space` is the space :meth:`build`
    declares, computed once.

    Args:
        name: a name for the hypermodel (KerasTuner's argument).
        tunable: whether its hyperparameters are tuned (KerasTuner's argument).
    """

    def __init__(self, name: str | None = None, tunable: bool = True) -> None:
        self.name = name
        self.tunable = tunable
        self._space: sa.Space | None = None

    def build(self, hp: sa.HyperParameters) -> Any:
        """Build and return a Keras model, declaring hyperparameters through ``hp``."""
        raise NotImplementedError(
            f"{type(self).__name__}.build(hp) must be overridden to return a Keras model"
        )

    def fit(self, hp: sa.HyperParameters, model: Any, *args: Any, **kwargs: Any) -> Any:
        """Train ``model``; returns a History, a dict of metrics or a float."""
        return model.fit(*args, **kwargs)

    @property
    def space(self) -> sa.Space:
        """The space :meth:`build` declares (computed once, by running it with defaults)."""
        if self._space is None:
            self._space = sa.declare(self.build)
        return self._space


class FunctionHyperModel(HyperModel):
    """A plain build function as a hypermodel."""

    def __init__(self, build: Callable[[sa.HyperParameters], Any]) -> None:
        super().__init__(name=getattr(build, "__name__", None))
        self._build = build

    def build(self, hp: sa.HyperParameters) -> Any:
        """``build(hp)``."""
        return self._build(hp)


def as_hypermodel(hypermodel: object) -> HyperModel:
    """A HyperModel, a build function, or an object with ``build(hp)``, as a HyperModel."""
    if isinstance(hypermodel, HyperModel):
        return hypermodel
    build = getattr(hypermodel, "build", None)
    if callable(build):
        return FunctionHyperModel(build)
    if callable(hypermodel):
        return FunctionHyperModel(hypermodel)
    raise sa.errors.ArgumentTypeError(
        "Tuner()",
        "",
        "hypermodel",
        hypermodel,
        "a HyperModel, a build function of hp, or an object with build(hp)",
    )
