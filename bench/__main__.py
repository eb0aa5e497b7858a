"""``python -m bench``: what bench/run runs (the harness imported once, as the stages import it)."""

import sys

from bench.harness import main

sys.exit(main())
