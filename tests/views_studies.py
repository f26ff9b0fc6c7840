"""Small real studies for the views' tests: written by minimize, Hyperband and a process pool."""

from __future__ import annotations

import math

import spacealg as sa

NASTY = "<script>alert(1)</script>"
"""A hyperparameter name that is markup: the report must show it as text."""

SPACE = sa.Space(
    [
        sa.Float("x", min_value=-1.0, max_value=1.0),
        sa.Float("learning_rate", min_value=1e-4, max_value=1e-1, sampling="log"),
        sa.Choice(NASTY, values=["plain", "<b>bold</b>"]),
        sa.Choice("model", values=["mlp", "cnn"]),
        sa.Int(
            "filters",
            min_value=8,
            max_value=64,
            step=8,
            conditions=[sa.Condition("model", ["cnn"])],
        ),
    ]
)


def objective(values):
    """x dominates; a third of the x > 0.7 corner fails; the rest barely matters."""
    x = values["x"]
    if x > 0.9:
        raise RuntimeError("diverged: <i>nan</i> & more")
    return (
        10.0 * (x - 0.2) ** 2
        + 0.05 * math.log10(values["learning_rate"])
        + 0.01 * (values["model"] == "cnn")
    )


def budgeted(values, budget):
    """objective(), less noisy the more epochs."""
    return objective(values) + 3.0 / budget


def search(directory, project="study", *, max_trials=24, **options):
    return sa.minimize(
        objective,
        SPACE,
        max_trials=max_trials,
        seed=1,
        directory=directory,
        project_name=project,
        verbose=0,
        max_consecutive_failed_trials=100,
        **options,
    )


def hyperband(directory, project="hyperband"):
    return sa.minimize(
        budgeted,
        SPACE,
        max_trials=None,
        oracle=sa.HyperbandOracle(max_epochs=9, factor=3),
        seed=1,
        directory=directory,
        project_name=project,
        verbose=0,
        max_consecutive_failed_trials=100,
    )
