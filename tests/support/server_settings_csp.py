"""The demo under a nonce-only ``style-src`` policy (django-csp)."""

from demo_project.settings import *  # noqa: F403
from demo_project.settings import MIDDLEWARE
from tests.support.csp import NONCE_ONLY_STYLES, with_nonce_only_styles

MIDDLEWARE = with_nonce_only_styles(MIDDLEWARE)
CONTENT_SECURITY_POLICY = NONCE_ONLY_STYLES
