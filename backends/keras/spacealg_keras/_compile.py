"""Compile overrides: the tuner's ``optimizer``, ``loss`` and ``metrics`` replace the model's.

An optimizer instance is cloned from its config for every model, never shared.
What the tuner does not give keeps the hypermodel's own compile settings; a
model the hypermodel left uncompiled is compiled with the overrides (Keras's
default optimizer when none is given). A model that a custom training loop
(a hypermodel's own ``fit``, a tuner's own ``run_trial``) trains may stay
uncompiled: when no override is given, the tuner does not compile it.
"""

from __future__ import annotations

from typing import Any

import attrs

from ._compat import compile_arguments


def _fresh_optimizer(optimizer: Any) -> Any:
    """A new optimizer with ``optimizer``'s configuration (a string stays a string)."""
    if isinstance(optimizer, str | dict) or optimizer is None:
        return optimizer
    return optimizer.__class__.from_config(optimizer.get_config())


@attrs.frozen
class CompileOverrides:
    """What the tuner was given to compile every model with."""

    optimizer: Any = None
    loss: Any = None
    metrics: Any = None

    @property
    def given(self) -> bool:
        """Whether any override was given."""
        return any(value is not None for value in (self.optimizer, self.loss, self.metrics))

    def apply(self, model: Any, *, trains_itself: bool = False) -> Any:
        """Compile ``model`` with the overrides (a no-op when none was given and it is compiled).

        Args:
            model: the model a hypermodel built.
            trains_itself: whether a custom ``fit`` or ``run_trial`` trains the model;
                an uncompiled model is then returned as it is when no override was
                given (a custom training loop needs no compiled model).

        Raises:
            spacealg.errors.InvalidArgumentError: the model is uncompiled and no
                ``loss`` override says how to train it.
        """
        compiled = bool(getattr(model, "compiled", False))
        if not self.given and (compiled or trains_itself):
            return model
        if not compiled and self.loss is None:
            raise _uncompiled_error()
        arguments = compile_arguments(model, _COMPILE_ARGUMENTS) if compiled else {}
        if self.optimizer is not None:
            arguments["optimizer"] = _fresh_optimizer(self.optimizer)
        if self.loss is not None:
            arguments["loss"] = self.loss
        if self.metrics is not None:
            arguments["metrics"] = list(self.metrics)
        arguments.setdefault("optimizer", "rmsprop")
        model.compile(**{k: v for k, v in arguments.items() if v is not None})
        return model


_COMPILE_ARGUMENTS = (
    "optimizer",
    "loss",
    "metrics",
    "loss_weights",
    "weighted_metrics",
    "run_eagerly",
    "steps_per_execution",
    "jit_compile",
)


def _uncompiled_error() -> Exception:
    import spacealg as sa  # noqa: PLC0415 - the errors module, kept next to its one use

    return sa.errors.InvalidArgumentError(
        "Tuner.run_trial()",
        "",
        "loss",
        None,
        "a loss= override, or a hypermodel that compiles its model",
    )
