"""The demo as one of several ASGI workers runs it (docs/multiple-workers.md).

Every worker shares the channel layer (redis at ``$DDT_TT_REDIS_URL``), the
database (``$DEMO_DB_PATH``, so sessions and the toolbar's store are shared) and
these settings: remote lookup on, sockets served by ``TimeTravelLiveViewConsumer``.
"""

import os

from demo_project.settings import *  # noqa: F403
from demo_project.settings import LIVEVIEW_CONFIG

ASGI_APPLICATION = "demo_project.asgi_workers.application"

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [os.environ["DDT_TT_REDIS_URL"]]},
    }
}

DDT_TIMETRAVEL = {
    "REMOTE_LOOKUP": True,
    "REMOTE_TIMEOUT": float(os.environ.get("DDT_TT_REMOTE_TIMEOUT") or 2.0),
}

# The toolbar's own panel data must be readable by whichever worker serves the
# click on a panel: keep it in a cache that every worker shares. (The toolbar's
# DatabaseStore writes from the async middleware and fails under ASGI.)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "djdt": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["DDT_TT_REDIS_URL"],
        "KEY_PREFIX": "djdt",
    },
}
DEBUG_TOOLBAR_CONFIG = {
    "TOOLBAR_STORE_CLASS": "debug_toolbar.store.CacheStore",
    "CACHE_BACKEND": "djdt",
}

# A benchmark sends events faster than a person: lift djust's per-socket rate limit.
LIVEVIEW_CONFIG = {
    **LIVEVIEW_CONFIG,
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
