"""``Objective``: the metric a search optimises, and its direction."""

from __future__ import annotations

from typing import Literal

import attrs

from spacealg._space.validation import check_name, check_option
from spacealg.errors import InvalidArgumentError

Direction = Literal["min", "max"]

_MINIMISED = frozenset(
    {
        "mse",
        "mae",
        "mape",
        "msle",
        "rmse",
        "hinge",
        "squared_hinge",
        "logcosh",
        "huber",
        "kld",
        "kl_divergence",
        "poisson",
    }
)
_MINIMISED_PARTS = ("loss", "crossentropy", "error")
_MAXIMISED = frozenset({"accuracy", "acc", "auc", "precision", "recall", "f1_score", "r2_score"})


def _base_name(name: str) -> str:
    base = name.removeprefix("val_")
    return base.removeprefix("weighted_")


def infer_direction(name: str) -> Direction | None:
    """The direction a metric name implies, or None when the name says nothing.

    ``val_`` then ``weighted_`` are stripped; names with ``loss``, ``crossentropy``
    or ``error`` and the usual error metrics minimise; accuracy-like ones maximise.

    Examples:
        >>> infer_direction("val_loss"), infer_direction("val_accuracy"), infer_direction("speed")
        ('min', 'max', None)
    """
    base = _base_name(name)
    if base in _MAXIMISED or base.endswith(("_accuracy", "_acc")):
        return "max"
    if base in _MINIMISED or any(part in base for part in _MINIMISED_PARTS):
        return "min"
    return None


def _check_direction(instance: Objective, attribute: attrs.Attribute[str], value: str) -> None:
    check_option("Objective()", "direction", value, ("min", "max"), name=instance.name)


@attrs.frozen
class Objective:
    """The metric to optimise and whether to minimise or maximise it.

    Args:
        name: the metric's name, such as ``"val_accuracy"``.
        direction: ``"min"`` or ``"max"``.

    Examples:
        >>> Objective("val_accuracy", "max").better(0.9, 0.8)
        True
        >>> Objective.infer("val_loss")
        Objective(name='val_loss', direction='min')
    """

    name: str = attrs.field()
    direction: Direction = attrs.field(validator=_check_direction)

    @name.validator
    def _check_name(self, attribute: attrs.Attribute[str], value: object) -> None:
        check_name("Objective()", "name", value)

    @classmethod
    def infer(cls, name: str) -> Objective:
        """The objective named ``name``, its direction inferred from the name.

        Raises:
            InvalidArgumentError: the name implies no direction.
            ArgumentTypeError: the name is not a non-empty str.
        """
        check_name("Objective.infer()", "name", name)
        direction = infer_direction(name)
        if direction is None:
            raise InvalidArgumentError(
                "Objective.infer()",
                name,
                "objective",
                name,
                f"a metric whose direction is known, or Objective({name!r}, 'min' or 'max')",
            )
        return cls(name, direction)

    def better(self, score: float, than: float) -> bool:
        """Whether ``score`` is strictly better than ``than``."""
        return score < than if self.direction == "min" else score > than

    def best_of(self, scores: list[float]) -> tuple[int, float] | None:
        """The step and value of the best non-NaN score, or None when there is none."""
        best: tuple[int, float] | None = None
        for step, score in enumerate(scores):
            if score != score:  # NaN  # noqa: PLR0124
                continue
            if best is None or self.better(score, best[1]):
                best = (step, score)
        return best
