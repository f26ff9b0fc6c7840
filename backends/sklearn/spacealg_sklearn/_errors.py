"""The scikit-learn backend's own error: trials whose fit failed."""

from __future__ import annotations

import attrs

import spacealg as sa


@attrs.define(str=False, slots=False)
class FitFailedError(sa.SpaceError, ValueError):
    """A search found no configuration that fits, or stopped at a failed one.

    With ``error_score="raise"`` the search stops at the first trial whose fit
    raises; otherwise it raises this only when every trial failed (scikit-learn's
    searches raise a ``ValueError`` then too). It is a ``ValueError``, as
    scikit-learn's are.

    Attributes:
        operation: the call that failed, such as ``"SearchCV.fit()"``.
        failed: how many trials failed.
        total: how many trials ran.
        last_error: the last failed trial's error and traceback.
    """

    operation: str
    failed: int
    total: int
    last_error: str

    def __str__(self) -> str:
        if self.failed < self.total:
            reason = "error_score='raise' stops the search at the first failed trial"
        else:
            reason = "no configuration could be scored"
        return (
            f"{self.operation}: {self.failed} of {self.total} trials failed ({reason}); "
            f"allowed: at least one trial that fits and scores; "
            f"the last one failed with:\n{self.last_error}"
        )
