"""The command line's usage error: a command line that cannot be run as written (status 2)."""

from __future__ import annotations


class UsageError(Exception):
    """A command line that cannot be parsed or names a malformed argument (exit status 2)."""
