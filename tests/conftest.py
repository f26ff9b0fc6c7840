"""Test-suite settings shared by every test module."""

from __future__ import annotations

import os

from hypothesis import settings

# CI runs the property tests derandomized: the same examples on every run, so a red
# build points at a change, not at a lucky draw. Locally each run explores anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
