"""The watch expression language: parsing, truth tables, absent and masked paths."""

from __future__ import annotations

import operator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddt_timetravel.core.masking import Masker
from ddt_timetravel.core.watch import BadExpression, parse, parse_path, scan

MASKER = Masker()
NUMBERS = st.integers(min_value=-1000, max_value=1000)
OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def holds(text: str, after: dict, before: dict | None = None) -> bool:
    return parse(text).holds(before or {}, after, MASKER)


@given(a=NUMBERS, b=NUMBERS, op=st.sampled_from(sorted(OPERATORS)))
def test_comparisons_follow_arithmetic(a: int, b: int, op: str) -> None:
    assert holds(f"count {op} {b}", {"count": a}) is OPERATORS[op](a, b)


@given(x=st.booleans(), y=st.booleans(), z=st.booleans())
def test_logic_follows_python_precedence(x: bool, y: bool, z: bool) -> None:
    state = {"x": x, "y": y, "z": z}
    assert holds("x or y and not z", state) is (x or (y and not z))
    assert holds("(x or y) and z", state) is ((x or y) and z)
    assert holds("not (x and y)", state) is (not (x and y))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cart.items[id=3].qty == 2", True),
        ("cart.items[id=4].qty == 2", False),
        ("rows[1] == 'b'", True),
        ('rows[-1] == "c"', True),
        ('["odd key"] == 1', True),
        ("'b' in rows", True),
        ("'z' not in rows", True),
        ("'ell' in name", True),
        ("'cart' in settings_", False),
        ("len(rows) == 3 and len(name) == 5", True),
        ("len(count) > 0", False),
        ("flag == true and nothing == null", True),
        ("ratio >= 0.5", True),
    ],
)
def test_paths_in_the_panels_syntax(text: str, expected: bool) -> None:
    state = {
        "cart": {"items": [{"id": 3, "qty": 2}, {"id": 5, "qty": 1}]},
        "rows": ["a", "b", "c"],
        "odd key": 1,
        "name": "hello",
        "count": 4,
        "flag": True,
        "nothing": None,
        "ratio": 0.5,
    }
    assert holds(text, state) is expected


@given(op=st.sampled_from(sorted(OPERATORS)), value=NUMBERS)
def test_an_absent_path_is_never_equal_or_ordered(op: str, value: int) -> None:
    assert holds(f"missing.deeper {op} {value}", {"count": 1}) is False
    assert holds("absent(missing.deeper)", {"count": 1}) is True
    assert holds("absent(count)", {"count": 1}) is False


@given(secret=st.text(min_size=1, max_size=12), op=st.sampled_from(sorted(OPERATORS)))
def test_a_masked_value_never_decides_a_comparison(secret: str, op: str) -> None:
    """Otherwise a watchpoint could be used to guess a password character by character."""
    quoted = '"' + secret.replace("\\", "\\\\").replace('"', '\\"') + '"'
    for text in (f"password {op} {quoted}", f"{quoted} in password", f"len(password) {op} 3"):
        assert holds(text, {"password": secret}) is False
    assert holds("card == '4111 1111 1111 1111'", {"card": "4111 1111 1111 1111"}) is False


def test_changed_added_and_removed_compare_the_two_states() -> None:
    before = {"count": 1, "password": "a", "items": [{"id": 1}]}
    after = {"count": 2, "password": "b", "items": [{"id": 2}]}
    assert holds("changed(count)", after, before)
    assert holds("changed(password)", after, before)  # "changed" is shown for masked keys too
    assert holds("added(items[id=2]) and removed(items[id=1])", after, before)
    assert not holds("changed(count)", before, before)
    assert not holds("changed(missing)", after, before)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("count >", 8),
        ("(count > 1", 11),
        ("count === 3", 9),
        ("len(3)", 5),
        ("count > 3 and", 14),
        ("'unterminated", 1),
        ("count > 3 )", 11),
        ("", 1),
    ],
)
def test_errors_point_at_the_position(text: str, position: int) -> None:
    with pytest.raises(BadExpression) as caught:
        parse(text)
    assert caught.value.position + 1 == position
    assert f"position {position}" in str(caught.value)


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_any_text_parses_or_says_where_it_went_wrong(text: str) -> None:
    try:
        watch = parse(text)
    except BadExpression as exc:
        assert 0 <= exc.position <= len(text)
    else:
        watch.holds({}, {"count": 1, "items": [1, 2]}, MASKER)


def test_nesting_and_length_are_bounded() -> None:
    with pytest.raises(BadExpression, match="Nested more than"):
        parse("(" * 100 + "x" + ")" * 100)
    with pytest.raises(BadExpression, match="longer than"):
        parse("x == 1 or " * 100 + "x == 2")
    with pytest.raises(BadExpression, match="Nested more than"):
        parse("not " * 100 + "x")


def test_paths_parse_to_the_diffs_parts() -> None:
    assert parse_path('cart.items[id=3].qty["a b"][2]')[0] == (
        "cart",
        "items",
        ("id", 3),
        "qty",
        "a b",
        2,
    )
    assert parse_path('users[id="u-1"].name')[0] == ("users", ("id", "u-1"), "name")


def test_scan_finds_where_it_first_became_true_and_every_event_where_it_holds() -> None:
    counts = [1, 4, 5, 2, 7]
    events = [
        (seq, {"count": counts[i - 1] if i else 0}, {"count": c})
        for i, (seq, c) in enumerate(zip(range(10, 15), counts, strict=True))
    ]
    result = scan(parse("count > 3"), events, MASKER)
    assert result.holds == (11, 12, 14)
    assert result.first == 11
    assert scan(parse("count > 100"), events, MASKER).first is None
    assert scan(parse("count > 0"), events, MASKER).first == 10
