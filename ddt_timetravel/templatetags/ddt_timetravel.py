"""Template filters for the panel's fragments."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: object, needle: str) -> SafeString:
    """Escape ``text`` and wrap each case-insensitive occurrence of ``needle`` in <mark>."""
    value = str(text)
    if not needle:
        return mark_safe(escape(value))  # escaped just above
    parts = re.split(f"({re.escape(needle)})", value, flags=re.IGNORECASE)
    marked = [
        f"<mark>{escape(part)}</mark>" if index % 2 else escape(part)
        for index, part in enumerate(parts)
    ]
    return mark_safe("".join(marked))  # every part is escaped
