"""A nonce-only Content Security Policy for tests, with django-csp.

django-csp (like the toolbar) puts a nonce in the header and on tags only once the
page has asked for it; :func:`page_uses_nonce` asks, as an app whose templates put
``{{ request.csp_nonce }}`` on their own tags would.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import NONCE
from django.http import HttpRequest, HttpResponse

NONCE_ONLY_STYLES = {"DIRECTIVES": {"style-src": [NONCE]}}


def page_uses_nonce(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Middleware: read the request's nonce before the view runs."""

    def middleware(request: HttpRequest) -> HttpResponse:
        str(request.csp_nonce)
        return get_response(request)

    return middleware


def with_nonce_only_styles(middleware: list[str]) -> list[str]:
    """``middleware`` with django-csp first (it writes the header last) and the nonce used."""
    return ["csp.middleware.CSPMiddleware", "tests.support.csp.page_uses_nonce", *middleware]
