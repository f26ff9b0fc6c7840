"""An mkdocs hook: the prebuilt hypermodels' spaces, printed from the values when the docs build.

A page marks where a space goes with an HTML comment, ``<!-- prebuilt-space: NAME -->``
(NAME one of :data:`HYPERMODELS`); the hook replaces it with a ``text`` block holding
``spacealg.summary`` of that hypermodel's ``.space``. An unknown name fails the build.
No model is built: the spaces are values.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"<!-- prebuilt-space: (?P<name>[A-Za-z0-9_]+) -->")

HYPERMODELS = {
    "xception": ("HyperXception", {"input_shape": (28, 28, 1), "classes": 10}),
    "resnet": ("HyperResNet", {"input_shape": (32, 32, 3), "classes": 10}),
    "efficientnet": ("HyperEfficientNet", {"input_shape": (32, 32, 3), "classes": 10}),
    "augment": ("HyperImageAugment", {"input_shape": (32, 32, 3)}),
    "augment_sequential": ("HyperImageAugment", {"input_shape": (32, 32, 3), "augment_layers": 0}),
}
"""Each marker name: the class and the constructor arguments whose space is printed."""


def _summary(name: str) -> str:
    # The docs describe this checkout: its core and its Keras backend come first.
    for path in (ROOT / "backends" / "keras", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    from spacealg_keras import applications  # noqa: PLC0415

    import spacealg as sa  # noqa: PLC0415 - imported once a page asks for a space

    class_name, arguments = HYPERMODELS[name]
    hypermodel = getattr(applications, class_name)(**arguments)
    call = ", ".join(f"{key}={value!r}" for key, value in arguments.items())
    caption = f"`{class_name}({call}).space`, printed when these pages were built:"
    return f"{caption}\n\n```text\n{sa.summary(hypermodel.space)}```"


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Replace every ``prebuilt-space`` marker of a page with that space's summary."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in HYPERMODELS:
            raise PluginError(
                f"{page.file.src_path}: no prebuilt hypermodel named {name!r} for a "
                f"prebuilt-space marker; known: {', '.join(HYPERMODELS)}"
            )
        return _summary(name)

    return MARKER.sub(replace, markdown)
