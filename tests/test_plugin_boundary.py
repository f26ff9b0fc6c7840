"""Plugins live on public contracts: no backend imports a private part of spacealg.

Every plugin in ``backends/*/spacealg_*`` is read as source (parsed, never
imported, so no framework is needed): it may not import a private spacealg
module (``spacealg._running``, ``from spacealg import _store``, ``import_module
("spacealg._search")``) or a private name, and every name it takes from a public
spacealg module (``spacealg``, ``spacealg.backend``, ``spacealg.oracles``,
``spacealg.errors``), imported or read as an attribute (``sa.errors.X``), is in
that module's ``__all__``. A plugin reaches into its framework's internals
(``keras.src``, ``tensorflow.python``, a private attribute such as
``model._compile_config``) only in its ``_compat.py``. Stand-in plugins prove each
check can fail. Then the public names a backend uses do what the Keras backend
relies on.
"""

from __future__ import annotations

import ast
import importlib
import types
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

import spacealg as sa
from spacealg import backend
from spacealg.backend import CONTINUES, EPOCHS, INITIAL_EPOCH, Outcome, Trial, trial_directory

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_SOURCES = sorted(ROOT.glob("backends/*/spacealg_*/**/*.py"))
_IMPORTERS = {"import_module", "__import__"}


def _is_private(dotted: str) -> bool:
    """Whether a dotted name inside spacealg has a private part (``spacealg._store``)."""
    root, *parts = dotted.split(".")
    return root == "spacealg" and any(_private_part(part) for part in parts)


def _private_part(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _in_spacealg(dotted: str) -> bool:
    return dotted == "spacealg" or dotted.startswith("spacealg.")


def private_imports(source: str, filename: str) -> list[str]:
    """Every import of a private spacealg module or name in ``source``, as ``file:line: what``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [
                f"{filename}:{node.lineno}: import {alias.name}"
                for alias in node.names
                if _is_private(alias.name)
            ]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if _is_private(node.module):
                found.append(f"{filename}:{node.lineno}: from {node.module} import ...")
            elif _in_spacealg(node.module):
                found += [
                    f"{filename}:{node.lineno}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if _private_part(alias.name)
                ]
        elif isinstance(node, ast.Call) and _imports_by_name(node.func) and node.args:
            first = node.args[0]
            named = first.value if isinstance(first, ast.Constant) else None
            if isinstance(named, str) and _is_private(named):
                found.append(f"{filename}:{node.lineno}: import_module({named!r})")
    return found


def _imports_by_name(func: ast.expr) -> bool:
    """``import_module(...)``, ``importlib.import_module(...)`` or ``__import__(...)``."""
    if isinstance(func, ast.Name):
        return func.id in _IMPORTERS
    return isinstance(func, ast.Attribute) and func.attr in _IMPORTERS


def public_names_used(source: str, filename: str) -> Iterator[tuple[str, str, str]]:
    """``(module, name, where)`` for each name taken from a spacealg module in ``source``.

    Names imported (``from spacealg.backend import Trial``) and attributes read
    off a spacealg module (``sa.errors.quoted`` gives ``("spacealg", "errors")``
    and ``("spacealg.errors", "quoted")``).
    """
    tree = ast.parse(source, filename)
    modules: dict[str, str] = {}  # a local name bound to a spacealg module: the module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _in_spacealg(alias.name):
                    local = alias.asname or alias.name.split(".")[0]
                    modules[local] = alias.name if alias.asname else "spacealg"
        elif (
            isinstance(node, ast.ImportFrom) and node.level == 0 and _in_spacealg(node.module or "")
        ):
            module = node.module or ""
            for alias in node.names:
                yield module, alias.name, f"{filename}:{node.lineno}"
                if isinstance(_attribute(module, alias.name), types.ModuleType):
                    modules[alias.asname or alias.name] = f"{module}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            module = _module_of(node.value, modules)
            if module is not None:
                yield module, node.attr, f"{filename}:{node.lineno}"


def _absolute(node: ast.ImportFrom) -> str:
    """The module ``from ... import`` names, or "" for a relative import."""
    return node.module or "" if node.level == 0 else ""


def _attribute(module: str, name: str) -> object:
    return getattr(importlib.import_module(module), name, None)


def _module_of(node: ast.expr, modules: Mapping[str, str]) -> str | None:
    """The spacealg module an expression names (``sa``, ``sa.errors``), else None."""
    if isinstance(node, ast.Name):
        return modules.get(node.id)
    if isinstance(node, ast.Attribute):
        outer = _module_of(node.value, modules)
        if outer is not None and isinstance(_attribute(outer, node.attr), types.ModuleType):
            return f"{outer}.{node.attr}"
    return None


def names_outside_all(source: str, filename: str) -> list[str]:
    """Every name ``source`` takes from a spacealg module whose ``__all__`` lacks it.

    A public submodule (``spacealg.testing``) is public by its name, in ``__all__`` or not.
    """
    outside = []
    for module, name, where in public_names_used(source, filename):
        if _is_private(module):
            continue  # reported where the private part was taken
        submodule = isinstance(_attribute(module, name), types.ModuleType)
        if submodule and not _private_part(name):
            continue
        exported = getattr(importlib.import_module(module), "__all__", ())
        if name not in exported:
            outside.append(f"{where}: {module}.{name} is not in {module}.__all__")
    return outside


FRAMEWORK_INTERNALS = ("keras.src", "tensorflow.python", "jax._src")
COMPAT = "_compat.py"
"""The one module of a plugin that may reach into its framework's internals."""


def _internal_module(dotted: str) -> bool:
    return any(dotted == root or dotted.startswith(root + ".") for root in FRAMEWORK_INTERNALS)


def framework_internals(source: str, filename: str) -> list[str]:
    """Every reach into another library's internals in ``source``, as ``file:line: what``.

    An import of ``keras.src``, ``tensorflow.python`` or ``jax._src``, and a private
    attribute read off anything but ``self`` or ``cls`` (``model._compile_config``,
    ``getattr(model, "_compile_config")``): outside a plugin's ``_compat.py``, none.
    """
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names if _internal_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and _internal_module(_absolute(node)):
            found.append(f"{where}: from {node.module} import ...")
        elif isinstance(node, ast.Attribute) and _private_part(node.attr):
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not own:
                found.append(f"{where}: {ast.unparse(node)}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr", "setattr")
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and _private_part(str(node.args[1].value))
        ):
            found.append(f"{where}: {ast.unparse(node)}")
    return found


def _read(path: Path) -> tuple[str, str]:
    return path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))


# -- the plugins in this repository -------------------------------------------------


def test_the_plugin_sources_are_found():
    # Guard against a glob that finds nothing, which would pass every check below.
    names = {path.relative_to(ROOT).as_posix() for path in PLUGIN_SOURCES}
    assert "backends/keras/spacealg_keras/_tuner.py" in names
    assert "backends/keras/spacealg_keras/applications/_prebuilt.py" in names
    assert "backends/sklearn/spacealg_sklearn/_search_cv.py" in names


@pytest.mark.parametrize("path", PLUGIN_SOURCES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_a_plugin_imports_no_private_spacealg_module(path):
    assert private_imports(*_read(path)) == []


@pytest.mark.parametrize("path", PLUGIN_SOURCES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_a_plugin_takes_only_exported_names(path):
    assert names_outside_all(*_read(path)) == []


@pytest.mark.parametrize(
    "path",
    [path for path in PLUGIN_SOURCES if path.name != COMPAT],
    ids=lambda path: path.relative_to(ROOT).as_posix(),
)
def test_framework_internals_are_reached_only_in_the_compat_module(path):
    assert framework_internals(*_read(path)) == []


def test_the_keras_compat_module_holds_the_workarounds():
    # Guard against a scan that sees nothing: the workarounds are there, in _compat.py.
    found = framework_internals(*_read(ROOT / "backends/keras/spacealg_keras" / COMPAT))
    assert any("keras.src.saving" in line for line in found)
    assert any("tensorflow.python.framework" in line for line in found)
    assert any("'_compile_config'" in line for line in found)


def test_the_keras_backend_uses_the_public_backend_helpers():
    # The scan reads the names the Keras backend really takes from spacealg.backend.
    used = set()
    for path in PLUGIN_SOURCES:
        used |= {(m, n) for m, n, _ in public_names_used(*_read(path)) if m == "spacealg.backend"}
    expected = {"EPOCHS", "CONTINUES", "trial_directory", "runs_in_parallel"}
    assert {("spacealg.backend", name) for name in expected} <= used


# -- stand-in plugins: each check can fail --------------------------------------------

PRIVATE_FORMS = {
    "import": "import spacealg._running.executors",
    "import as": "import spacealg._store.trial_store as store",
    "from module": "from spacealg._search.hyperband import EPOCHS",
    "from package": "from spacealg import _running",
    "private name": "from spacealg.backend import _private",
    "import_module": 'import importlib\nimportlib.import_module("spacealg._search.registry")',
    "bare import_module": 'from importlib import import_module\nimport_module("spacealg._store")',
    "__import__": '__import__("spacealg._running.executors")',
}


@pytest.mark.parametrize("form", PRIVATE_FORMS)
def test_a_private_import_is_reported(tmp_path, form):
    plugin = tmp_path / "spacealg_stand_in" / "_module.py"
    plugin.parent.mkdir()
    plugin.write_text(f'"""A stand-in plugin."""\n\nimport spacealg\n{PRIVATE_FORMS[form]}\n')
    found = private_imports(plugin.read_text(), str(plugin))
    assert len(found) == 1
    assert found[0].startswith(f"{plugin}:")


def test_public_imports_are_not_reported(tmp_path):
    plugin = tmp_path / "_module.py"
    plugin.write_text(
        "import spacealg as sa\n"
        "import spacealg.backend\n"
        "from spacealg import __version__, backend\n"
        "from spacealg.backend import EPOCHS, Trial, trial_directory\n"
        "from spacealg.oracles import HyperbandOracle, as_oracle\n"
        "from . import _compat\n"  # the plugin's own private modules are its business
        "from ._runner import KerasBackend\n"
        'import importlib\nimportlib.import_module("spacealg.oracles")\n'
        "x = sa.errors.InvalidArgumentError\n"
    )
    source = plugin.read_text()
    assert private_imports(source, str(plugin)) == []
    assert names_outside_all(source, str(plugin)) == []


@pytest.mark.parametrize(
    ("line", "reported"),
    [
        ("from spacealg.backend import annotations", "spacealg.backend.annotations"),
        ("from spacealg import Study, annotations", "spacealg.annotations"),
        ("import spacealg as sa\nsa.errors.quoted([])", "spacealg.errors.quoted"),
        ("from spacealg import errors\nerrors.Iterable", "spacealg.errors.Iterable"),
        ("import spacealg.oracles as o\no.annotations", "spacealg.oracles.annotations"),
        (
            "import spacealg.testing\nspacealg.testing.annotations",
            "spacealg.testing.annotations",
        ),
    ],
)
def test_a_name_outside_all_is_reported(tmp_path, line, reported):
    module, name = reported.rsplit(".", 1)
    assert hasattr(importlib.import_module(module), name)  # there, but not exported
    plugin = tmp_path / "_module.py"
    plugin.write_text(line + "\n")
    found = names_outside_all(plugin.read_text(), str(plugin))
    assert [message.split(": ", 1)[1] for message in found] == [
        f"{reported} is not in {module}.__all__"
    ]


INTERNAL_FORMS = {
    "keras.src": "from keras.src.saving import saving_lib",
    "tensorflow.python": "import tensorflow.python.framework.ops as ops",
    "jax._src": "from jax._src import config",
    "private attribute": "config = model._compile_config",
    "getattr": 'config = getattr(model, "_compile_config", None)',
    "on a module": "registry = ops.gradient_registry._registry",
}


@pytest.mark.parametrize("form", INTERNAL_FORMS)
def test_a_reach_into_framework_internals_is_reported(tmp_path, form):
    plugin = tmp_path / "_runner.py"
    plugin.write_text(f"import keras\n\n\ndef run(model):\n    {INTERNAL_FORMS[form]}\n")
    found = framework_internals(plugin.read_text(), str(plugin))
    assert len(found) == 1
    assert found[0].startswith(f"{plugin}:5: ")


def test_own_private_attributes_and_public_keras_are_not_reported(tmp_path):
    plugin = tmp_path / "_runner.py"
    plugin.write_text(
        "import keras\n"
        "from keras import layers\n"
        "from . import _compat\n"
        "class Runner:\n"
        "    def __init__(self, build):\n"
        "        self._build = build\n"
        '        self.name = getattr(build, "__name__", None)\n'
        "        _compat.set_random_seed(0)\n"
        "    @classmethod\n"
        "    def make(cls):\n"
        "        return cls._default\n"
    )
    assert framework_internals(plugin.read_text(), str(plugin)) == []


# -- what the public names a backend uses do ------------------------------------------


def test_the_budget_keys_are_the_ones_hyperband_gives(tmp_path):
    metas: list[Mapping[str, int]] = []

    class Recording:
        def run_trial(self, trial: Trial) -> Outcome:
            metas.append(trial.meta)
            return float(trial.values["x"]) / trial.meta[EPOCHS]

    study = sa.Study(
        trial_space=sa.resolve(sa.Space([sa.Int("x", min_value=0, max_value=20)])),
        backend=Recording(),
        objective=sa.Objective("score", "min"),
        oracle=sa.HyperbandOracle(max_epochs=9, factor=3),
        directory=tmp_path,
        seed=0,
    )
    study.run(None, verbose=0)
    assert metas
    assert all(meta[EPOCHS] >= 1 for meta in metas)
    assert all(meta[INITIAL_EPOCH] < meta[EPOCHS] for meta in metas)
    continued = [meta for meta in metas if CONTINUES in meta]
    assert continued  # promoted trials continue earlier ones, from where they stopped
    assert all(meta[INITIAL_EPOCH] > 0 for meta in continued)
    assert (EPOCHS, INITIAL_EPOCH, CONTINUES) == (
        "tuner/epochs",
        "tuner/initial_epoch",
        "tuner/trial_id",
    )


def test_trial_directory_is_the_directory_each_trial_receives(tmp_path):
    received: dict[int, Path] = {}

    class Recording:
        def run_trial(self, trial: Trial) -> Outcome:
            received[trial.trial_id] = trial.directory
            return 0.0

    study = sa.Study(
        trial_space=sa.resolve(sa.Space([sa.Int("x", min_value=0, max_value=20)])),
        backend=Recording(),
        objective=sa.Objective("score", "min"),
        directory=tmp_path,
        project_name="artifacts",
    )
    study.run(3, verbose=0)
    assert sorted(received) == [0, 1, 2]
    for trial_id, directory in received.items():
        assert trial_directory(tmp_path, "artifacts", trial_id) == directory
        assert trial_directory(str(tmp_path), "artifacts", trial_id) == directory


@pytest.mark.parametrize("trial_id", [-1, 1.0, True, "0"])
def test_trial_directory_takes_a_trial_id(trial_id):
    with pytest.raises(sa.errors.InvalidArgumentError) as caught:
        trial_directory("runs", "mnist", trial_id)
    assert str(caught.value) == (
        f"trial_directory(): trial_id={trial_id!r} is not valid; allowed: an int >= 0"
    )


def test_runs_in_parallel_checks_what_a_tuner_receives():
    assert backend.runs_in_parallel(None, None, operation="Tuner()") is False
    assert backend.runs_in_parallel(None, 1, operation="Tuner()") is False
    assert backend.runs_in_parallel(None, 3, operation="Tuner()") is True
    with pytest.raises(sa.errors.InvalidArgumentError, match=r"^Tuner\(\): n_workers=0 "):
        backend.runs_in_parallel(None, 0, operation="Tuner()")
    with pytest.raises(sa.errors.ArgumentTypeError, match=r"^Tuner\(\): executor=3 "):
        backend.runs_in_parallel(3, None, operation="Tuner()")


def test_warn_about_tailoring_points_at_the_callers_caller():
    trial_space = sa.resolve(
        sa.Space([sa.Int("units", min_value=8, max_value=64)]),
        sa.Space([sa.Float("dropout", min_value=0.0, max_value=0.5)]),
    )

    def search() -> None:  # a tuner's method the user calls
        backend.warn_about_tailoring(trial_space, stacklevel=2)

    def users_code() -> None:
        search()  # the line the warning names

    with pytest.warns(backend.TailoringWarning, match="'dropout'") as caught:
        users_code()
    line = users_code.__code__.co_firstlineno + 1
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)
    assert backend.TailoringWarning is sa.TailoringWarning


def test_the_public_helpers_are_documented():
    for name in backend.__all__:
        value = getattr(backend, name)
        if callable(value):
            assert (value.__doc__ or "").strip(), f"spacealg.backend.{name} has no docstring"
