"""The panel endpoints' query parameters, read strictly: a bad one is a short 400.

Numbers are checked for their digits before ``int()`` converts them (a long
text is slow to convert), and bounded by :data:`MAX_SEQ`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from .core import limits

MAX_SEQ = 2**53


class BadQuery(ValueError):
    """A query parameter is missing or malformed; the message is safe to show."""


@dataclass(frozen=True)
class Viewing:
    """The restored state the page shows: event ``seq``'s ``which`` state, or one component's."""

    seq: int
    which: str
    component_id: str | None = None


def whole_number(raw: str) -> bool:
    """Digits only, short enough to convert cheaply (``int()`` of a long text is slow)."""
    return len(raw) <= limits.MAX_NUMBER_DIGITS and raw.isascii() and raw.isdigit()


def int_param(request: HttpRequest, name: str, default: int | None = None) -> int:
    """Query parameter ``name`` as a whole number up to ``MAX_SEQ``; ``default`` when absent."""
    raw = request.GET.get(name)
    if raw is None or raw == "":
        if default is None:
            raise BadQuery(f"The '{name}' parameter is required.")
        return default
    if not whole_number(raw) or int(raw) > MAX_SEQ:
        raise BadQuery(f"The '{name}' parameter must be a whole number.")
    return int(raw)


def limit_param(request: HttpRequest) -> int | None:
    """``limit``: how many rows at most, or None for all."""
    if not request.GET.get("limit"):
        return None
    limit = int_param(request, "limit")
    if limit < 1:
        raise BadQuery("The 'limit' parameter must be at least 1.")
    return limit


def which_param(request: HttpRequest) -> str:
    """``which``: ``before`` or ``after`` (the default) an event."""
    which = request.GET.get("which") or "after"
    if which not in ("before", "after"):
        raise BadQuery("The 'which' parameter must be 'before' or 'after'.")
    return which


def viewing_param(request: HttpRequest) -> Viewing | None:
    """``viewing``: the restored state the browser says its page shows, as ``3:before``."""
    raw = request.GET.get("viewing") or ""
    if not raw:
        return None
    seq, _, which = raw.partition(":")
    if (
        not whole_number(seq)
        or int(seq) > MAX_SEQ
        or which
        not in (
            "before",
            "after",
        )
    ):
        raise BadQuery("The 'viewing' parameter must look like '3:before' or '3:after'.")
    return Viewing(seq=int(seq), which=which)
