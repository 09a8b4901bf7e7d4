"""Decide which values are secret and hide them before anything leaves the server.

djust records public view state as-is, ``time_travel_excluded_fields`` included, and
sends params the way the page typed them, so a secret can sit anywhere in an event.
:class:`Masker` hides values by three rules:

* **name**: the key reads like a secret (``password``, ``apiKey``, ``seed-phrase``,
  the view's excluded fields, ``MASK_FIELDS``);
* **context**: a ``value`` beside a ``field``, ``name`` or ``key`` that names a
  secret (djust's ``validate_field`` params, name/value pair lists);
* **shape**: text that looks like a credential under any name (``Bearer …``, JWTs,
  ``scheme://user:pass@host``, ``password=`` in query strings, private-key
  blocks, well-known token prefixes, card numbers, ``MASK_PATTERNS``).

A value hidden by any rule is *known* secret for the whole event: it is then hidden
wherever else it appears in that event (another key, a param, inside a longer
string, the handler's error text). :meth:`Masker.event` returns a masked copy of
one recorded event, and every place that shows or exports an event reads that
copy only. Masked values compare equal when the real values were equal, so a
diff of masked states still tells "changed" from "unchanged" without showing
either side. Every walk here is iterative: no input depth can exhaust the stack.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, KeysView, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from djust.config import config as djust_config
from djust.time_travel import EventSnapshot

from ..conf import get_setting
from . import memo

#: Name parts that mark a key as secret wherever it appears in the state.
SECRET_NAME_PARTS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "passcode",
        "pass",
        "pwd",
        "pw",
        "secret",
        "token",
        "apikey",
        "auth",
        "authorization",
        "bearer",
        "jwt",
        "credential",
        "credentials",
        "cred",
        "session",
        "sessionid",
        "csrf",
        "csrftoken",
        "ssn",
        "cvv",
        "cvc",
        "iban",
        "pin",
        "pincode",
        "otp",
        "totp",
        "dsn",
        "cookie",
        "signature",
    }
)

#: Adjacent name parts that together mark a key as secret ("api_key", "card_number");
#: each also counts written as one word ("cardnumber", "seedphrase").
SECRET_NAME_PAIRS = frozenset(
    {
        ("api", "key"),
        ("private", "key"),
        ("priv", "key"),
        ("secret", "key"),
        ("access", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("credit", "card"),
        ("card", "number"),
        ("cc", "number"),
        ("security", "code"),
        ("social", "security"),
        ("mfa", "code"),
        ("recovery", "code"),
        ("backup", "code"),
        ("seed", "phrase"),
        ("recovery", "phrase"),
        ("database", "url"),
        ("db", "url"),
        ("connection", "string"),
    }
)

#: A last part that makes a secret-looking name a count or a size, not a secret
#: (``token_count``, ``password_length``).
QUANTITY_PARTS = frozenset({"count", "length", "len", "size", "limit", "total", "max", "min"})

#: Parts that mark a secret even at the end of one run-together word
#: (``accesstoken``, ``clientsecret``, ``csrfmiddlewaretoken``).
SECRET_SUFFIXES = ("password", "passwd", "secret", "token", "apikey", "credential")

_JOINED_PAIRS = frozenset(a + b for a, b in SECRET_NAME_PAIRS)
#: Every secret name holds one of these in its lower-case text (a part, the first
#: word of a pair, a suffix): a name holding none is not secret, without splitting it.
_MAY_BE_SECRET_NAME = re.compile(
    "|".join(
        re.escape(word)
        for word in sorted(
            SECRET_NAME_PARTS | {pair[0] for pair in SECRET_NAME_PAIRS} | set(SECRET_SUFFIXES),
            key=len,
            reverse=True,
        )
    )
)
_NAME_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")
_CARD_DIGITS = re.compile(r"^[\d -]{13,23}$")

#: Keys that name the field a sibling value belongs to, and the keys holding that value
#: (compared without case, ``_``, ``-`` or spaces).
NAMING_KEYS = frozenset({"field", "fieldname", "name", "key", "param", "paramname", "header"})
VALUE_KEYS = frozenset(
    {"value", "values", "val", "newvalue", "oldvalue", "rawvalue", "initial", "input", "data"}
)
#: A naming value longer than this is text, not a field name.
_MAX_NAME = 64
#: A known secret shorter than this is hidden only where a whole value equals it:
#: hiding every "ab" inside longer text would hide ordinary words, not secrets.
MIN_KNOWN_LENGTH = 4
#: Texts up to this long have their shape spans remembered, up to this many per masker.
_REMEMBERED_TEXT = 512
_REMEMBERED_TEXTS = 4096
#: Shown inside a longer string where a secret was cut out.
MARK = "•••• masked"


class Masked:
    """What replaces a secret value; renders as :data:`MARK`.

    It carries a keyed digest of the real value (the key is random per process and
    never leaves it), so two masked values are equal exactly when the real ones were.
    """

    __slots__ = ("_digest",)

    def __init__(self, digest: bytes = b"") -> None:
        self._digest = digest

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Masked) and other._digest == self._digest

    def __hash__(self) -> int:
        return hash(self._digest)

    def __str__(self) -> str:
        return MARK

    def __repr__(self) -> str:
        return "MASKED"


#: A masked value of unknown content, for places that only need the marker.
MASKED = Masked()


class PartlyMasked(str):
    """A string in which pieces that were secret are replaced by :data:`MARK`."""

    __slots__ = ()


def is_masked(value: Any) -> bool:
    """True for a value that was hidden as a whole."""
    return isinstance(value, Masked)


def _children(value: Any) -> Iterable[Any]:
    if isinstance(value, Mapping):
        return value.values()
    if isinstance(value, (list, tuple)):
        return value
    return ()


def shows_masked(value: Any) -> bool:
    """True for a value masked whole, or a string with a masked piece in it."""
    return isinstance(value, (Masked, PartlyMasked))


def contains_masked(value: Any) -> bool:
    """True when masking hid something anywhere inside ``value``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (Masked, PartlyMasked)):
            return True
        stack.extend(_children(item))
    return False


def without_marks(text: str) -> str:
    """``text`` with every masked piece removed, so a search never matches the marker."""
    return text.replace(MARK, "\0") if isinstance(text, PartlyMasked) else text


# -- names -------------------------------------------------------------------------


def name_parts(name: str) -> list[str]:
    """Split ``apiKey``, ``API_KEY``, ``api-key`` or ``api key`` into lower-case parts."""
    return [part.lower() for part in _NAME_PART.findall(str(name))]


def _singular(part: str) -> str:
    return part[:-1] if len(part) > 3 and part.endswith("s") and not part.endswith("ss") else part


def _normal(name: str) -> str:
    return "_".join(name_parts(name))


@lru_cache(maxsize=8192)
def looks_secret(name: str) -> bool:
    """True when a key name looks like it holds a secret (plurals included)."""
    if not _MAY_BE_SECRET_NAME.search(str(name).lower()):  # one C-speed scan rules most out
        return False
    return parts_look_secret(name)


def parts_look_secret(name: str) -> bool:
    """:func:`looks_secret` from the name's parts alone, without the quick scan."""
    parts = [_singular(part) for part in name_parts(name)]
    if len(parts) > 1 and parts[-1] in QUANTITY_PARTS:
        return False
    for part in parts:
        if part in SECRET_NAME_PARTS or part in _JOINED_PAIRS or part.endswith(SECRET_SUFFIXES):
            return True
    return any(pair in SECRET_NAME_PAIRS for pair in zip(parts, parts[1:], strict=False))


@lru_cache(maxsize=8192)
def _compact_name(name: Any) -> str:
    return re.sub(r"[\s_\-]", "", str(name)).lower()


def _spelled_any(words: Iterable[str]) -> re.Pattern[str]:
    """Matches a name that may be one of ``words`` once spaces, ``_`` and ``-`` are removed.

    A quick test only (it ignores case more widely than ``str.lower``): a match
    is then confirmed with :func:`_compact_name`.
    """
    spelled = ("[\\s_\\-]*".join(map(re.escape, word)) for word in sorted(words))
    return re.compile(r"[\s_\-]*(?:" + "|".join(spelled) + r")[\s_\-]*", re.IGNORECASE)


_MAY_BE_NAMING = _spelled_any(NAMING_KEYS)
_MAY_BE_VALUE = _spelled_any(VALUE_KEYS)


# -- shapes ------------------------------------------------------------------------


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def looks_like_card_number(value: Any) -> bool:
    """True for a string of 13-19 digits (spaces or dashes allowed) passing Luhn."""
    if not isinstance(value, str) or not 13 <= len(value) <= 23 or not value[0].isdigit():
        return False
    if not _CARD_DIGITS.match(value):
        return False
    digits = "".join(ch for ch in value if ch.isdigit())
    return 13 <= len(digits) <= 19 and _luhn(digits)


def _tokenish(text: str) -> bool:
    """A credential has a digit or a symbol; an ordinary word after "Bearer" has not."""
    return any(ch.isdigit() or ch in "-._~+/=" for ch in text)


@dataclass(frozen=True)
class Shape:
    """A kind of secret recognised by its text: a quick literal test, then a regex.

    The part to hide is the group named ``secret`` when there is one, else the match.
    """

    name: str
    regex: re.Pattern[str]
    hint: tuple[str, ...] = ()  # the text must contain one of these (case-insensitive)
    accept: Callable[[re.Match[str]], bool] | None = None

    def spans(self, text: str, lowered: str) -> Iterator[tuple[int, int]]:
        """Where this shape's secrets are in ``text``."""
        if self.hint and not any(literal in lowered for literal in self.hint):
            return
        for found in self.regex.finditer(text):
            if self.accept is not None and not self.accept(found):
                continue
            group = "secret" if "secret" in self.regex.groupindex else 0
            start, end = found.span(group)
            if end > start:
                yield start, end


def _shape(
    name: str,
    pattern: str,
    hint: Sequence[str] = (),
    accept: Callable[[re.Match[str]], bool] | None = None,
) -> Shape:
    return Shape(name, re.compile(pattern), tuple(h.lower() for h in hint), accept)


def _card_in_text(found: re.Match[str]) -> bool:
    digits = "".join(ch for ch in found.group(0) if ch.isdigit())
    return 13 <= len(digits) <= 19 and _luhn(digits)


#: Credentials recognised by their text, under any name.
SHAPES: tuple[Shape, ...] = (
    _shape(
        "authorization header value",
        r"\b(?i:bearer|basic)\s+(?P<secret>[A-Za-z0-9\-._~+/]{8,}=*)",
        ("bearer", "basic"),
        lambda m: _tokenish(m.group("secret")),
    ),
    _shape("JWT", r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*", ("eyj",)),
    _shape(
        "password in a URL",
        r"\b[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^\s/?#@:]*:(?P<secret>[^\s/?#@]+)@",
        ("://",),
    ),
    _shape(
        "cloud access key",
        r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b",
        ("akia", "asia", "abia", "acca", "agpa", "aida", "aipa", "anpa", "anva", "aroa", "apka"),
    ),
    _shape("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}", ("aiza",)),
    _shape("Google OAuth token", r"\bya29\.[0-9A-Za-z_\-]{20,}", ("ya29.",)),
    _shape(
        "source-hosting token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}"
        r"|glpat-[A-Za-z0-9_\-]{20,})",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-"),
    ),
    _shape(
        "payment token",
        r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|\bwhsec_[A-Za-z0-9]{20,}",
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"),
    ),
    _shape(
        "chat token",
        r"\bxox[abposr]-[A-Za-z0-9\-]{10,}|https://hooks\.slack\.com/services/[A-Za-z0-9/]+",
        ("xox", "hooks.slack.com"),
    ),
    _shape(
        "service API key",
        r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_\-]{20,}|\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"
        r"|\bnpm_[A-Za-z0-9]{36}|\bpypi-[A-Za-z0-9_\-]{50,}|\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
        ("sk-", "sg.", "npm_", "pypi-", "shpat_", "shpca_", "shppa_", "shpss_"),
    ),
    _shape(
        "card number",
        r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])",
        (),
        _card_in_text,
    ),
)

#: ``name=value`` in query strings and form-encoded text, ``"name": "value"`` in
#: JSON or reprs inside text: hidden when the name looks secret.
_ASSIGNED = re.compile(
    r"(?:^|(?<=[?&;\s,(]))(?P<name>[A-Za-z_][\w.\-\[\]]{0,63})=(?P<secret>[^&\s#;,'\"]+)"
)
_QUOTED = re.compile(
    r"(?<![\w-])[\"']?(?P<name>[A-Za-z_][\w.\- ]{0,63}?)[\"']?\s*[:=]\s*"
    r"(?P<q>[\"'])(?P<secret>(?:(?!(?P=q))[^\\\n]){1,2000})(?P=q)"
)
#: Matches the lower-case text wherever any of :data:`SHAPES` (or a private-key
#: block) could start. Searched case-sensitively: several times faster than
#: ignoring case, and what each shape's own hint test reads.
_MAY_HAVE_SHAPE = re.compile(
    "|".join(re.escape(hint) for shape in SHAPES for hint in shape.hint)
    + r"|-----begin|\d[\d -]{11}"
)
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")


def _pem_spans(text: str) -> Iterator[tuple[int, int]]:
    """Private-key blocks; a block cut off before its END line is hidden to the end."""
    if "-----BEGIN" not in text:
        return
    position = 0
    while True:
        found = _PEM_BEGIN.search(text, position)
        if found is None:
            return
        end = text.find("-----END", found.end())
        if end == -1:
            yield found.start(), len(text)
            return
        close = text.find("-----", end + 8)
        stop = len(text) if close == -1 else close + 5
        yield found.start(), stop
        position = stop


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# -- digests ------------------------------------------------------------------------

_DIGEST_KEY = secrets.token_bytes(32)


def _digest(value: Any) -> bytes:
    """A keyed digest of a JSON-like value: equal values (as ``diff.same`` sees them)
    give equal digests; dict order does not matter."""
    hasher = hashlib.blake2b(key=_DIGEST_KEY, digest_size=16)
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Close):
            hasher.update(item.token)
        elif isinstance(item, Mapping):
            hasher.update(b"{")
            stack.append(_CLOSE_DICT)
            for key in sorted(item, key=repr, reverse=True):
                stack.append(item[key])
                stack.append(_Key(repr(key)))
        elif isinstance(item, (list, tuple)):
            hasher.update(b"[")
            stack.append(_CLOSE_LIST)
            stack.extend(reversed(item))
        elif isinstance(item, _Key):
            hasher.update(b"k" + item.text.encode("utf-8", "replace") + b"\0")
        else:
            hasher.update(type(item).__name__.encode() + b":" + _scalar_bytes(item) + b"\0")
    return hasher.digest()


def _scalar_bytes(item: Any) -> bytes:
    if isinstance(item, Masked):
        return item._digest
    if isinstance(item, str):
        return item.encode("utf-8", "surrogatepass").replace(b"\0", b"\0\1")
    if isinstance(item, float) and item != item:
        return b"nan"
    return repr(item).encode("utf-8", "replace")


class _Close:
    __slots__ = ("token",)

    def __init__(self, token: bytes) -> None:
        self.token = token


class _Key:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_CLOSE_DICT = _Close(b"}")
_CLOSE_LIST = _Close(b"]")


# -- the masker ----------------------------------------------------------------------


class MaskedSnapshot(EventSnapshot):
    """A recorded event with every secret hidden: what the panel shows and exports."""


@dataclass
class _Known:
    """The secrets found in one event (or in the events of one comparison)."""

    texts: set[str]
    numbers: set[Any]
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _long: list[str] | None = None

    def shape_spans(self, masker: Masker, text: str) -> list[tuple[int, int]]:
        """``masker.shape_spans(text)``, once per distinct text of the event."""
        found = self.spans.get(text)
        if found is None:
            found = self.spans[text] = masker.shape_spans(text)
        return found

    def add(self, value: Any) -> None:
        """Know ``value`` (a leaf that was masked) as secret for the rest of the event."""
        if isinstance(value, bool) or value is None or isinstance(value, Masked):
            return
        if isinstance(value, str):
            if value.strip() and MARK not in value:
                self.texts.add(value)
        elif isinstance(value, (int, float)):
            self.numbers.add((type(value), value))
            if len(str(value)) >= MIN_KNOWN_LENGTH:
                self.texts.add(str(value))

    def __bool__(self) -> bool:
        """True once any secret value is known: then every value must be searched for it."""
        return bool(self.texts or self.numbers)

    def long_texts(self) -> list[str]:
        """Known texts long enough to look for inside other text, longest first."""
        if self._long is None:
            long = (t for t in self.texts if len(t) >= MIN_KNOWN_LENGTH)
            self._long = sorted(long, key=len, reverse=True)
        return self._long


#: Role bits of a key name: its value is secret; it names a sibling's field; it holds
#: the value of the field a sibling names.
_SECRET, _NAMING, _VALUE = 1, 2, 4
#: Key names one masker remembers (a masker may be kept for a socket's life): names
#: past it are decided again each time they are met.
MAX_REMEMBERED_NAMES = 1 << 16


class _NameRoles:
    """The role of each key name, decided once per masker and name.

    Kept as sets of names, so that the keys of a whole dict are sorted out by
    set operations at C speed: a state with 100 000 keys costs one decision per
    distinct name, not one Python call per key and walk.
    """

    __slots__ = ("decide", "naming", "secret", "seen", "value")

    def __init__(self, decide: Callable[[Any], bool]) -> None:
        self.decide = decide
        self.seen: set[str] = set()
        self.secret: set[str] = set()
        self.naming: set[str] = set()
        self.value: set[str] = set()

    def _role(self, name: Any) -> int:
        text = str(name)
        role = _SECRET if self.decide(name) else 0
        if _MAY_BE_NAMING.fullmatch(text) and _compact_name(name) in NAMING_KEYS:
            role |= _NAMING
        if _MAY_BE_VALUE.fullmatch(text) and _compact_name(name) in VALUE_KEYS:
            role |= _VALUE
        return role

    def of(self, name: Any) -> int:
        """The role bits of one name."""
        if isinstance(name, str) and name in self.seen:
            return (
                (_SECRET if name in self.secret else 0)
                | (_NAMING if name in self.naming else 0)
                | (_VALUE if name in self.value else 0)
            )
        return self.sort_in(name)

    def sort_in(self, name: Any) -> int:
        """Decide ``name`` and remember it (string names only, up to the bound)."""
        role = self._role(name)
        if isinstance(name, str) and len(self.seen) < MAX_REMEMBERED_NAMES:
            self.seen.add(name)
            for bit, names in (
                (_SECRET, self.secret),
                (_NAMING, self.naming),
                (_VALUE, self.value),
            ):
                if role & bit:
                    names.add(name)
        return role

    def sort_out(self, keys: KeysView[Any]) -> tuple[set[Any], set[Any], set[Any]]:
        """The secret, naming and value keys among ``keys`` (a dict's keys)."""
        found: tuple[set[Any], set[Any], set[Any]] = (set(), set(), set())
        for name in keys - self.seen:  # new names, and any that are not strings
            role = self.sort_in(name)
            for bit, names in zip((_SECRET, _NAMING, _VALUE), found, strict=True):
                if role & bit:
                    names.add(name)
        secret, naming, value = found
        return (
            secret | (keys & self.secret),
            naming | (keys & self.naming),
            value | (keys & self.value),
        )


class Masker:
    """Hides secrets by name, context and shape, at any depth of JSON-like values."""

    def __init__(
        self,
        masked_names: Iterable[str] = (),
        unmasked_names: Iterable[str] = (),
        patterns: Iterable[str | re.Pattern[str]] = (),
    ):
        names = [str(name) for name in masked_names]
        self.masked_names = frozenset(n.lower() for n in names) | frozenset(map(_normal, names))
        self.unmasked_names = frozenset(str(n).lower() for n in unmasked_names)
        self.patterns = tuple(_compiled(patterns))
        self._roles = _NameRoles(self._decide)
        self._spans: dict[str, list[tuple[int, int]]] = {}
        self.signature = hashlib.sha256(
            repr(
                (sorted(self.masked_names), sorted(self.unmasked_names))
                + tuple(p.pattern for p in self.patterns)
            ).encode()
        ).hexdigest()[:16]

    @classmethod
    def for_view(cls, view: Any) -> Masker:
        """The masker for one view: its excluded fields plus project-wide names and patterns."""
        return cls.for_fields(tuple(getattr(view, "time_travel_excluded_fields", None) or ()))

    @classmethod
    def for_fields(cls, excluded: tuple[str, ...]) -> Masker:
        """The masker of a view whose ``time_travel_excluded_fields`` are ``excluded``."""
        names = [
            *excluded,
            *(djust_config.get("bug_capture_default_scrub", None) or ()),
            *get_setting("MASK_FIELDS"),
        ]
        return cls(
            masked_names=names,
            unmasked_names=get_setting("UNMASK_FIELDS"),
            patterns=get_setting("MASK_PATTERNS"),
        )

    # -- single decisions ------------------------------------------------------------

    def is_secret_key(self, name: Any) -> bool:
        """True when values under this key must not be shown."""
        return bool(self._roles.of(name) & _SECRET)

    def _decide(self, name: Any) -> bool:
        text = str(name)
        lowered = text.lower()
        if lowered in self.unmasked_names:
            return False
        if lowered in self.masked_names or (
            self.masked_names and _normal(text) in self.masked_names
        ):
            return True
        return looks_secret(text)

    def _names_secret(self, value: Any) -> bool:
        return isinstance(value, str) and 0 < len(value) <= _MAX_NAME and self.is_secret_key(value)

    def secret_keys(self, mapping: Mapping[Any, Any]) -> set[Any]:
        """Keys of ``mapping`` whose values are secret by name or by a sibling's name."""
        secret, naming, value = self._roles.sort_out(mapping.keys())
        if any(self._names_secret(mapping[key]) for key in naming):
            secret |= value
        return secret

    def _pair_value_secret(self, pair: Sequence[Any]) -> bool:
        """In a ``("name", value)`` pair of a pair list, True when the name is secret."""
        return self._names_secret(pair[0])

    def shape_spans(self, text: str) -> list[tuple[int, int]]:
        """Where credentials recognised by their text are in ``text``, merged.

        Short texts are remembered: a masker kept for a socket meets the same
        template names, paths and labels on every turn.
        """
        spans = self._spans.get(text)
        if spans is None:
            spans = self._shape_spans(text)
            if len(text) <= _REMEMBERED_TEXT and len(self._spans) < _REMEMBERED_TEXTS:
                self._spans[text] = spans
        return list(spans)

    def _shape_spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        lowered = text.lower()
        if _MAY_HAVE_SHAPE.search(lowered):  # one quick scan rules out most text
            for shape in SHAPES:
                spans.extend(shape.spans(text, lowered))
            spans.extend(_pem_spans(text))
        if "=" in text:
            spans.extend(self._assigned_spans(_ASSIGNED, text))
        if ("'" in text or '"' in text) and (":" in text or "=" in text):
            spans.extend(self._assigned_spans(_QUOTED, text))
        for pattern in self.patterns:
            for found in pattern.finditer(text):
                group = 1 if pattern.groups else 0
                if found.end(group) > found.start(group):
                    spans.append(found.span(group))
        return _merge(spans) if spans else spans

    def _assigned_spans(self, regex: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
        for found in regex.finditer(text):
            if self.is_secret_key(found.group("name").strip()):
                yield found.span("secret")

    # -- whole values and events ------------------------------------------------------

    def mask(self, value: Any) -> Any:
        """``value`` with every secret hidden, ``value`` being its own context.

        A copy where anything is hidden; ``value`` itself when nothing is.
        """
        known, hits = self._collect([value])
        return self._masked(value, known) if hits[0] or known else value

    def mask_text(self, text: str | None, context: Sequence[Any] = ()) -> str | None:
        """A text (an error message) with secrets cut out, the ``context`` values'
        secrets included."""
        if text is None:
            return None
        known, _ = self._collect([*context, text])
        return _as_text(self._scalar(str(text), known))

    def event(self, snapshot: EventSnapshot) -> MaskedSnapshot:
        """The masked copy of one recorded event, computed once per snapshot."""
        if isinstance(snapshot, MaskedSnapshot):
            return snapshot
        return self._alone(snapshot)[0]

    def _alone(self, snapshot: EventSnapshot) -> tuple[MaskedSnapshot, bool]:
        """The masked copy of one event, and whether it knows a secret value (memoised)."""

        def compute() -> tuple[MaskedSnapshot, bool]:
            (copy,), knows = self._masked_events([snapshot])
            return copy, knows

        return memo.memo(
            snapshot,
            f"masked:{self.signature}",
            compute,
            inputs=(snapshot.params, snapshot.state_before, snapshot.state_after),
        )

    def events(self, snapshots: Sequence[EventSnapshot]) -> list[MaskedSnapshot]:
        """Masked copies of events shown side by side: a secret of one is hidden in all.

        When none of them knows a secret value, nothing crosses from one to another:
        each is its own memoised copy.
        """
        if not any(isinstance(snapshot, MaskedSnapshot) for snapshot in snapshots):
            alone = [self._alone(snapshot) for snapshot in snapshots]
            if not any(knows for _, knows in alone):
                return [masked for masked, _ in alone]
        return self._masked_events(snapshots)[0]

    def _masked_events(
        self, snapshots: Sequence[EventSnapshot]
    ) -> tuple[list[MaskedSnapshot], bool]:
        """Masked copies of ``snapshots`` together, and whether they know a secret value."""
        values: list[Any] = []
        for snapshot in snapshots:
            values += [snapshot.params, snapshot.state_before, snapshot.state_after, snapshot.error]
        known, hits = self._collect(values)

        def masked(position: int) -> Any:
            value = values[position] or {}
            return self._masked(value, known) if hits[position] or known else value

        copies = [
            MaskedSnapshot(
                event_name=snapshot.event_name,
                params=masked(4 * number),
                ref=snapshot.ref,
                ts=snapshot.ts,
                state_before=masked(4 * number + 1),
                state_after=masked(4 * number + 2),
                error=_as_text(self._scalar(str(snapshot.error), known))
                if snapshot.error
                else snapshot.error,
            )
            for number, snapshot in enumerate(snapshots)
        ]
        return copies, bool(known)

    def beside_event(self, value: Any, snapshot: EventSnapshot | None) -> Any:
        """A copy of ``value`` (what a toolbar panel recorded in the event's turn) with
        the event's secrets hidden in it, and its own by name, context and shape."""
        values = [value]
        if snapshot is not None:
            values += [snapshot.params, snapshot.state_before, snapshot.state_after]
            values.append(snapshot.error)
        known, _ = self._collect(values)
        return self._masked(value, known)

    # -- the two walks ----------------------------------------------------------------

    def _collect(self, roots: Sequence[Any]) -> tuple[_Known, list[bool]]:
        """Every secret in ``roots`` (values under secret keys, secret-shaped text),
        and for each root whether anything in it is hidden."""
        known = _Known(set(), set())
        return known, [self._collect_root(root, known) for root in roots]

    def _collect_root(self, root: Any, known: _Known) -> bool:
        hit = False
        stack: list[tuple[Any, bool, bool]] = [(root, False, False)]
        while stack:
            value, secret, pair = stack.pop()
            if isinstance(value, dict):
                hidden = set() if secret else self.secret_keys(value)
                if secret or hidden:
                    hit = True
                    stack.extend(
                        (item, secret or key in hidden, False) for key, item in value.items()
                    )
                    continue
                for item in value.values():  # scalars here, without a trip through the stack
                    if isinstance(item, str):
                        hit = self._collect_text(item, known) or hit
                    elif isinstance(item, (dict, list, tuple)):
                        stack.append((item, False, False))
            elif isinstance(value, (list, tuple)):
                pairs = _is_pair_list(value)
                if secret or (pair and self._pair_value_secret(value)):
                    hit = True
                    stack.extend((item, secret or i == 1, pairs) for i, item in enumerate(value))
                    continue
                for item in value:
                    if isinstance(item, str):
                        hit = self._collect_text(item, known) or hit
                    elif isinstance(item, (dict, list, tuple)):
                        stack.append((item, False, pairs))
            elif secret:
                hit = True
                known.add(value)
            elif isinstance(value, str):
                hit = self._collect_text(value, known) or hit
        return hit

    def _collect_text(self, text: str, known: _Known) -> bool:
        """Know the secrets in ``text`` (all of it, or secret-shaped pieces); True if any."""
        if looks_like_card_number(text):
            known.add(text)
            return True
        spans = known.shape_spans(self, text)
        for start, end in spans:
            known.add(text[start:end])
        return bool(spans)

    def _masked(self, root: Any, known: _Known) -> Any:
        """A copy of ``root`` with secret keys, known secrets and secret shapes hidden."""
        holder: list[Any] = [None]
        stack: list[tuple[Any, Any, Any, bool]] = [(root, holder, 0, False)]
        while stack:
            value, parent, slot, pair = stack.pop()
            if isinstance(value, dict):
                hidden = self.secret_keys(value)
                out: dict[Any, Any] = {}
                parent[slot] = out
                for key, item in value.items():
                    if key in hidden:
                        out[key] = Masked(_digest(item))
                    elif isinstance(item, (dict, list, tuple)):
                        out[key] = None  # keeps the recorded key order
                        stack.append((item, out, key, False))
                    else:
                        out[key] = self._scalar(item, known)
            elif isinstance(value, (list, tuple)):
                hidden_positions = {1} if pair and self._pair_value_secret(value) else set()
                pairs = _is_pair_list(value)
                items: list[Any] = [None] * len(value)
                parent[slot] = items
                for position, item in enumerate(value):
                    if position in hidden_positions:
                        items[position] = Masked(_digest(item))
                    else:
                        stack.append((item, items, position, pairs))
            else:
                parent[slot] = self._scalar(value, known)
        return holder[0]

    def _scalar(self, value: Any, known: _Known) -> Any:
        if isinstance(value, (Masked, bool)) or value is None:
            return value
        if isinstance(value, (int, float)):
            return Masked(_digest(value)) if (type(value), value) in known.numbers else value
        if not isinstance(value, str):
            return value
        if value in known.texts or looks_like_card_number(value):
            return Masked(_digest(value))
        spans = list(known.shape_spans(self, value))
        for secret in known.long_texts():
            if len(secret) > len(value):
                continue
            position = value.find(secret)
            while position != -1:
                spans.append((position, position + len(secret)))
                position = value.find(secret, position + len(secret))
        if not spans:
            return value
        spans = _merge(spans)
        if spans[0][0] == 0 and spans[0][1] == len(value):
            return Masked(_digest(value))
        pieces, last = [], 0
        for start, end in spans:
            pieces += [value[last:start], MARK]
            last = end
        pieces.append(value[last:])
        return PartlyMasked("".join(pieces))


def _is_pair_list(items: Sequence[Any]) -> bool:
    """``[["password", "…"], ["user", "ada"]]``: every item a two-item ``[name, value]``."""
    return bool(items) and all(
        isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str)
        for item in items
    )


def _as_text(value: Any) -> str:
    """An error message stays text: a message that was all secret becomes the marker."""
    return MARK if isinstance(value, Masked) else value


def _compiled(patterns: Iterable[str | re.Pattern[str]]) -> Iterator[re.Pattern[str]]:
    """The patterns that compile; the system check reports the others (E005)."""
    for pattern in patterns:
        if isinstance(pattern, re.Pattern):
            yield pattern
            continue
        try:
            yield re.compile(pattern)
        except (re.error, TypeError):
            continue


def pattern_problem(pattern: Any) -> str | None:
    """Why ``pattern`` cannot be used as a ``MASK_PATTERNS`` entry, or None."""
    if not isinstance(pattern, str):
        return f"{pattern!r} is not a string"
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"{pattern!r} does not compile: {exc}"
    if compiled.match(""):
        return f"{pattern!r} matches empty text, so it would hide nothing or everything"
    return None
