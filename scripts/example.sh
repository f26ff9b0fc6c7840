#!/usr/bin/env bash
# The main job: the seed guide's scenarios, end to end, on real Keras models
# (KERAS_BACKEND=tensorflow, the default, or KERAS_BACKEND=jax). The same scenarios on
# the core alone, with a stand-in for training: .venv/bin/python examples/tailor_the_search_space_core.py
source "$(dirname "$0")/_venv.sh"
exec .venv/bin/python examples/tailor_the_search_space.py
