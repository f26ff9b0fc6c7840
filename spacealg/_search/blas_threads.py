"""One BLAS thread while a Gaussian process proposes.

The process's linear algebra works on matrices of a few hundred rows at most.
At that size OpenBLAS's thread pool costs more than it saves, and on a machine
whose cores are busy (a model training beside the search, other searches) its
threads wait for each other: a Bayesian proposal took 300-500 ms instead of
40-55 ms on two busy cores (``benchmarks/search_quality.py``'s problems). So
the model's work runs with the BLAS libraries limited to one thread, through
``threadpoolctl`` (installed by ``spacealg[bayes]``; without it, the libraries
keep their settings).

The limit is process-wide while it holds, so blocks that overlap (nested, or in
threads) share it: the first to enter sets it, the last to leave restores the
settings.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from typing import Any

_LOCK = threading.Lock()
_DEPTH = 0
_RESTORE: Any = None


@functools.cache
def _controller() -> Any:
    """A controller of the BLAS libraries numpy and scipy load, or None without threadpoolctl."""
    try:
        import scipy.linalg  # noqa: F401, PLC0415 - loads scipy's BLAS before the snapshot
        from threadpoolctl import ThreadpoolController  # noqa: PLC0415 - optional
    except ImportError:
        return None
    return ThreadpoolController().select(user_api="blas")


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit the BLAS libraries to one thread inside the block (see the module's notes)."""
    global _DEPTH, _RESTORE  # noqa: PLW0603 - one process-wide limit, shared by threads
    controller = _controller()
    if controller is None:
        yield
        return
    with _LOCK:
        if _DEPTH == 0:
            _RESTORE = controller.limit(limits=1)
        _DEPTH += 1
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH -= 1
            if _DEPTH == 0:
                _RESTORE.restore_original_limits()
                _RESTORE = None
