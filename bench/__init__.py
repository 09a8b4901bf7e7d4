"""Benchmarks for ddt-timetravel: ratios measured side by side in one run.

``python -m bench`` (or ``make bench``) runs every script and prints its table;
``python -m bench --smoke`` runs them with tiny sizes, once, as the test suite
does. Nothing here asserts a speed: the numbers are for reading.
"""

import sys
from pathlib import Path

# demo/ holds the demo project and the harness that serves it (demo_harness), shared
# with the tests: every benchmark imports them from there.
_DEMO = str(Path(__file__).resolve().parent.parent / "demo")
if _DEMO not in sys.path:
    sys.path.append(_DEMO)
