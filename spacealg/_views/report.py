"""``report``: a study as one self-contained HTML file (inline SVG plots, a sortable table).

The page needs no network and no other file: styles, the plots (SVG written by
matplotlib with real ``<text>`` elements) and a small sorting script are
inline, and a Content-Security-Policy allows nothing else (no fetch, no outside
script; the one script runs by its hash). Every text that comes from users
(names, values, metrics, error texts, the objective) is escaped where it
appears; the SVG writer escapes the text it draws.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import math
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from spacealg._algebra.resolve import explain
from spacealg._files.summary import summary
from spacealg._search.trials import SearchResult, TrialState
from spacealg._space.validation import check_instance, check_path
from spacealg._views import figures
from spacealg._views.trial_table import trial_rows
from spacealg.errors import InvalidArgumentError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PLOTS: tuple[tuple[str, Callable[[SearchResult], Figure]], ...] = (
    ("Optimization history", figures.history),
    ("Parallel coordinates", figures.parallel_coordinates),
    ("Slices", figures.slices),
    ("Hyperparameter importance", figures.importance),
)
"""The report's figures, in order: each is one inline ``<svg>``."""

SCRIPT = """
(function () {
  var table = document.getElementById("trials");
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function key(cell) {
    var v = cell.getAttribute("data-v");
    if (v === null) { return [1, cell.textContent]; }
    return [0, parseFloat(v)];
  }
  function sortBy(column, descending) {
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[column]), y = key(b.cells[column]);
      if (x[0] !== y[0]) { return x[0] - y[0]; }
      var order = x[1] < y[1] ? -1 : (x[1] > y[1] ? 1 : 0);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    heads[column].setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  Array.prototype.forEach.call(heads, function (head, column) {
    head.addEventListener("click", function () {
      sortBy(column, head.getAttribute("aria-sort") === "ascending");
    });
  });
  var wanted = /^#sort=([^&]*)(&desc)?$/.exec(window.location.hash);
  if (wanted) {
    var name = decodeURIComponent(wanted[1]);
    Array.prototype.forEach.call(heads, function (head, column) {
      if (head.getAttribute("data-name") === name) { sortBy(column, !!wanted[2]); }
    });
  }
  table.setAttribute("data-sortable", "ready");
})();
"""
"""Sorts the trial table by a clicked column (again: the other way); ``#sort=NAME`` on load."""

STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: bold; } dd { margin: 0; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; }
th { background: #eee; cursor: pointer; }
th[aria-sort=ascending]::after { content: " \\25B2"; }
th[aria-sort=descending]::after { content: " \\25BC"; }
tr.FAILED td { background: #fdecec; } tr.INVALID td { color: #777; }
@media print { th { cursor: auto; } figure { break-inside: avoid; } }
"""


METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
"""The RDF block matplotlib writes into an SVG (the creator, vocabulary addresses)."""


def svg(figure: Figure) -> str:
    """The figure as an inline ``<svg>`` element: real text, no XML prolog, no date."""
    import matplotlib  # noqa: PLC0415 - optional dependency, imported with the figures

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "spacealg"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, dpi=120)
    text = buffer.getvalue()
    return METADATA.sub("", text[text.index("<svg") :])


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def _when(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def _header(result: SearchResult, title: str) -> list[str]:
    counts = {state.value: 0 for state in TrialState}
    for trial in result.trials:
        counts[trial.state.value] += 1
    started = [t.started for t in result.trials if t.started is not None]
    ended = [t.ended for t in result.trials if t.ended is not None]
    oracle = dict(result.oracle)
    name = oracle.pop("name", "unknown")
    settings = ", ".join(f"{key}={json.dumps(value)}" for key, value in oracle.items())
    objective = result.objective
    facts = [
        ("objective", f"{objective.name} ({objective.direction})"),
        ("oracle", f"{name}({settings})"),
        ("seed", "unknown" if result.seed is None else str(result.seed)),
        ("trials", ", ".join(f"{count} {state.lower()}" for state, count in counts.items())),
        ("from", _when(min(started) if started else None)),
        ("to", _when(max(ended) if ended else None)),
    ]
    best = result.best_trial
    if best is not None:
        facts.append(("best", f"trial {best.trial_id}: {best.score!r}"))
    rows = "".join(f"<dt>{_escape(k)}</dt><dd>{_escape(v)}</dd>" for k, v in facts)
    return [f"<h1>{_escape(title)}</h1>", f"<dl>{rows}</dl>"]


def _space(result: SearchResult) -> list[str]:
    if result.trial_space is None:
        return ["<h2>Space</h2>", "<p>The trial space is not known.</p>"]
    return [
        "<h2>Space</h2>",
        f"<pre>{_escape(summary(result.trial_space.tuned))}</pre>",
        "<h2>Tailoring</h2>",
        f"<pre>{_escape(explain(result.trial_space))}</pre>",
    ]


def _cell(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        sort = f' data-v="{number!r}"' if math.isfinite(number) else ""
        shown = f"{value:.6g}" if isinstance(value, float) else str(value)
        return f"<td{sort}>{_escape(shown)}</td>"
    return f"<td>{'' if value is None else _escape(value)}</td>"


def _table(result: SearchResult) -> list[str]:
    header, rows = trial_rows(result.trials, result.objective.name, error_lines=True)
    head = "".join(
        f'<th data-name="{_escape(name)}" scope="col">{_escape(name)}</th>' for name in header
    )
    body = "".join(
        f'<tr class="{_escape(row[1])}">' + "".join(_cell(value) for value in row) + "</tr>"
        for row in rows
    )
    return [
        "<h2>Trials</h2>",
        "<p>Click a column's heading to sort by it.</p>",
        f'<table id="trials"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>',
    ]


def html_report(result: SearchResult, *, title: str = "spacealg study") -> str:
    """The report's HTML text (see :func:`report`)."""
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{script_hash}'"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        f"<title>{_escape(title)}</title><style>{STYLE}</style></head><body>",
        *_header(result, title),
        *_space(result),
        "<h2>Plots</h2>",
    ]
    for caption, draw in PLOTS:
        parts.append(f'<figure aria-label="{_escape(caption)}">{svg(draw(result))}</figure>')
    parts += _table(result)
    parts += [f"<script>{SCRIPT}</script>", "</body></html>"]
    return "\n".join(parts) + "\n"


def report(
    result: SearchResult, path: str | os.PathLike[str], *, title: str = "spacealg study"
) -> Path:
    """Write ``result`` as one self-contained HTML file at ``path``.

    The page holds the study's header (objective, oracle and its settings,
    seed, counts by state, time span), the space's summary and the tailoring
    table (:func:`~spacealg.explain`), the plots of :mod:`spacealg.plots` as
    inline SVG, and every trial in a table that sorts by a click on a heading
    (``report.html#sort=score`` opens it sorted). It loads nothing from the
    network and prints well.

    Args:
        result: a search's result (``minimize``'s or :func:`~spacealg.load`'s).
        path: the file to write (replaced if it exists).
        title: the page's heading.

    Returns:
        The path written.

    Raises:
        ArgumentTypeError: ``result`` is not a SearchResult, or ``path`` not a path.
        MissingDependencyError: matplotlib is not installed (``spacealg[plot]``).
        InvalidArgumentError: the file cannot be written there.
    """
    operation = "report()"
    result = figures.check_result(operation, result)
    check_path(operation, "path", path)
    check_instance(operation, "title", title, str, "a string")
    target = Path(path)
    text = html_report(result, title=title)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:  # a folder, a missing parent, no permission, a name too long
        raise InvalidArgumentError(
            operation, "", "path", path, f"a file that can be written ({error.strerror})"
        ) from error
    return target
