#!/usr/bin/env bash
# The main job: the seed guide's scenarios, end to end, on the embedded defaults.
source "$(dirname "$0")/_venv.sh"
exec .venv/bin/python examples/tailor_the_search_space_core.py "$@"
