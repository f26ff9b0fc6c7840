"""An mkdocs hook: the figures of "Looking at a study", drawn from a real search at build time.

It runs a small search (the one the page's examples run: same space, objective
and seed) in a temporary folder, and adds each figure of ``spacealg.plots`` to
the site as ``looking/<name>.svg``, which the page shows as images. Nothing is
written to ``docs/``.
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ("history", "parallel_coordinates", "slices", "importance")


def objective(values: dict[str, Any]) -> float:
    """The page's objective: ``x`` dominates, the learning rate and the model barely matter."""
    loss = 10 * (values["x"] - 0.2) ** 2 + 0.1 * math.log10(values["learning_rate"])
    return loss + (0.05 if values["model"] == "cnn" else 0.0)


def study_figures() -> dict[str, str]:
    """Each figure's SVG text, from a 60-trial search."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the docs describe this checkout
    import spacealg as sa  # noqa: PLC0415 - imported once the docs build
    from spacealg import plots  # noqa: PLC0415
    from spacealg._views.report import svg  # noqa: PLC0415 - the report's own SVG writer

    space = sa.Space(
        [
            sa.Float("x", min_value=-1.0, max_value=1.0),
            sa.Float("learning_rate", min_value=1e-4, max_value=1e-1, sampling="log"),
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
    with tempfile.TemporaryDirectory() as folder:
        result = sa.minimize(
            objective,
            space,
            max_trials=60,
            seed=7,
            directory=folder,
            project_name="looking",
            verbose=0,
        )
    return {name: svg(getattr(plots, name)(result)) for name in FIGURES}


def on_files(files: Any, config: Any, **kwargs: Any) -> Any:
    """Add ``looking/<figure>.svg`` for each figure."""
    from mkdocs.structure.files import File  # noqa: PLC0415 - mkdocs runs this hook

    for name, text in study_figures().items():
        files.append(File.generated(config, f"looking/{name}.svg", content=text))
    return files
