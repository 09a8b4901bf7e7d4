"""HTTP requests to the panel's endpoints from the browser that owns a socket."""

from __future__ import annotations

from typing import Any

from django.test import AsyncClient
from django.urls import reverse


def client_for(live: Any, **options: Any) -> AsyncClient:
    """An HTTP client of the same browser as ``live`` (same Django session cookie)."""
    client = AsyncClient(**options)
    client.cookies["sessionid"] = live.django_session_key
    return client


async def panel_get(live: Any, name: str, **params: Any) -> Any:
    """GET ``djdt:ddt_timetravel_<name>`` for ``live``'s view, as panel.js does."""
    return await client_for(live).get(
        reverse(f"djdt:ddt_timetravel_{name}"), {"session": live.session_id, **params}
    )
