"""The demo's ASGI application with the one-line change docs/multiple-workers.md asks for.

The socket is served by ``TimeTravelLiveViewConsumer`` instead of djust's
``LiveViewConsumer``, so panel requests that land on another worker reach it
over the channel layer.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings_workers")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.urls import path  # noqa: E402

from ddt_timetravel.workers import TimeTravelLiveViewConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": ASGIStaticFilesHandler(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([path("ws/live/", TimeTravelLiveViewConsumer.as_asgi())]))
        ),
    }
)
