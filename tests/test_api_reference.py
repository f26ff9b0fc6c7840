"""The API reference documents every public name, and every docstring example runs.

The public modules are found on disk, not listed here: ``spacealg``, each
``spacealg/<name>.py`` whose name does not start with ``_``, every
``backends/<name>/spacealg_<name>`` package, and every module a public module
lists in its ``__all__``. Each must be rendered by a ``::: <module>`` directive in a
page under ``docs/reference/``, and each name of its ``__all__`` must get an anchor
``<module>.<name>`` in the built page (a module name: a page of its own).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference"
_DIRECTIVE = re.compile(r"^::: (?P<module>[A-Za-z_][\w.]*)\s*$", re.MULTILINE)
_ANCHOR = re.compile(r'\bid="(?P<id>[A-Za-z_][\w.]*)"')


# --- what is public ---------------------------------------------------------------------------


def backend_packages(root: Path) -> list[str]:
    """The import names of the backend packages under ``root/backends``."""
    return sorted(
        package.name
        for package in root.glob("backends/*/spacealg_*")
        if (package / "__init__.py").is_file()
    )


def core_modules(root: Path) -> list[str]:
    """``spacealg`` and its public top-level modules (``spacealg/<name>.py``, no ``_``)."""
    public = (path.stem for path in (root / "spacealg").glob("*.py"))
    return ["spacealg", *sorted(f"spacealg.{stem}" for stem in public if not stem.startswith("_"))]


def with_listed_submodules(names: list[str]) -> list[str]:
    """The modules named, and every module they list in their ``__all__``, recursively."""
    found: list[str] = []
    pending = list(names)
    while pending:
        name = pending.pop(0)
        if name in found:
            continue
        found.append(name)
        module = importlib.import_module(name)
        pending.extend(
            f"{name}.{member}"
            for member in getattr(module, "__all__", ())
            if isinstance(getattr(module, member), types.ModuleType)
        )
    return found


def public_modules() -> list[str]:
    return with_listed_submodules(core_modules(ROOT) + backend_packages(ROOT))


# --- what the reference shows -----------------------------------------------------------------


def directives(reference: Path) -> dict[str, Path]:
    """Each module rendered by a ``::: module`` line, and the page that renders it."""
    return {
        match.group("module"): page
        for page in sorted(reference.rglob("*.md"))
        for match in _DIRECTIVE.finditer(page.read_text(encoding="utf-8"))
    }


def missing_from_reference(
    module: types.ModuleType, rendered: dict[str, Path], anchors: dict[Path, set[str]]
) -> list[str]:
    """The names of ``module.__all__`` the reference does not show (or the module's own)."""
    name = module.__name__
    if name not in rendered:
        return [name]
    shown = anchors[rendered[name]]
    missing = []
    for member in module.__all__:
        if isinstance(getattr(module, member, None), types.ModuleType):
            if f"{name}.{member}" not in rendered:
                missing.append(f"{name}.{member}")
        elif f"{name}.{member}" not in shown:
            missing.append(f"{name}.{member}")
    return missing


def build_site(config: Path, site: Path) -> None:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", site]
    completed = subprocess.run(
        command, cwd=config.parent, capture_output=True, text=True, timeout=600, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def page_anchors(docs: Path, site: Path, pages: Iterator[Path]) -> dict[Path, set[str]]:
    """The ``id`` attributes of each page's built HTML."""
    anchors = {}
    for page in pages:
        relative = page.relative_to(docs).with_suffix("")
        folder = relative.parent if relative.name == "index" else relative
        html = site / folder / "index.html"
        anchors[page] = set(_ANCHOR.findall(html.read_text(encoding="utf-8")))
    return anchors


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, set[str]]:
    site = tmp_path_factory.mktemp("site")
    build_site(ROOT / "mkdocs.yml", site)
    return page_anchors(ROOT / "docs", site, iter(sorted(REFERENCE.rglob("*.md"))))


# --- the checks -------------------------------------------------------------------------------


def test_the_public_modules_are_found_on_disk() -> None:
    modules = public_modules()
    for expected in (
        "spacealg",
        "spacealg.backend",
        "spacealg.errors",
        "spacealg.oracles",
        "spacealg.testing",
        "spacealg_keras",
        "spacealg_keras.applications",
    ):
        assert expected in modules


@pytest.mark.parametrize("name", public_modules())
def test_every_public_name_is_in_the_reference(name: str, built: dict[Path, set[str]]) -> None:
    module = importlib.import_module(name)
    assert module.__all__, f"{name} has an empty __all__"
    assert missing_from_reference(module, directives(REFERENCE), built) == []


def test_every_backend_folder_is_on_the_reference_path() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    handlers = next(
        plugin["mkdocstrings"]["handlers"]
        for plugin in config["plugins"]
        if isinstance(plugin, dict) and "mkdocstrings" in plugin
    )
    paths = set(handlers["python"]["paths"])
    for package in backend_packages(ROOT):
        folder = next(ROOT.glob(f"backends/*/{package}")).parent
        assert folder.relative_to(ROOT).as_posix() in paths


# --- negative controls: the checks above can fail ---------------------------------------------


def test_a_name_added_to_all_without_a_docstring_page_is_reported(
    built: dict[Path, set[str]],
) -> None:
    errors = importlib.import_module("spacealg.errors")
    fake = types.ModuleType("spacealg.errors")
    fake.__dict__.update(vars(errors))
    fake.__all__ = [*errors.__all__, "BrandNewError"]
    fake.BrandNewError = type("BrandNewError", (Exception,), {})  # type: ignore[attr-defined]
    assert missing_from_reference(fake, directives(REFERENCE), built) == [
        "spacealg.errors.BrandNewError"
    ]


def test_a_module_without_a_page_is_reported(tmp_path: Path) -> None:
    package = tmp_path / "backends" / "nothing" / "spacealg_nothing"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('__all__ = ["thing"]\nthing = 1\n')
    assert backend_packages(tmp_path) == ["spacealg_nothing"]
    fake = types.ModuleType("spacealg_nothing")
    fake.__all__ = ["thing"]  # type: ignore[attr-defined]
    assert missing_from_reference(fake, directives(REFERENCE), {}) == ["spacealg_nothing"]


def test_a_page_that_leaves_members_out_is_reported(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "reference").mkdir(parents=True)
    page = docs / "reference" / "errors.md"
    page.write_text("# errors\n\n::: spacealg.errors\n    options:\n      members: [SpaceError]\n")
    (docs / "index.md").write_text("# home\n")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks")
    config["docs_dir"] = str(docs)
    config["nav"] = ["index.md", "reference/errors.md"]
    handlers = config["plugins"][1]["mkdocstrings"]["handlers"]["python"]
    handlers["paths"] = [str(ROOT)]
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    anchors = page_anchors(docs, tmp_path / "site", iter([page]))
    errors = importlib.import_module("spacealg.errors")
    missing = missing_from_reference(errors, directives(docs / "reference"), anchors)
    assert "spacealg.errors.SpaceError" not in missing
    assert sorted(missing) == sorted(
        f"spacealg.errors.{name}" for name in errors.__all__ if name != "SpaceError"
    )


# --- the backends' docstring examples run (the core's: pytest --doctest-modules) ---------------


def _backend_modules() -> list[str]:
    names = []
    for package_name in backend_packages(ROOT):
        package = importlib.import_module(package_name)
        names.append(package_name)
        names.extend(
            info.name for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}.")
        )
    return names


@pytest.mark.parametrize("name", _backend_modules())
def test_the_backends_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, name):
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} docstring examples failed in {name}"


def test_a_failing_docstring_example_is_caught() -> None:
    module = types.ModuleType("broken")
    source = 'def f():\n    """Doc.\n\n    >>> 1 + 1\n    3\n    """\n'
    exec(compile(source, "broken", "exec"), module.__dict__)
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(module, "broken"):
        runner.run(test, out=lambda _text: None)
    assert runner.failures == 1
