"""The public surface: ``__all__``, ``__version__``, public submodules, no framework imports."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.resources
import json
import subprocess
import sys
import types

import pytest

import spacealg

FORBIDDEN = ("keras", "tensorflow", "jax", "torch", "hypothesis")


def test_all_is_sorted_and_unique():
    assert spacealg.__all__ == sorted(spacealg.__all__)
    assert len(set(spacealg.__all__)) == len(spacealg.__all__)


@pytest.mark.parametrize("name", spacealg.__all__)
def test_every_name_in_all_is_importable(name):
    namespace: dict[str, object] = {}
    exec(f"from spacealg import {name}", namespace)
    assert namespace[name] is getattr(spacealg, name)


def test_every_public_name_is_in_all():
    public = {
        name
        for name, value in vars(spacealg).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"  # from __future__ import annotations
    }
    assert public <= set(spacealg.__all__)


def test_core_names_are_exported():
    expected = {
        "Boolean",
        "Choice",
        "Condition",
        "Fixed",
        "Float",
        "Hyperparameter",
        "Int",
        "Space",
        "SpaceError",
        "Values",
        "cardinality",
        "contains",
        "defaults",
        "errors",
        "from_dict",
        "from_json",
        "from_keras_tuner",
        "grid",
        "sample",
        "sample_many",
        "summary",
        "to_dict",
        "to_json",
        "validate",
    }
    assert expected <= set(spacealg.__all__)


def test_version_is_a_str_matching_the_distribution():
    assert isinstance(spacealg.__version__, str)
    assert spacealg.__version__
    assert spacealg.__version__ == importlib.metadata.version("spacealg")


def test_errors_is_a_public_submodule():
    errors = importlib.import_module("spacealg.errors")
    assert spacealg.errors is errors
    assert errors.SpaceError is spacealg.SpaceError
    assert errors.__all__ == sorted(errors.__all__)
    for name in errors.__all__:
        error = getattr(errors, name)
        assert issubclass(error, errors.SpaceError)
        assert error.__module__ == "spacealg.errors"


def test_py_typed_is_shipped():
    assert importlib.resources.files("spacealg").joinpath("py.typed").is_file()


def _modules_after(statement):
    code = f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(result.stdout)


def _loaded(modules, root):
    return [name for name in modules if name == root or name.startswith(root + ".")]


def test_import_spacealg_imports_no_framework_and_no_hypothesis():
    modules = _modules_after("import spacealg")
    assert "spacealg" in modules
    # The check itself works: numpy is a dependency and shows up.
    assert "numpy" in modules
    for root in FORBIDDEN:
        assert _loaded(modules, root) == [], f"import spacealg imported {root}"


def test_import_spacealg_errors_imports_no_framework():
    modules = _modules_after("import spacealg.errors")
    for root in FORBIDDEN:
        assert _loaded(modules, root) == [], f"import spacealg.errors imported {root}"


def test_the_subprocess_check_can_see_a_forbidden_import(tmp_path):
    # Guard against a check that always passes: a stand-in ``torch`` does show up.
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("")
    modules = _modules_after(f"sys.path.insert(0, {str(tmp_path)!r}); import spacealg, torch")
    assert _loaded(modules, "torch") == ["torch"]
