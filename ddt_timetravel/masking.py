"""Decide which values are secret and hide them before anything leaves the server.

djust records public view state as-is, ``time_travel_excluded_fields`` included, so
every place that shows state or params goes through :class:`Masker`. A masked value
becomes :data:`MASKED`; callers compare raw values first so a masked row can still
say "changed" without showing either side.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from djust.config import config as djust_config

from .conf import get_setting

#: Name parts that mark a key as secret wherever it appears in the state.
SECRET_NAME_PARTS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "token",
        "apikey",
        "auth",
        "authorization",
        "credential",
        "credentials",
        "session",
        "sessionid",
        "csrf",
        "csrftoken",
        "ssn",
        "cvv",
        "cvc",
        "iban",
        "pin",
        "otp",
        "cookie",
        "signature",
    }
)

#: Adjacent name parts that together mark a key as secret ("api_key", "card_number").
SECRET_NAME_PAIRS = frozenset(
    {
        ("api", "key"),
        ("private", "key"),
        ("secret", "key"),
        ("access", "key"),
        ("credit", "card"),
        ("card", "number"),
        ("cc", "number"),
        ("security", "code"),
        ("social", "security"),
    }
)

_NAME_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")
_CARD_DIGITS = re.compile(r"^[\d -]{13,23}$")


class _Masked:
    """The marker that replaces a secret value; renders as a fixed, harmless text."""

    _instance: _Masked | None = None

    def __new__(cls) -> _Masked:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return "•••• masked"

    def __repr__(self) -> str:
        return "MASKED"


MASKED = _Masked()


def name_parts(name: str) -> list[str]:
    """Split ``apiKey``, ``API_KEY`` or ``api-key`` into lower-case parts."""
    return [part.lower() for part in _NAME_PART.findall(str(name))]


#: Parts that mark a secret even at the end of one run-together word
#: (``accesstoken``, ``clientsecret``, ``csrfmiddlewaretoken``).
SECRET_SUFFIXES = ("password", "passwd", "secret", "token", "apikey", "credential")


def _singular(part: str) -> str:
    return part[:-1] if len(part) > 3 and part.endswith("s") and not part.endswith("ss") else part


def looks_secret(name: str) -> bool:
    """True when a key name looks like it holds a secret (plurals included)."""
    parts = [_singular(part) for part in name_parts(name)]
    if any(part in SECRET_NAME_PARTS or part.endswith(SECRET_SUFFIXES) for part in parts):
        return True
    return any(pair in SECRET_NAME_PAIRS for pair in zip(parts, parts[1:], strict=False))


def looks_like_card_number(value: Any) -> bool:
    """True for a string of 13-19 digits (spaces or dashes allowed) passing Luhn."""
    if not isinstance(value, str) or not _CARD_DIGITS.match(value):
        return False
    digits = [int(ch) for ch in value if ch.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


class Masker:
    """Masks secret keys at any depth of a JSON-like value."""

    def __init__(self, masked_names: Iterable[str] = (), unmasked_names: Iterable[str] = ()):
        self.masked_names = frozenset(str(n).lower() for n in masked_names)
        self.unmasked_names = frozenset(str(n).lower() for n in unmasked_names)

    @classmethod
    def for_view(cls, view: Any) -> Masker:
        """The masker for one view: its excluded fields plus project-wide names."""
        names = [
            *(getattr(view, "time_travel_excluded_fields", None) or ()),
            *(djust_config.get("bug_capture_default_scrub", None) or ()),
            *get_setting("MASK_FIELDS"),
        ]
        return cls(masked_names=names, unmasked_names=get_setting("UNMASK_FIELDS"))

    def is_secret_key(self, name: Any) -> bool:
        """True when values under this key must not be shown."""
        lowered = str(name).lower()
        if lowered in self.unmasked_names:
            return False
        return lowered in self.masked_names or looks_secret(str(name))

    def mask(self, value: Any) -> Any:
        """Return a copy of ``value`` with every secret replaced by :data:`MASKED`."""
        if isinstance(value, Mapping):
            return {
                key: MASKED if self.is_secret_key(key) else self.mask(item)
                for key, item in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [self.mask(item) for item in value]
        if looks_like_card_number(value):
            return MASKED
        return value


def contains_masked(value: Any) -> bool:
    """True when :meth:`Masker.mask` hid something anywhere inside ``value``."""
    if value is MASKED:
        return True
    if isinstance(value, Mapping):
        return any(contains_masked(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_masked(item) for item in value)
    return False
