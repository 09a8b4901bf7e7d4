"""Panel requests across several ASGI workers, over the project's channel layer.

A project routes ``ws/live/`` to the consumer imported from here in ``asgi.py``.
:mod:`.transport` holds the messages and the asking side, :mod:`.consumer` the
socket side. The consumer is loaded on first use: the asking side runs inside the
panel's endpoints, which the consumer answers with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .consumer import TimeTravelConsumerMixin, TimeTravelLiveViewConsumer

__all__ = ["TimeTravelConsumerMixin", "TimeTravelLiveViewConsumer"]


def __getattr__(name: str) -> Any:
    """``TimeTravelLiveViewConsumer`` and ``TimeTravelConsumerMixin``, from :mod:`.consumer`."""
    if name in __all__:
        from . import consumer

        return getattr(consumer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
