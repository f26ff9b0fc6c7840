"""``python -m spacealg``: the command line (see ``spacealg --help``)."""

from __future__ import annotations

import sys

from spacealg._cli import main

if __name__ == "__main__":
    sys.exit(main())
