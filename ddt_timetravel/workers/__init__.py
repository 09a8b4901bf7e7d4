"""Panel requests across several ASGI workers, over the project's channel layer.

The consumer classes a project routes ``ws/live/`` to in ``asgi.py`` are
imported from here; :mod:`.transport` holds the messages, the asking side and
the socket side.
"""

from .transport import TimeTravelConsumerMixin, TimeTravelLiveViewConsumer

__all__ = ["TimeTravelConsumerMixin", "TimeTravelLiveViewConsumer"]
