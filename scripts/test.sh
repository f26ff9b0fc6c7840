#!/usr/bin/env bash
# The whole test suite: the core (unit, property, doc and example tests), then the
# Keras backend's tests once per Keras backend, each in its own processes, then the
# scikit-learn backend's tests.
source "$(dirname "$0")/_venv.sh"
.venv/bin/python -m pytest -n 2 "$@"
KERAS_BACKEND=tensorflow .venv/bin/python -m pytest -n 2 backends/keras/tests "$@"
KERAS_BACKEND=jax .venv/bin/python -m pytest -n 2 backends/keras/tests "$@"
.venv/bin/python -m pytest -n 2 backends/sklearn/tests backends/sklearn/spacealg_sklearn "$@"
