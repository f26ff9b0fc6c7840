"""Workarounds for Keras's and TensorFlow's internals, all in one place.

Everything the Keras backend does through a private Keras or TensorFlow module
or attribute (``keras.src``, ``tensorflow.python``, ``model._compile_config``),
or to make up for how those libraries use Python's garbage collector, lives
here; the rest of the backend calls these functions and uses public APIs only.
Each workaround says what it works around and the versions it was checked on.
When a new Keras or TensorFlow release breaks one, this module is the one to
fix (``backends/keras/tests`` exercise every workaround under both backends).

Checked on Keras 3.15.1 with TensorFlow 2.21.0 and with JAX 0.10.2, on Python 3.11.
"""

from __future__ import annotations

import contextlib
import gc
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np

# Workaround: Keras's public Model.save_weights/load_weights always include the
# optimizer's state; saving_lib's functions take objects_to_skip, which the
# public ones do not expose. Checked on Keras 3.15.1 (TensorFlow 2.21.0, JAX 0.10.2).
from keras.src.saving import saving_lib


def save_weights_only(model: Any, path: Path, *, skip: Sequence[Any] | None) -> None:
    """Keras's weights-only save of ``model`` to ``path``, leaving out the objects in ``skip``.

    Works around: ``Model.save_weights`` has no ``objects_to_skip`` (Keras 3.15.1).
    """
    saving_lib.save_weights_only(model, path, objects_to_skip=None if skip is None else list(skip))


def load_weights_only(model: Any, path: Path, *, skip: Sequence[Any] | None) -> None:
    """Keras's weights-only load of ``path`` into ``model``, leaving out the objects in ``skip``.

    Works around: ``Model.load_weights`` has no ``objects_to_skip`` (Keras 3.15.1).
    """
    saving_lib.load_weights_only(model, path, objects_to_skip=None if skip is None else list(skip))


def set_random_seed(seed: int) -> None:
    """``keras.utils.set_random_seed``, without importing TensorFlow under another backend.

    Works around: Keras's own function imports TensorFlow whenever it is
    installed, to seed ``tf.data``; under JAX that costs seconds and memory for
    nothing. The non-TensorFlow path repeats its steps (Python, NumPy, Keras's
    global seed and seed generator, kept in ``keras.src.backend.common.global_state``
    and named in ``keras.src.random.seed_generator``). Checked on Keras 3.15.1
    with JAX 0.10.2 (and TensorFlow 2.21.0 for the public path).
    """
    if keras.backend.backend() == "tensorflow" or "tensorflow" in sys.modules:
        keras.utils.set_random_seed(seed)
        return
    from keras.src.backend.common import global_state  # noqa: PLC0415 - see above
    from keras.src.random import seed_generator  # noqa: PLC0415

    global_state.set_global_attribute("global_random_seed", seed)
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    random.seed(seed)
    np.random.seed(seed)


_USER_SETTINGS = (
    "dtype_policy",
    "interactive_logging",
    "traceback_filtering",
    "flash_attention",
    "nnx_enabled",
)
"""Keras global attributes a user sets through ``keras.config`` (or
``keras.mixed_precision``); ``clear_session`` forgets them with the rest."""


def clear_session_keeping_settings() -> None:
    """``keras.backend.clear_session(free_memory=False)``, keeping the user's Keras settings.

    Works around: ``clear_session`` resets all of Keras's global state (its
    private ``keras.src.backend.common.global_state``), which also holds settings
    such as a mixed-precision policy: without this, every trial but a search's
    first would train in float32 after ``keras.mixed_precision.set_global_policy``.
    The settings' attribute names are Keras's own (``_USER_SETTINGS``). Checked
    on Keras 3.15.1 with TensorFlow 2.21.0 and JAX 0.10.2.
    """
    from keras.src.backend.common import global_state  # noqa: PLC0415 - see set_random_seed

    kept = {name: global_state.get_global_attribute(name) for name in _USER_SETTINGS}
    keras.backend.clear_session(free_memory=False)
    for name, value in kept.items():
        if value is not None:
            global_state.set_global_attribute(name, value)


@contextlib.contextmanager
def releasing_custom_gradients() -> Iterator[None]:
    """Unregister the custom gradients TensorFlow registers while the block runs.

    Works around: in graph mode ``tf.custom_gradient`` registers each gradient
    function in TensorFlow's global gradient registry (the private
    ``tensorflow.python.framework.ops.gradient_registry._registry``) and never
    removes it (tensorflow issue 97697); Keras's TensorFlow optimizer uses one in
    every traced train step (``all_reduce`` in ``apply_gradients``). The
    function's closure keeps the traced graph alive and, through its captures,
    the model's and optimizer's variables: without this, every trial leaks its
    model's weights three times over (about 15 MB a trial for a million
    parameters with Adam), whatever ``clear_session`` does. The names are
    ``CustomGradient-<uid>``, unique per registration; only those registered
    inside the block are removed, once the trial's model is done with. A no-op
    under other Keras backends. Checked on TensorFlow 2.21.0 with Keras 3.15.1.
    """
    registry = _gradient_registry()
    before = set(registry) if registry is not None else set()
    try:
        yield
    finally:
        if registry is not None:
            for name in [n for n in registry if n not in before]:
                if name.startswith("CustomGradient-"):
                    del registry[name]


def _gradient_registry() -> dict[str, Any] | None:
    """TensorFlow's registry of gradient functions, under the TensorFlow backend (else None)."""
    if keras.backend.backend() != "tensorflow":
        return None
    from tensorflow.python.framework import ops  # noqa: PLC0415 - TensorFlow backend only

    registry = getattr(getattr(ops, "gradient_registry", None), "_registry", None)
    return registry if isinstance(registry, dict) else None


@contextlib.contextmanager
def freezing_older_objects() -> Iterator[None]:
    """Freeze every object older than the block, so a full collection inside it is cheap.

    Works around: a dead Keras model is cyclic garbage: only a full collection
    frees it, and Python runs one rarely, so without one per trial resident
    memory climbs by about a model and its optimizer state a trial until it runs
    (under JAX, 80 MB over 30 trials of a million-parameter model). A full
    collection of the whole process costs 0.1 s (JAX) to 0.25 s (TensorFlow) a
    trial. With the objects that existed before the search frozen
    (``gc.freeze``), the collection at the start of each trial
    (:func:`collect_trial_garbage`) traverses only what the search made since,
    in milliseconds. Objects are unfrozen when the block ends; nothing is done
    when the collector is disabled or something else froze objects. Checked on
    Python 3.11 with Keras 3.15.1, TensorFlow 2.21.0 and JAX 0.10.2.
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    _Freezing.searches += 1
    try:
        yield
    finally:
        _Freezing.searches -= 1
        gc.unfreeze()


class _Freezing:
    """How many searches have frozen the older objects (``freezing_older_objects``) right now.

    Works around: ``gc.get_freeze_count()`` walks every frozen object (30 ms a
    call with TensorFlow 2.21.0 imported, 15 ms with JAX 0.10.2, on Python 3.11):
    a trial asks this counter first.
    """

    searches = 0


def collect_trial_garbage() -> None:
    """Collect the earlier trials' dead models, when older objects are frozen (else nothing).

    A full collection is cheap only while :func:`freezing_older_objects` (or
    whoever runs the trial) has frozen the objects older than the search.
    """
    if gc.isenabled() and (_Freezing.searches or gc.get_freeze_count()):
        gc.collect()


def compile_arguments(model: Any, names: Sequence[str]) -> dict[str, Any]:
    """The arguments ``model`` was compiled with, for each of ``names`` (None when not given).

    Works around: Keras keeps them as given in the private
    ``model._compile_config``; its public ``get_compile_config()`` serializes
    them, which imports TensorFlow whenever it is installed, even under JAX. The
    public call is the fallback. Checked on Keras 3.15.1 with TensorFlow 2.21.0
    and JAX 0.10.2.
    """
    raw = getattr(getattr(model, "_compile_config", None), "config", None)
    if isinstance(raw, dict):
        return {name: raw.get(name) for name in names}
    config = model.get_compile_config() or {}
    arguments = {name: config.get(name) for name in names}
    if "optimizer" in arguments:  # serialized: back to an optimizer
        arguments["optimizer"] = keras.optimizers.deserialize(config["optimizer"])
    return arguments
