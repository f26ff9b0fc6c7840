"""Test-suite settings shared by every test module."""

from __future__ import annotations

import os

from hypothesis import settings

# CI runs the property tests derandomized: the same examples on every run, so a red
# build points at a change, not at a lucky draw. Locally each run explores anew.
# No per-example deadline in either: a deadline is a timing assertion, and on two cores
# shared by the test workers it measures the load, not the code (speed lives in
# benchmarks/).
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("local", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "local")
