"""The demo as users configure it (toolbar + Time Travel panel), plus the bench views.

Only what a benchmark needs differs from the demo: the bench's own LiveViews are
allowed, djust's per-connection rate limit is lifted (a benchmark sends events
faster than the 100/s a person could), and the buffer size can be raised with
``BENCH_MAX_EVENTS`` for the browser benchmark's served demo. That benchmark
fires its events in one burst, each captured for the toolbar's own panels
(``TOOLBAR_CAPTURE``): ``BENCH_RESULTS_CACHE_SIZE`` lets the toolbar's store keep
the page's own request meanwhile (its default keeps the last 25 entries).
"""

import os

from demo_project.settings import *  # noqa: F403
from demo_project.settings import ALLOWED_HOSTS, LIVEVIEW_ALLOWED_MODULES, LIVEVIEW_CONFIG

# Django's test client, which calls the panel's endpoints in-process.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

LIVEVIEW_ALLOWED_MODULES = [*LIVEVIEW_ALLOWED_MODULES, "bench.views"]
LIVEVIEW_CONFIG = {
    **LIVEVIEW_CONFIG,
    "time_travel_max_events": int(
        os.environ.get("BENCH_MAX_EVENTS") or LIVEVIEW_CONFIG["time_travel_max_events"]
    ),
    "rate_limit": {
        "rate": 1_000_000,
        "burst": 1_000_000,
        "max_warnings": 3,
        "max_connections_per_ip": 1000,
        "reconnect_cooldown": 1,
        "upload_rate": 200,
        "upload_burst": 400,
    },
}

DEBUG_TOOLBAR_CONFIG = {"RESULTS_CACHE_SIZE": int(os.environ.get("BENCH_RESULTS_CACHE_SIZE") or 25)}
