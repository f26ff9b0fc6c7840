"""Doctests in ``spacealg/`` see every public name of ``spacealg`` (and ``sa``)."""

from __future__ import annotations

from typing import Any

import pytest

import spacealg


@pytest.fixture(autouse=True)
def _spacealg_names(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace.update({name: getattr(spacealg, name) for name in spacealg.__all__})
    doctest_namespace["sa"] = spacealg
