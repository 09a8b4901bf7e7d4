"""Watchpoints: a small, safe expression language over one event's states.

``count > 3``, ``len(cart.items) >= 2 and not changed(user)``,
``"admin" in roles``, ``added(items[id=3])``. Paths use the panel's own syntax
(the one the diff shows and the key filter takes). Nothing is ever handed to
``eval``: the text is tokenised and parsed by hand into a tiny tree, with the
length and nesting of an expression bounded before anything is evaluated.

A path that leads nowhere is *absent*, not an error: every comparison with it
is false, and ``absent(path)`` tests for it. A path under a secret key is
*masked*: comparisons with it are false too, so a watchpoint can never reveal a
secret by which events it marks; ``changed`` still works on it, as the panel
already says "changed" for masked values.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .diff import ID_KEY, same
from .masking import Masker

MAX_EXPRESSION_LENGTH = 500
MAX_NESTING = 32


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


class _Hidden:
    def __repr__(self) -> str:
        return "MASKED"


#: The value of a path that leads nowhere.
ABSENT: Any = _Absent()
#: The value of a path under a secret key: never compared, never shown.
HIDDEN: Any = _Hidden()


class BadExpression(ValueError):
    """The expression does not parse; ``position`` is the 0-based offset of the error."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position + 1})")
        self.position = position


# -- paths ------------------------------------------------------------------------

_PATH_PART = re.compile(
    r"""
    \.?(?P<name>[A-Za-z_][A-Za-z0-9_]*)          # .name or a leading name
    | \[(?P<index>-?\d+)\]                         # [2]
    | \[id=(?P<id>-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|true|false|null)\]   # [id=3]
    | \["(?P<quoted>(?:[^"\\]|\\.)*)"\]            # ["odd key"]
    """,
    re.VERBOSE,
)


def parse_path(text: str, start: int = 0) -> tuple[tuple[Any, ...], int]:
    """Parse a panel path at ``text[start:]``; return its parts and where it ends.

    Parts are dict keys (str), list positions (int) and ``("id", value)`` pairs,
    the shape :func:`ddt_timetravel.core.diff.format_path` prints.
    """
    parts: list[Any] = []
    position = start
    while position < len(text):
        found = _PATH_PART.match(text, position)
        if found is None or (found.group("name") and parts == [] and text[position] == "."):
            break
        if found.group("name") is not None:
            if parts and text[position] != ".":
                break
            parts.append(found.group("name"))
        elif found.group("index") is not None:
            parts.append(int(found.group("index")))
        elif found.group("id") is not None:
            parts.append((ID_KEY, _json(found.group("id"), position)))
        else:
            parts.append(_json(f'"{found.group("quoted")}"', position))
        position = found.end()
    if not parts:
        raise BadExpression("Expected a key path", start)
    return tuple(parts), position


def lookup(state: Any, path: tuple[Any, ...]) -> Any:
    """The real value at ``path`` in ``state``, or :data:`ABSENT`: never shown as is."""
    value = state
    for part in path:
        if isinstance(part, tuple) and isinstance(value, list):
            wanted = part[1]
            value = next(
                (
                    item
                    for item in value
                    if isinstance(item, dict)
                    and item.get(ID_KEY, ABSENT) == wanted
                    and same(item[ID_KEY], wanted)
                ),
                ABSENT,
            )
        elif isinstance(part, int) and isinstance(value, list):
            value = value[part] if -len(value) <= part < len(value) else ABSENT
        elif isinstance(part, str) and isinstance(value, dict):
            value = value.get(part, ABSENT)
        else:
            return ABSENT
        if value is ABSENT:
            return ABSENT
    return value


class Reader:
    """Reads paths out of states for one masker, deciding once per path if it is secret."""

    def __init__(self, masker: Masker) -> None:
        self.masker = masker
        self._secret: dict[tuple[Any, ...], bool] = {}

    def crosses_secret(self, path: tuple[Any, ...]) -> bool:
        """True when a key on ``path`` is secret: nothing below it is ever shown."""
        known = self._secret.get(path)
        if known is None:
            is_secret = self.masker.is_secret_key
            known = self._secret[path] = any(isinstance(p, str) and is_secret(p) for p in path)
        return known

    def value(self, state: Any, path: tuple[Any, ...]) -> Any:
        """The value at ``path`` as it may be used: a value, :data:`ABSENT` or :data:`HIDDEN`."""
        if self.crosses_secret(path):
            return HIDDEN
        value = lookup(state, path)
        if (
            value is not ABSENT
            and not isinstance(value, (dict, list))
            and self.masker.mask(value) is not value
        ):
            return HIDDEN  # a card number or another secret-shaped value
        return value


# -- tokens -----------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<op>==|!=|<=|>=|<|>|\(|\)|,)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
FUNCTIONS = frozenset({"len", "changed", "added", "removed", "absent"})


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, op, word, path, end
    text: str
    position: int
    value: Any = None


def _tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        found = _TOKEN.match(text, position)
        word_here = found is not None and found.lastgroup == "word"
        if found is None or word_here and found.group("word") not in KEYWORDS | FUNCTIONS:
            if text[position] in "\"'" or not (text[position].isalpha() or text[position] in "_["):
                raise BadExpression(f"Unexpected {text[position]!r}", position)
            parts, end = parse_path(text, position)
            tokens.append(Token("path", text[position:end], position, parts))
            position = end
            continue
        kind = found.lastgroup or ""
        if kind != "space":
            raw = found.group(kind)
            value: Any = None
            if kind == "number":
                value = float(raw) if any(c in raw for c in ".eE") else int(raw)
            elif kind == "string":
                value = _unquote(raw, position)
            tokens.append(Token(kind, raw, position, value))
        position = found.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _unquote(raw: str, position: int) -> str:
    body = raw[1:-1]
    if raw[0] == "'":
        body = body.replace("\\'", "'").replace('"', '\\"')
    return str(_json(f'"{body}"', position))


def _json(text: str, position: int) -> Any:
    """A JSON scalar from the expression, or BadExpression where it is malformed."""
    try:
        return json.loads(text, strict=False)
    except ValueError:
        raise BadExpression("Malformed string or value", position) from None


# -- the tree ---------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class PathRef:
    path: tuple[Any, ...]


@dataclass(frozen=True)
class Call:
    name: str
    path: tuple[Any, ...]


@dataclass(frozen=True)
class Compare:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class Logic:
    op: str  # and, or, not
    operands: tuple[Any, ...]


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, text: str) -> Token:
        token = self.take()
        if token.text != text:
            found = "the end" if token.kind == "end" else repr(token.text)
            raise BadExpression(f"Expected {text!r}, found {found}", token.position)
        return token

    def nested(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise BadExpression(f"Nested more than {MAX_NESTING} levels", position)

    def parse(self) -> Any:
        tree = self.disjunction()
        end = self.peek()
        if end.kind != "end":
            raise BadExpression(f"Unexpected {end.text!r}", end.position)
        return tree

    def disjunction(self) -> Any:
        operands = [self.conjunction()]
        while self.peek().text == "or":
            self.take()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Logic("or", tuple(operands))

    def conjunction(self) -> Any:
        operands = [self.negation()]
        while self.peek().text == "and":
            self.take()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else Logic("and", tuple(operands))

    def negation(self) -> Any:
        token = self.peek()
        if token.text == "not":
            self.take()
            self.nested(token.position)
            operand = self.negation()
            self.depth -= 1
            return Logic("not", (operand,))
        return self.comparison()

    def comparison(self) -> Any:
        left = self.operand()
        token = self.peek()
        if token.text in ("==", "!=", "<", "<=", ">", ">=", "in"):
            self.take()
            return Compare(token.text, left, self.operand())
        if token.text == "not" and self.tokens[self.at + 1].text == "in":
            self.take()
            self.take()
            return Logic("not", (Compare("in", left, self.operand()),))
        return left

    def operand(self) -> Any:
        token = self.take()
        if token.kind in ("number", "string"):
            return Literal(token.value)
        if token.text in ("true", "false", "null"):
            return Literal({"true": True, "false": False, "null": None}[token.text])
        if token.kind == "path":
            return PathRef(token.value)
        if token.text in FUNCTIONS:
            self.expect("(")
            argument = self.take()
            if argument.kind != "path":
                raise BadExpression(f"{token.text}() takes a key path", argument.position)
            self.expect(")")
            return Call(token.text, argument.value)
        if token.text == "(":
            self.nested(token.position)
            inner = self.disjunction()
            self.expect(")")
            self.depth -= 1
            return inner
        found = "the end" if token.kind == "end" else repr(token.text)
        raise BadExpression(f"Expected a value or a key path, found {found}", token.position)


@dataclass(frozen=True)
class Watch:
    """A parsed watchpoint, ready to evaluate on any number of events."""

    text: str
    tree: Any

    def holds(self, before: Any, after: Any, masker: Masker | Reader) -> bool:
        """True when the expression is true for an event with these states."""
        reader = masker if isinstance(masker, Reader) else Reader(masker)
        return _truth(_evaluate(self.tree, before or {}, after or {}, reader))


def parse(text: str) -> Watch:
    """Parse a watch expression, or raise :class:`BadExpression` pointing at the error."""
    if not text.strip():
        raise BadExpression("The expression is empty", 0)
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise BadExpression(
            f"The expression is longer than {MAX_EXPRESSION_LENGTH} characters",
            MAX_EXPRESSION_LENGTH,
        )
    return Watch(text, _Parser(text).parse())


# -- evaluation -------------------------------------------------------------------


def _truth(value: Any) -> bool:
    if value is ABSENT or value is HIDDEN:
        return False
    return bool(value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is ABSENT or right is ABSENT or left is HIDDEN or right is HIDDEN:
        return False
    if op == "==":
        return same(left, right) or _number(left) and _number(right) and left == right
    if op == "!=":
        return not (same(left, right) or _number(left) and _number(right) and left == right)
    if op == "in":
        if isinstance(right, str):
            return isinstance(left, str) and left in right
        if isinstance(right, list):
            return any(_compare("==", left, item) for item in right)
        if isinstance(right, dict):
            return isinstance(left, str) and left in right
        return False
    comparable = (_number(left) and _number(right)) or (
        isinstance(left, str) and isinstance(right, str)
    )
    if not comparable or any(isinstance(v, float) and math.isnan(v) for v in (left, right)):
        return False
    return _ORDER[op](left, right)


def _evaluate(node: Any, before: Any, after: Any, reader: Reader) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, PathRef):
        return reader.value(after, node.path)
    if isinstance(node, Call):
        return _call(node, before, after, reader)
    if isinstance(node, Compare):
        left = _evaluate(node.left, before, after, reader)
        right = _evaluate(node.right, before, after, reader)
        return _compare(node.op, left, right)
    if node.op == "not":
        return not _truth(_evaluate(node.operands[0], before, after, reader))
    if node.op == "and":
        return all(_truth(_evaluate(item, before, after, reader)) for item in node.operands)
    return any(_truth(_evaluate(item, before, after, reader)) for item in node.operands)


def _call(node: Call, before: Any, after: Any, reader: Reader) -> Any:
    if node.name == "len":
        value = reader.value(after, node.path)
        if isinstance(value, (list, dict, str)):
            return len(value)
        return ABSENT
    if node.name == "absent":
        return reader.value(after, node.path) is ABSENT
    # changed/added/removed compare real values and show none: masked keys work too.
    old, new = lookup(before, node.path), lookup(after, node.path)
    if node.name == "added":
        return old is ABSENT and new is not ABSENT
    if node.name == "removed":
        return old is not ABSENT and new is ABSENT
    return not (old is ABSENT and new is ABSENT) and not same(old, new)  # changed


# -- over a history ---------------------------------------------------------------


@dataclass(frozen=True)
class WatchResult:
    """Where a watchpoint holds over the held events."""

    holds: tuple[int, ...]  # event numbers, oldest first

    @property
    def first(self) -> int | None:
        """The first held event where it is true: where it became true, as far as is held."""
        return self.holds[0] if self.holds else None


def scan(watch: Watch, events: list[tuple[int, Any, Any]], masker: Masker) -> WatchResult:
    """Evaluate ``watch`` on ``(seq, state_before, state_after)`` triples, oldest first."""
    reader = Reader(masker)
    return WatchResult(
        tuple(seq for seq, before, after in events if watch.holds(before, after, reader))
    )
