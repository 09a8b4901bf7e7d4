"""Does an ASGI application route WebSockets to djust's consumer? Walk it and see.

Understands channels' ``ProtocolTypeRouter`` and ``URLRouter``, consumers made
with ``as_asgi()``, Django's HTTP handler, and any middleware that keeps the
wrapped application in ``inner`` (channels) or ``application`` (origin
validators, static files handlers). Anything else means "cannot tell".
"""

from __future__ import annotations

from typing import Any

from django.core.handlers.asgi import ASGIHandler

_MAX_DEPTH = 32


def routes_to_live_view_consumer(application: Any) -> bool | None:
    """Whether an ASGI app routes sockets to (a subclass of) djust's ``LiveViewConsumer``.

    Walks channels' ``ProtocolTypeRouter`` and ``URLRouter`` and the ``inner``
    or ``application`` attribute of middleware. None means "cannot tell": some
    part of the structure is not one of those.
    """
    from djust.websocket import LiveViewConsumer

    try:
        return _walk(application, LiveViewConsumer, 0)
    except Exception:  # an odd wrapper must not break the checks
        return None


def _walk(node: Any, consumer: type, depth: int) -> bool | None:
    if depth > _MAX_DEPTH or node is None:
        return None
    consumer_class = getattr(node, "consumer_class", None)
    if isinstance(consumer_class, type):
        return issubclass(consumer_class, consumer)
    mapping = getattr(node, "application_mapping", None)
    if isinstance(mapping, dict):
        return _walk(mapping["websocket"], consumer, depth + 1) if "websocket" in mapping else False
    routes = getattr(node, "routes", None)
    if isinstance(routes, (list, tuple)):
        found = [_walk(getattr(r, "callback", None), consumer, depth + 1) for r in routes]
        return True if True in found else (None if None in found else False)
    for attribute in ("inner", "application"):
        inner = getattr(node, attribute, None)
        if inner is not None and inner is not node:
            return _walk(inner, consumer, depth + 1)
    if isinstance(node, ASGIHandler):
        return False  # Django's HTTP-only handler
    return None
