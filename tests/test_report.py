"""The one-file HTML report: its content, escaping, and a real browser that renders it.

The browser test runs Debian's headless ``chromium``: it loads the report from
a file, dumps the DOM after the scripts ran, takes a screenshot, and logs every
console message to stderr (``--enable-logging=stderr``), where any ``CONSOLE``
line (an error, a blocked script, a Content-Security-Policy violation) fails
the test. Without chromium it skips locally and fails in CI (``CI`` set), where
``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from views_studies import NASTY, hyperband, search

import spacealg as sa
from spacealg._views.report import PLOTS, html_report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.fixture(scope="module")
def studies(tmp_path_factory):
    directory = tmp_path_factory.mktemp("report")
    search(directory, "serial")
    hyperband(directory)
    return directory


def test_the_report_holds_the_header_space_plots_and_every_trial(studies, tmp_path):
    result = sa.load(studies, "serial")
    path = sa.report(result, tmp_path / "report.html")
    text = path.read_text()
    assert text.count("<svg") == len(PLOTS) == 4
    assert "random(max_collisions=20)" in text
    assert f"<dd>{result.seed}</dd>" in text
    assert text.count("<tr class=") == len(result.trials)
    assert "Search space summary" in text
    assert "http://" not in text.replace("http://www.w3.org/", "")  # no outside asset
    assert "https://" not in text
    assert "src=" not in text


def test_user_text_is_escaped_everywhere(studies, tmp_path):
    text = html_report(sa.load(studies, "serial"), title="<i>title</i>")
    assert text.count("<script") == 1  # the report's own
    assert NASTY not in text
    assert "<b>bold</b>" not in text
    assert "<i>nan</i>" not in text  # an error text
    assert "<i>title</i>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_report_takes_a_search_result_and_a_path(tmp_path):
    with pytest.raises(sa.errors.ArgumentTypeError, match="result"):
        sa.report("results", tmp_path / "r.html")
    with pytest.raises(sa.errors.ArgumentTypeError, match="path"):
        sa.report(sa.SearchResult([], sa.Objective("loss", "min")), 42)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def browse(page: Path, tmp_path: Path, fragment: str = ""):
    """(the DOM after the scripts ran, the screenshot's path, the console's messages)."""
    shot = tmp_path / "shot.png"
    url = page.as_uri() + fragment
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI, where .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    base = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dump = subprocess.run(
        [*base, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True
    )
    picture = subprocess.run(
        [*base, "--window-size=1200,3000", f"--screenshot={shot}", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dump.stdout, shot, console_messages(dump.stderr) + console_messages(picture.stderr)


@pytest.mark.parametrize("name", ["serial", "hyperband"])
def test_a_real_browser_draws_the_report_without_errors(studies, tmp_path, name):
    from matplotlib.image import imread

    result = sa.load(studies, name)
    page = sa.report(result, tmp_path / "report.html")
    dom, shot, console = browse(page, tmp_path)
    assert console == []
    assert 'data-sortable="ready"' in dom  # the script ran
    assert len(re.findall(r"<svg\b", dom)) == len(PLOTS)
    assert dom.count("<tr class=") == len(result.trials)
    image = imread(shot)
    assert image.shape[0] == 3000
    ink = (image[..., :3] < 0.9).any(axis=-1).mean()  # the share of pixels that are not white
    assert ink > 0.02


def test_markup_in_names_values_and_errors_shows_as_text_in_the_browser(studies, tmp_path):
    page = sa.report(sa.load(studies, "serial"), tmp_path / "report.html")
    dom, _, console = browse(page, tmp_path)
    assert console == []  # an injected script would run (alert) or be blocked (a CSP error)
    assert len(re.findall(r"<script\b", dom)) == 1
    assert not re.search(r"<b>|<i>", dom)  # no element from a value or an error text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # the name, as text
    assert "&lt;b&gt;bold&lt;/b&gt;" in dom
    assert "RuntimeError: diverged: &lt;i&gt;nan&lt;/i&gt; &amp; more" in dom


def test_the_trial_table_sorts_in_the_browser(studies, tmp_path):
    result = sa.load(studies, "serial")
    page = sa.report(result, tmp_path / "report.html")
    dom, _, console = browse(page, tmp_path, "#sort=score")
    assert console == []
    body = dom[dom.index("<tbody>") :]
    ids = [int(m) for m in re.findall(r'<tr class="\w+"><td data-v="[^"]+">(\d+)</td>', body)]
    assert ids[: len(result.completed())] == [t.trial_id for t in result.completed()]
    assert 'aria-sort="ascending"' in dom


def test_the_console_check_can_fail(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    _, _, console = browse(page, tmp_path)
    assert any("undefinedFunction" in line for line in console)
