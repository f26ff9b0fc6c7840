"""Warnings about tailorings that will not do what they seem to."""

from __future__ import annotations

import warnings

from spacealg._algebra.resolve import TrialSpace
from spacealg._space.validation import check_instance, check_int
from spacealg.errors import quoted


class TailoringWarning(UserWarning):
    """A tailoring that will not do what it seems to (KerasTuner stays silent about these)."""


def warn_about_tailoring(trial_space: TrialSpace, *, stacklevel: int) -> None:
    """Warn about a tailoring that will not do what it seems to, once per kind of problem.

    Two problems are warned about, each with a :class:`TailoringWarning` naming
    the entries: names only the tailoring lists (the hypermodel never declares
    them, so nothing reads their values), and tailored entries that the pinned
    values of their parents leave inactive in every trial. A backend's front end
    (a tuner) calls it once its trial space is known: before the search, or after
    it when trials may declare names as they run.

    Args:
        trial_space: the resolved trial space the search runs.
        stacklevel: which frame the warning points at, as for
            :func:`warnings.warn`, counted from the caller: 1 is the caller
            itself, 2 the caller's caller (the user's line, for a method the
            user calls).

    Examples:
        >>> import warnings
        >>> import spacealg as sa
        >>> trial_space = sa.resolve(
        ...     sa.Space([sa.Int("units", min_value=8, max_value=64)]),
        ...     sa.Space([sa.Float("dropout", min_value=0.0, max_value=0.5)]),
        ... )
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     warn_about_tailoring(trial_space, stacklevel=1)
        >>> caught[0].category.__name__, str(caught[0].message).split(";")[0]
        ('TailoringWarning', "the tailoring lists 'dropout', which the hypermodel never declares")
    """
    operation = "warn_about_tailoring()"
    check_instance(operation, "trial_space", trial_space, TrialSpace, "a TrialSpace")
    check_int(operation, "stacklevel", stacklevel, minimum=1)
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
