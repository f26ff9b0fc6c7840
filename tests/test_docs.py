"""The user documentation: every example runs, every page is in the nav, the site builds.

Each ```` ```python ```` block in ``docs/*.md`` is a doctest session (``>>>``
prompts and their expected output). A page's blocks run in order in one
namespace that starts empty, so each page imports what it uses. Failures are
reported at their line in the Markdown file.
"""

from __future__ import annotations

import doctest
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"
PAGES = sorted(DOCS.glob("*.md"))

# A fence opens with ```python on its own line and closes with the next ``` line.
_FENCE = re.compile(
    r"^```[ \t]*(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL
)
_PARSER = doctest.DocTestParser()


def _python_blocks(text: str) -> list[tuple[int, str]]:
    """The body of every ```python block, with the 0-based line its body starts on."""
    return [
        (text.count("\n", 0, match.start("body")), match.group("body"))
        for match in _FENCE.finditer(text)
        if match.group("info").strip() == "python"
    ]


def _page_doctest(page: Path) -> doctest.DocTest:
    """All examples of a page as one doctest, line numbers counted in the Markdown file."""
    text = page.read_text(encoding="utf-8")
    examples: list[doctest.Example] = []
    for start, body in _python_blocks(text):
        found = _PARSER.get_examples(body, name=page.name)
        if not found:
            pytest.fail(
                f"{page.name}:{start}: a python block without '>>>' examples; "
                "write it as a doctest session or fence it as text"
            )
        for example in found:
            example.lineno += start
        examples.extend(found)
    name = f"docs/{page.name}"
    globs = {"__name__": f"docs_{page.stem}"}
    return doctest.DocTest(examples, globs, name, str(page), lineno=0, docstring=text)


def test_docs_exist() -> None:
    assert CONFIG.is_file()
    assert {page.name for page in PAGES} >= {
        "index.md",
        "kinds.md",
        "spaces.md",
        "values.md",
        "sampling.md",
        "serialization.md",
        "summary.md",
        "errors.md",
        "kerastuner.md",
        "keras.md",
        "testing.md",
        "capture.md",
        "fix.md",
        "restrict.md",
        "override.md",
        "merge.md",
        "select-drop.md",
        "resolve.md",
        "searching.md",
        "backends.md",
        "parallel.md",
        "semantics.md",
    }


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_examples_run(page: Path) -> None:
    test = _page_doctest(page)
    assert test.examples, f"{page.name} has no python examples"
    report = io.StringIO()
    runner = doctest.DocTestRunner(verbose=False, optionflags=doctest.REPORT_NDIFF)
    result = runner.run(test, out=report.write)
    if result.failed:
        pytest.fail(
            f"{result.failed} of {result.attempted} examples failed in docs/{page.name}:\n"
            + report.getvalue(),
            pytrace=False,
        )


def _nav_files(entry: object) -> list[str]:
    """Every page file named in an mkdocs nav entry (a str, a list or a mapping)."""
    if isinstance(entry, str):
        return [] if "://" in entry else [entry]
    if isinstance(entry, list):
        return [name for item in entry for name in _nav_files(item)]
    if isinstance(entry, dict):
        return [name for value in entry.values() for name in _nav_files(value)]
    return []


def test_every_page_is_in_the_nav() -> None:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs"
    in_nav = _nav_files(config["nav"])
    assert len(in_nav) == len(set(in_nav)), f"a page is listed twice in the nav: {in_nav}"
    on_disk = {page.relative_to(DOCS).as_posix() for page in DOCS.rglob("*.md")}
    assert sorted(on_disk - set(in_nav)) == [], "pages missing from the nav"
    assert sorted(set(in_nav) - on_disk) == [], "nav entries without a page"


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(CONFIG), "-d", site]
    completed = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    built = {path.relative_to(site).as_posix() for path in site.rglob("index.html")}
    for page in PAGES:
        expected = "index.html" if page.stem == "index" else f"{page.stem}/index.html"
        assert expected in built
