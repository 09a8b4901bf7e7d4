"""The demo holding 300 events per view, with djust's rate limit lifted to fill it fast.

More events than the panel's first page: the older ones load as the list scrolls.
"""

from demo_project.settings import *  # noqa: F403
from demo_project.settings import LIVEVIEW_CONFIG

LIVEVIEW_CONFIG = {
    **LIVEVIEW_CONFIG,
    "time_travel_max_events": 300,
    "rate_limit": {"rate": 1_000_000, "burst": 1_000_000, "max_warnings": 3},
}
# Each event is captured for the toolbar: keep the page's own request in its store.
DEBUG_TOOLBAR_CONFIG = {"RESULTS_CACHE_SIZE": 500}
