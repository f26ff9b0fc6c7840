"""Warnings about tailorings that will not do what they seem to."""

from __future__ import annotations

import warnings

from spacealg._algebra.resolve import TrialSpace
from spacealg.errors import quoted


class TailoringWarning(UserWarning):
    """A tailoring that will not do what it seems to (KerasTuner stays silent about these)."""


def warn_about_tailoring(trial_space: TrialSpace, *, stacklevel: int) -> None:
    """Warn once about tailoring-only names and tailored entries pinned values make inactive."""
    statuses = {name: origin.status for name, origin in trial_space.provenance.items()}
    only = [name for name, status in statuses.items() if status == "tailoring-only"]
    if only:
        warnings.warn(
            f"the tailoring lists {quoted(only)}, which the hypermodel never declares; "
            "they are sampled but nothing reads them",
            TailoringWarning,
            stacklevel=stacklevel + 1,
        )
    inactive = [name for name, status in statuses.items() if status == "inactive"]
    if inactive:
        warnings.warn(
            f"the tailored {quoted(inactive)} can never be active: "
            "the pinned values of their parents leave them inactive",
            TailoringWarning,
            stacklevel=stacklevel + 1,
        )
