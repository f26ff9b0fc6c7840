"""KerasTuner's ``keras_tuner.errors``: the errors a build function or ``fit`` raises.

They are spacealg's own (:mod:`spacealg.errors`), so ``minimize`` and the
tuners treat them alike:

- :class:`FailedTrialError`: record this trial FAILED now, without the retries
  ``max_retries_per_trial`` allows.
- :class:`FatalError` and its kinds :class:`FatalValueError`,
  :class:`FatalTypeError`, :class:`FatalRuntimeError` (each also the builtin
  error it names): stop the whole search and re-raise from ``search()``; the
  trial that raised is given back to the store unrecorded, so the next
  ``search()`` reruns it.

Examples:
    >>> import spacealg_keras as keras_tuner
    >>> issubclass(keras_tuner.errors.FatalValueError, ValueError)
    True
    >>> str(keras_tuner.errors.FailedTrialError("Model too large!"))
    'Model too large!'
"""

from __future__ import annotations

from spacealg.errors import (
    FailedTrialError,
    FatalError,
    FatalRuntimeError,
    FatalTypeError,
    FatalValueError,
)

__all__ = [
    "FailedTrialError",
    "FatalError",
    "FatalRuntimeError",
    "FatalTypeError",
    "FatalValueError",
]
