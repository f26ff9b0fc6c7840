# Creates or refreshes the project's virtual environment in .venv, then installs
# spacealg, spacealg-keras and spacealg-sklearn (editable) with the dev extra and both Keras backends. Sourced by scripts/example.sh and scripts/test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import sys; sys.exit(sys.version_info < (3, 11))"; then
    rm -rf .venv
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    -e ".[dev]" -e "backends/keras[tensorflow,jax]" -e "backends/sklearn[test]"
