#!/usr/bin/env bash
# The whole test suite (unit, property, doc and example tests), on both cores.
source "$(dirname "$0")/_venv.sh"
exec .venv/bin/python -m pytest -n 2 "$@"
