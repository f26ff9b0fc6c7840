"""The user documentation: every example runs, every page is in the nav, the site builds.

Each ```` ```python ```` block in ``docs/*.md`` is a doctest session (``>>>``
prompts and their expected output). A page's blocks run in order in one
namespace that starts empty, so each page imports what it uses. Failures are
reported at their line in the Markdown file.

Every other block is checked as far as it can be, and nothing holds Python
unchecked:

- a ```` ```python ```` block right after ``<!-- not run: REASON -->`` is not run
  (the reason says why, and what runs it instead); it must parse, and every
  ``sa.X``/``keras_tuner.X`` it names must exist;
- a ```` ```python ```` block right after ``<!-- signature -->`` holds call
  signatures (``...`` for parameters left out), checked against the real ones;
- ```` ```bash ```` blocks hold commands: the paths they name exist and the extras
  they install are declared (the README's commands are checked the same way);
- ```` ```toml ```` blocks parse, and the entry points they declare load;
- ```` ```diff ```` blocks are diffs; ```` ```text ```` blocks are output or diagrams
  and must not hold Python.
"""

from __future__ import annotations

import ast
import builtins
import doctest
import importlib
import inspect
import io
import re
import subprocess
import sys
import tomllib
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
_MARKER = re.compile(r"<!-- (?P<kind>not run|signature)(?::(?P<reason>[^>]*))? -->[ \t]*\n$")
KINDS = ("python", "bash", "toml", "diff", "text")


def _blocks(text: str) -> list[tuple[int, str, str, str | None, str]]:
    """Each fenced block: its body's 0-based line, info, marker kind, marker reason, body."""
    blocks = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()]
        marker = _MARKER.search(before[before.rfind("\n", 0, len(before) - 1) + 1 :])
        blocks.append(
            (
                text.count("\n", 0, match.start("body")),
                match.group("info").strip(),
                marker.group("kind") if marker else "",
                (marker.group("reason") or "").strip() if marker else None,
                match.group("body"),
            )
        )
    return blocks


def _python_blocks(text: str) -> list[tuple[int, str]]:
    """The body of every ```python block that runs, with the 0-based line its body starts on."""
    return [
        (start, body)
        for start, info, marker, _reason, body in _blocks(text)
        if info == "python" and not marker
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
        "optuna.md",
        "glossary.md",
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


# --- blocks that do not run: each kind checked as far as it can be ---------------------------

ROOT_PYPROJECT = ROOT / "pyproject.toml"
_NAMESPACES = {"sa": "spacealg", "keras_tuner": "spacealg_keras"}


def _source(body: str) -> str:
    """A block's Python: its ``>>>``/``...`` lines without prompts, or the body as is."""
    lines = body.splitlines()
    if not any(line.startswith(">>> ") for line in lines):
        return body
    return "\n".join(line[4:] for line in lines if line.startswith((">>> ", "... ")))


def _looks_like_python(body: str) -> bool:
    try:
        tree = ast.parse(_source(body))
    except SyntaxError:
        return False
    code = (ast.Call, ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign)
    return any(isinstance(node, code) for node in ast.walk(tree))


def _resolve(dotted: str) -> object:
    """The object a dotted name like ``sa.Study.run`` or ``keras_tuner.Tuner`` names."""
    head, *rest = dotted.split(".")
    found: object = importlib.import_module(_NAMESPACES.get(head, head))
    for part in rest:
        found = getattr(found, part)
    return found


def _missing_names(source: str) -> list[str]:
    """The ``sa.X``/``keras_tuner.X`` chains in ``source`` that do not exist."""
    missing = []
    for node in ast.walk(ast.parse(source)):
        chain: list[str] = []
        current: ast.expr = node  # type: ignore[assignment]
        while isinstance(current, ast.Attribute):
            chain.insert(0, current.attr)
            current = current.value
        if not (chain and isinstance(current, ast.Name) and current.id in _NAMESPACES):
            continue
        dotted = ".".join([current.id, *chain])
        try:
            _resolve(dotted)
        except AttributeError:
            missing.append(dotted)
    return missing


_SIGNATURE = re.compile(r"^(?P<target>[\w.]+)\((?P<params>.*)\)$", re.DOTALL)


def signature_problems(body: str) -> list[str]:
    """Where the signatures written in ``body`` differ from the real ones."""
    problems = []
    for written in re.split(r"\n(?=\S)", body.strip()):
        match = _SIGNATURE.match(written.strip())
        if not match:
            problems.append(f"not a signature: {written!r}")
            continue
        target = match.group("target")
        params = match.group("params").replace("...", "__ellipsis__=...")
        arguments = ast.parse(f"def f({params}): pass").body[0].args  # type: ignore[attr-defined]
        real = dict(inspect.signature(_resolve(target)).parameters)
        real.pop("self", None)
        positional = arguments.args
        defaults = dict(
            zip(
                [a.arg for a in positional[len(positional) - len(arguments.defaults) :]],
                arguments.defaults,
                strict=True,
            )
        )
        defaults.update(
            {a.arg: d for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)}
        )
        names = [a.arg for a in [*positional, *arguments.kwonlyargs]]
        partial = "__ellipsis__" in names
        after_ellipsis = False
        for argument in [*positional, *arguments.kwonlyargs]:
            name = argument.arg
            if name == "__ellipsis__":
                after_ellipsis = True
                continue
            if name not in real:
                problems.append(f"{target}: no parameter {name!r}")
                continue
            parameter = real[name]
            default = defaults.get(name)
            if default is None and parameter.default is not parameter.empty:
                problems.append(f"{target}: {name} has a default, {parameter.default!r}")
            if default is not None and ast.literal_eval(default) != parameter.default:
                problems.append(f"{target}: {name}'s default is {parameter.default!r}")
            keyword_only = argument in arguments.kwonlyargs
            if not after_ellipsis and keyword_only != (parameter.kind is parameter.KEYWORD_ONLY):
                problems.append(f"{target}: {name} keyword-only is {not keyword_only}")
        shown = [name for name in names if name != "__ellipsis__"]
        real_named = [
            name
            for name, parameter in real.items()
            if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
        ]
        if not partial and shown != real_named:
            problems.append(f"{target}: the parameters are {real_named}, not {shown}")
    return problems


def _extras(project: Path) -> set[str]:
    data = tomllib.loads(project.read_text(encoding="utf-8"))
    return set(data["project"].get("optional-dependencies", {}))


_DISTRIBUTIONS = {"spacealg": ROOT, "spacealg-keras": ROOT / "backends" / "keras"}


def command_problems(command: str, root: Path = ROOT) -> list[str]:
    """What in a shell command names a path or an extra that the tree does not have."""
    problems = []
    line = command.split(" #", 1)[0].strip()
    for token in line.split():
        word = token.strip("\"'")
        if word.startswith(("-", "$", "<", "http")) or re.match(r"^[A-Z_]+=", word):
            continue
        match = re.match(r"^(?P<base>[^\[]+)(?:\[(?P<extras>[^\]]*)\])?$", word)
        if not match:
            continue
        base, extras = match.group("base"), match.group("extras")
        if base in _DISTRIBUTIONS:
            folder = _DISTRIBUTIONS[base] if root == ROOT else root
        elif base == "." or "/" in base:
            if base.startswith(".venv/"):
                continue  # made by the set-up scripts
            folder = root / base
            if not folder.exists():
                problems.append(f"{command!r}: no {base} in the tree")
                continue
        else:
            continue
        if extras is not None:
            declared = _extras(folder / "pyproject.toml") if folder.is_dir() else set()
            problems.extend(
                f"{command!r}: {base} declares no extra {extra!r}"
                for extra in extras.split(",")
                if extra not in declared
            )
    return problems


_COMMAND_SPAN = re.compile(r"`(?P<command>(?:bash|python|pip|\.venv/bin/|[A-Z_]+=)[^`]*)`")


def commands(text: str) -> list[str]:
    """The shell commands of a Markdown text: bash blocks' lines and inline command spans."""
    found = [
        line
        for _start, info, _marker, _reason, body in _blocks(text)
        if info == "bash"
        for line in body.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    outside = _FENCE.sub("", text)
    found.extend(match.group("command") for match in _COMMAND_SPAN.finditer(outside))
    return found


def block_problems(name: str, text: str) -> list[str]:
    """What is wrong with the blocks of a page that do not run as doctests."""
    problems = []
    for start, info, marker, reason, body in _blocks(text):
        where = f"{name}:{start}"
        if info not in KINDS:
            problems.append(f"{where}: a {info!r} block; use one of {KINDS}")
        elif marker and info != "python":
            problems.append(f"{where}: a <!-- {marker} --> marker on a {info} block")
        elif marker == "not run":
            if not reason:
                problems.append(f"{where}: a block not run needs a reason")
            try:
                problems.extend(f"{where}: no {dotted}" for dotted in _missing_names(_source(body)))
            except SyntaxError as error:
                problems.append(f"{where}: does not parse: {error}")
        elif marker == "signature":
            problems.extend(f"{where}: {problem}" for problem in signature_problems(body))
        elif info == "text" and _looks_like_python(body):
            problems.append(
                f"{where}: a text block holds Python; run it or mark it <!-- not run: why -->"
            )
        elif info == "toml":
            data = tomllib.loads(body)
            for points in data.get("project", {}).get("entry-points", {}).values():
                for target in points.values():
                    module, _, attribute = target.partition(":")
                    try:
                        getattr(importlib.import_module(module), attribute)
                    except (ImportError, AttributeError):
                        problems.append(f"{where}: the entry point {target} does not load")
    return problems


MARKDOWN = [ROOT / "README.md", *PAGES]


@pytest.mark.parametrize("page", MARKDOWN, ids=[page.name for page in MARKDOWN])
def test_blocks_that_do_not_run_are_marked_and_checked(page: Path) -> None:
    assert block_problems(page.name, page.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("page", MARKDOWN, ids=[page.name for page in MARKDOWN])
def test_commands_name_what_the_tree_has(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert [problem for command in commands(text) for problem in command_problems(command)] == []


def test_the_readmes_links_and_paths_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((?!https?://|#)(?P<target>[^)#]+)", readme)
    assert links, "the README links into the docs"
    assert [link for link in links if not (ROOT / link).exists()] == []
    paths = re.findall(r"`((?:docs|examples|scripts|benchmarks|backends|tests)/[^`\s\[]+)`", readme)
    assert [path for path in paths if not (ROOT / path).exists()] == []


def test_the_readme_keeps_the_two_set_up_commands() -> None:
    found = commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "bash scripts/example.sh" in found
    assert "bash scripts/test.sh" in found


# Negative controls: each check above fails on a page that goes wrong.


def test_an_unmarked_text_block_holding_python_is_caught() -> None:
    page = "```text\nresult = sa.minimize(f, space, max_trials=3)\n```\n"
    assert block_problems("page.md", page) != []
    assert block_problems("page.md", "```text\nSearch space summary\n<name> (<Kind>)\n```\n") == []


def test_a_block_not_run_needs_a_reason_and_real_names() -> None:
    ok = "<!-- not run: trains a model -->\n```python\nsa.minimize(f, s, max_trials=1)\n```\n"
    assert block_problems("page.md", ok) == []
    assert block_problems("page.md", ok.replace(": trains a model", "")) != []
    assert block_problems("page.md", ok.replace("sa.minimize", "sa.minimise")) == [
        "page.md:2: no sa.minimise"
    ]
    assert block_problems("page.md", "```py\n1\n```\n") != []


def test_a_stale_signature_is_caught() -> None:
    real = "sa.resolve(declared, tailoring=None, *, tune_new_entries=True, allow_new_entries=True)"
    assert signature_problems(real) == []
    assert signature_problems(real.replace("tune_new_entries=True", "tune_new_entries=False"))
    assert signature_problems(real.replace(", *,", ",")) != []
    assert signature_problems("sa.resolve(declared, tailoring=None)") != []
    assert signature_problems("sa.resolve(declared, ..., tune_new_entries=True)") == []
    assert signature_problems("sa.resolve(declared, ..., tune_all=True)") != []


def test_a_command_naming_a_missing_path_or_extra_is_caught() -> None:
    assert command_problems("bash scripts/test.sh -k summary") == []
    assert command_problems("bash scripts/tests.sh") != []
    assert command_problems('python -m pip install "spacealg[testing]"') == []
    assert command_problems('python -m pip install "spacealg[testin]"') != []
    assert command_problems('python -m pip install -e "backends/keras[jax]"') == []
    assert command_problems('python -m pip install -e "backends/keras[pytorch]"') != []
    assert command_problems("KERAS_BACKEND=jax .venv/bin/python examples/nothing.py") != []


# --- pages that list what a module exports -----------------------------------------------------

_TREE_LINE = re.compile(r"^(?P<indent>[│├└─ ]*?)(?P<name>[A-Z]\w*)(?: \((?P<builtin>\w+)\)|\s|$)")


def errors_tree_problems(text: str, module: object) -> list[str]:
    """Where the errors page's tree differs from the classes of ``module.__all__``."""
    body = next(
        body for _s, info, _m, _r, body in _blocks(text) if info == "text" and "SpaceError" in body
    )
    problems = []
    parents: list[str] = []
    listed = []
    for line in body.splitlines():
        match = _TREE_LINE.match(line)
        if not match:
            continue
        depth = len(match.group("indent")) // 4
        name, builtin = match.group("name"), match.group("builtin")
        parents[depth:] = [name]
        listed.append(name)
        cls = getattr(module, name, None)
        if cls is None:
            problems.append(f"{name} is not in spacealg.errors")
            continue
        expected = (getattr(module, parents[depth - 1]),) if depth else ()
        extra = (getattr(builtins, builtin),) if builtin else ()  # a builtin base, if any
        if cls.__bases__ != (*expected, *extra):
            problems.append(f"{name}'s bases are {cls.__bases__}")
    all_names = module.__all__  # type: ignore[attr-defined]
    problems.extend(f"{name} is missing from the tree" for name in all_names if name not in listed)
    problems.extend(f"{name} is listed twice" for name in set(listed) if listed.count(name) > 1)
    return problems


def test_the_errors_page_lists_every_error_with_its_bases() -> None:
    from spacealg import errors

    assert errors_tree_problems((DOCS / "errors.md").read_text(encoding="utf-8"), errors) == []


def test_an_error_left_out_of_the_errors_page_is_caught() -> None:
    from spacealg import errors

    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    assert errors_tree_problems(text.replace("├── StoreError (RuntimeError)", "├──"), errors) == [
        "StoreError is missing from the tree"
    ]
    assert (
        errors_tree_problems(
            text.replace("StoreError (RuntimeError)", "StoreError (ValueError)  "), errors
        )
        != []
    )


_ORACLE_ROW = re.compile(r'^\| `"(?P<name>\w+)"`\s*\| `sa\.(?P<cls>\w+)\(\)`', re.MULTILINE)


def oracle_table_problems(text: str, registry: dict[str, type]) -> list[str]:
    rows = {match.group("name"): match.group("cls") for match in _ORACLE_ROW.finditer(text)}
    expected = {name: cls.__name__ for name, cls in registry.items()}
    return [] if rows == expected else [f"the table lists {rows}, the registry {expected}"]


def test_the_oracles_page_lists_every_registered_oracle() -> None:
    import spacealg as sa
    from spacealg.oracles import ORACLES

    text = (DOCS / "oracles.md").read_text(encoding="utf-8")
    assert oracle_table_problems(text, ORACLES) == []
    assert all(getattr(sa, cls.__name__) is cls for cls in ORACLES.values())
    # the Keras tuners' oracle= row names every registered oracle
    keras_page = (DOCS / "keras.md").read_text(encoding="utf-8")
    row = next(line for line in keras_page.splitlines() if line.startswith("| `oracle`"))
    assert [name for name in ORACLES if f'`"{name}"`' not in row] == []


def test_an_oracle_missing_from_the_oracles_page_is_caught() -> None:
    from spacealg.oracles import ORACLES

    text = (DOCS / "oracles.md").read_text(encoding="utf-8")
    assert oracle_table_problems(text, {**ORACLES, "cmaes": type("CmaEsOracle", (), {})}) != []


_TUNER_ROW = re.compile(r"^\| `(?P<tuner>\w+)` \| (?P<oracle>[^|]+) \|", re.MULTILINE)


def tuner_table_problems(text: str, module: object, registry: dict[str, type]) -> list[str]:
    section = text.split("| tuner | oracle |", 1)[1].split("\n\n", 1)[0]
    rows = {match.group("tuner"): match.group("oracle") for match in _TUNER_ROW.finditer(section)}
    exported = {
        name
        for name in module.__all__  # type: ignore[attr-defined]
        if isinstance(getattr(module, name), type)
        and issubclass(getattr(module, name), module.Tuner)  # type: ignore[attr-defined]
    }
    problems = [f"the tuners table lists {sorted(rows)}"] if set(rows) != exported else []
    for tuner, oracle in rows.items():
        named = re.findall(r'`"(\w+)"`', oracle)
        problems.extend(f"{tuner}: no oracle {name!r}" for name in named if name not in registry)
    return problems


def test_the_keras_page_lists_every_tuner() -> None:
    import spacealg_keras

    from spacealg.oracles import ORACLES

    text = (DOCS / "keras.md").read_text(encoding="utf-8")
    assert tuner_table_problems(text, spacealg_keras, ORACLES) == []


def test_a_tuner_missing_from_the_keras_page_is_caught() -> None:
    import spacealg_keras

    from spacealg.oracles import ORACLES

    text = (DOCS / "keras.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `TPE` |"))
    assert tuner_table_problems(text.replace(row + "\n", ""), spacealg_keras, ORACLES) != []
    renamed = text.replace('`"tpe"` |', '`"parzen"` |')
    assert tuner_table_problems(renamed, spacealg_keras, ORACLES) == ["TPE: no oracle 'parzen'"]


def kerastuner_table_problems(text: str) -> list[str]:
    """Counterparts named in the KerasTuner page's table of names that do not exist."""
    section = text.split("## Every KerasTuner name", 1)[1].split("\n## ", 1)[0]
    problems = []
    for line in section.splitlines():
        if not line.startswith("| `keras_tuner") and not line.startswith("| none"):
            continue
        ours = line.split("|")[2]
        for dotted in re.findall(r"`((?:sa|keras_tuner)\.[\w.]+)`", ours):
            try:
                _resolve(dotted)
            except (AttributeError, ImportError):
                problems.append(f"no {dotted}")
    return problems


def test_every_kerastuner_counterpart_exists() -> None:
    text = (DOCS / "kerastuner.md").read_text(encoding="utf-8")
    assert kerastuner_table_problems(text) == []
    assert text.count("\n| `keras_tuner.") >= 20


def test_a_kerastuner_counterpart_that_does_not_exist_is_caught() -> None:
    text = (DOCS / "kerastuner.md").read_text(encoding="utf-8")
    broken = text.replace("| `keras_tuner.GridSearch` |\n", "| `keras_tuner.GridSearcher` |\n")
    assert kerastuner_table_problems(broken) == ["no keras_tuner.GridSearcher"]
