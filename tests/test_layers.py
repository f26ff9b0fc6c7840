"""The core's folders are layers: a module imports only its own layer and the layers below.

The data flows declare -> Space -> tailor -> resolve -> oracle -> backend -> store,
and the folders of ``spacealg/`` follow it. This test reads every ``import`` in
every core module (at module level and inside functions) and fails when a
lower layer imports a higher one, or when a module belongs to no layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "spacealg"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("errors", ("spacealg.errors",)),
    ("space values", ("spacealg._space",)),
    ("algebra", ("spacealg._algebra",)),
    ("text and files", ("spacealg._files",)),
    ("search", ("spacealg._search",)),
    ("store", ("spacealg._store",)),
    ("running", ("spacealg._running",)),
    ("views", ("spacealg._views",)),
    ("public contracts", ("spacealg.backend", "spacealg.oracles")),
    ("contract suites", ("spacealg._testing",)),
    ("public facade", ("spacealg.testing", "spacealg.plots", "spacealg.__init__")),
    ("command line", ("spacealg._cli", "spacealg.__main__")),
)
"""Bottom to top. A module's layer is that of the longest prefix naming it."""

ALLOWED_UPWARD: frozenset[tuple[str, str]] = frozenset(
    {
        # Space's methods fix/restrict/override/merge/select/drop/constrain are one-line sugar
        # over the algebra's functions; they import them when called, so that
        # ``space.fix(units=64)`` reads well. The algebra itself imports the space.
        ("spacealg._space.space", "spacealg._algebra.operators"),
        ("spacealg._space.space", "spacealg._algebra.restrict"),
        ("spacealg._space.space", "spacealg._algebra.constrain"),
    }
)


def module_name(path: Path, root: Path) -> str:
    """The dotted name of the module at ``path`` in the package rooted at ``root``."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int | None:
    """The index in ``LAYERS`` of ``module``'s layer, or None when it belongs to none."""
    if module == "spacealg":
        module = "spacealg.__init__"  # the package's facade, not a prefix of every module
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), index)
    return None if best is None else best[1]


def existing(name: str, root: Path) -> bool:
    """Whether ``name`` is a module or package of the tree at ``root``."""
    relative = Path(*name.split(".")[1:])
    return (root / relative).with_suffix(".py").is_file() or (root / relative).is_dir()


def imported_modules(path: Path, root: Path) -> set[str]:
    """Every module of the tree at ``root`` that the source at ``path`` imports, anywhere."""
    module = module_name(path, root)
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # ``from spacealg import backend`` imports the submodule spacealg.backend;
                # ``from spacealg import Space`` imports the package's facade
                submodule = f"{base}.{alias.name}"
                found.add(submodule if existing(submodule, root) else base)
    return {
        name
        for name in found
        if (name == root.name or name.startswith(root.name + ".")) and existing(name, root)
    }


def violations(root: Path) -> list[str]:
    """Each import from a lower layer into a higher one, and each module of no layer."""
    found = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        layer = layer_of(module)
        if layer is None:
            found.append(f"{module} belongs to no layer")
            continue
        for imported in sorted(imported_modules(path, root)):
            if (module, imported) in ALLOWED_UPWARD:
                continue
            target = layer_of(imported)
            if target is not None and target > layer:
                found.append(
                    f"{module} ({LAYERS[layer][0]}) imports {imported} ({LAYERS[target][0]})"
                )
    return found


def test_no_lower_layer_imports_a_higher_one():
    assert violations(ROOT) == []


def test_every_layer_has_modules():
    modules = [module_name(path, ROOT) for path in ROOT.rglob("*.py")]
    for index, (name, _) in enumerate(LAYERS):
        assert any(layer_of(module) == index for module in modules), name


def test_the_allowed_upward_imports_are_still_made():
    # An exception no longer needed is removed from the list, so the list stays true.
    for module, imported in ALLOWED_UPWARD:
        path = ROOT.parent / Path(*module.split(".")).with_suffix(".py")
        assert imported in imported_modules(path, ROOT)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "spacealg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize(
    "source",
    [
        "from spacealg._running.study import Study\n",
        "import spacealg._store.trial_store\n",
        "def late():\n    from spacealg._search import tpe\n",
        "from .._algebra.operators import fix\n",
        "from spacealg import oracles\n",
    ],
)
def test_negative_control_an_upward_import_is_reported(tmp_path, source):
    root = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "errors.py": "",
            "oracles.py": "",
            "_space/__init__.py": "",
            "_space/space.py": "",
            "_space/kinds.py": source,
            "_algebra/__init__.py": "",
            "_algebra/operators.py": "",
            "_search/__init__.py": "",
            "_search/tpe.py": "",
            "_store/__init__.py": "",
            "_store/trial_store.py": "",
            "_running/__init__.py": "",
            "_running/study.py": "",
        },
    )
    [found] = violations(root)
    assert found.startswith("spacealg._space.kinds (space values) imports spacealg.")


def test_negative_control_a_module_outside_the_layers_is_reported(tmp_path):
    root = _tree(tmp_path, {"__init__.py": "", "_misc/__init__.py": "", "_misc/helpers.py": ""})
    assert violations(root) == [
        "spacealg._misc belongs to no layer",
        "spacealg._misc.helpers belongs to no layer",
    ]


def test_downward_and_same_layer_imports_are_allowed(tmp_path):
    root = _tree(
        tmp_path,
        {
            "__init__.py": "from spacealg._running.study import Study\n",
            "errors.py": "",
            "_space/__init__.py": "",
            "_space/space.py": "from spacealg.errors import SpaceError\n",
            "_space/kinds.py": "from spacealg._space.space import Space\n",
            "_running/__init__.py": "",
            "_running/study.py": "from spacealg._space import kinds\n",
        },
    )
    assert violations(root) == []
