"""The GPUs a search's worker processes share out, one per worker.

A tuner with ``n_workers=k`` runs its trials in a :class:`spacealg.ProcessPool`
whose workers each set ``CUDA_VISIBLE_DEVICES`` to one device before the trial
imports Keras (and TensorFlow or JAX): each worker sees its own GPU. The
devices are found without initialising a framework in the search's process.
"""

from __future__ import annotations

import os
import shutil
import subprocess


def visible_devices() -> tuple[str, ...]:
    """The GPU ids this process may use: ``CUDA_VISIBLE_DEVICES`` when set, else ``nvidia-smi``.

    Empty without GPUs (or without ``nvidia-smi``); ``CUDA_VISIBLE_DEVICES=""``
    or ``"-1"`` hides every GPU.

    Examples:
        >>> import os
        >>> os.environ["CUDA_VISIBLE_DEVICES"] = "0,2"
        >>> visible_devices()
        ('0', '2')
        >>> del os.environ["CUDA_VISIBLE_DEVICES"]
    """
    given = os.environ.get("CUDA_VISIBLE_DEVICES")
    if given is not None:
        ids = tuple(part.strip() for part in given.split(",") if part.strip())
        return () if any(part.startswith("-") for part in ids) else ids
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return ()
    try:
        listed = subprocess.run(  # noqa: S603 - nvidia-smi found on PATH, fixed arguments
            [smi, "--query-gpu=index", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(line.strip() for line in listed.splitlines() if line.strip())
