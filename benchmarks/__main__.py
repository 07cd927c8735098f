"""``python -m benchmarks``: see :mod:`benchmarks.run` and ``docs/performance.md``."""

import sys

from benchmarks.run import main

sys.exit(main())
