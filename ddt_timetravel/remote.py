"""Old import path of the worker consumers, kept so existing ``asgi.py`` files still run.

Import them from :mod:`ddt_timetravel.workers` instead; this alias warns once
per process and goes away in a later release.
"""

import warnings

from .workers import TimeTravelConsumerMixin, TimeTravelLiveViewConsumer

warnings.warn(
    "ddt_timetravel.remote moved: import TimeTravelLiveViewConsumer and "
    "TimeTravelConsumerMixin from ddt_timetravel.workers",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["TimeTravelConsumerMixin", "TimeTravelLiveViewConsumer"]
