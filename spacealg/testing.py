"""Hypothesis strategies for hyperparameters, spaces and their configurations.

This is the only spacealg module that imports :mod:`hypothesis` (install the
``testing`` extra: ``pip install spacealg[testing]``); ``import spacealg``
never loads it. Use these strategies to property-test code that consumes
spaces, or a hypermodel over every point of its space:

* :func:`hyperparameters` draws any valid ``Int``, ``Float``, ``Choice``,
  ``Boolean`` or ``Fixed`` (without conditions);
* :func:`spaces` draws valid :class:`~spacealg.Space` values with unique
  names, conditional entries included (nested, or with several conditions);
* :func:`values` draws a configuration of a given space: a value for each
  active entry and nothing for the inactive ones, shrinking toward the defaults;
* :class:`BackendContract` is the test suite every backend must pass: subclass
  it in your plugin's tests (see the backends page of the docs);
* :class:`OracleContract` is the test suite every oracle must pass (see
  "Writing your own oracle" in the oracles page of the docs).

Drawn domains stay moderate so tests remain fast: grids have at most a few
hundred points, Float bounds lie within [-1e6, 1e6] (and above 1e-8 under log
sampling, where a grid may reach 1e12) and no bound is a subnormal float. Float
grids through zero, steps that are no binary fraction and log grids spanning
many decades come up often.

Examples:
    >>> from hypothesis import given, settings
    >>> from spacealg.testing import spaces, values
    >>> @settings(max_examples=20)
    ... @given(spaces(max_size=4).flatmap(lambda s: values(s).map(lambda v: (s, v))))
    ... def test_configurations_are_valid(drawn):
    ...     space, configuration = drawn
    ...     assert sa.contains(space, configuration)
    >>> test_configurations_are_valid()
"""

from __future__ import annotations

from spacealg._testing.backend_contract import BackendContract
from spacealg._testing.oracle_contract import OracleContract
from spacealg._testing.strategies import hyperparameters, spaces, values

__all__ = ["BackendContract", "OracleContract", "hyperparameters", "spaces", "values"]
