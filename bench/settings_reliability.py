"""The demo as users configure it, for ``bench/load.py``: only djust's per-connection
limits are lifted, since one load client opens 20 sockets from one address and fires
events faster than the 100/s a person could (djust's defaults: 10 connections per IP,
100 events/s per connection)."""

from demo_project.settings import *  # noqa: F403
from demo_project.settings import LIVEVIEW_CONFIG

LIVEVIEW_CONFIG = {
    **LIVEVIEW_CONFIG,
    "rate_limit": {
        "rate": 1_000_000,
        "burst": 1_000_000,
        "max_warnings": 3,
        "max_connections_per_ip": 10_000,
        "reconnect_cooldown": 1,
        "upload_rate": 200,
        "upload_burst": 400,
    },
}
