"""The state tree walked one level at a time: paths checked, pages bounded, secrets closed."""

from __future__ import annotations

import json

import pytest

from ddt_timetravel.core.masking import MASKED, Masker, is_masked
from ddt_timetravel.display.state_tree import (
    MAX_DEPTH,
    MAX_PATH_LENGTH,
    PAGE_SIZE,
    BadPath,
    children,
    full_text,
    key_parts,
    parse_path,
    resolve,
)

STATE = {
    "count": 3,
    "todos": [{"id": 7, "text": "milk"}, {"id": 9, "text": "eggs"}],
    "tags": ["a", "b"],
    "profile": {"name": "Ada", "password": "hunter2", "empty": {}},
}


def test_parse_path_reads_keys_positions_and_ids():
    assert parse_path(None) == []
    assert parse_path("") == []
    assert parse_path('["todos", {"id": 7}, "text"]') == ["todos", {"id": 7}, "text"]
    assert parse_path('["tags", 1]') == ["tags", 1]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "must be a JSON list."),
        ('{"a": 1}', f"a JSON list of at most {MAX_DEPTH} parts"),
        (json.dumps(["a"] * (MAX_DEPTH + 1)), f"at most {MAX_DEPTH} parts"),
        ("[[1]]", "Path parts must be keys"),
        ("[true]", "Path parts must be keys"),
        ("[1.5]", "Path parts must be keys"),
        ('[{"id": 1, "x": 2}]', "Path parts must be keys"),
        ('[{"pk": 1}]', "Path parts must be keys"),
        ("[" * 40 + "]" * 40, f"at most {MAX_DEPTH} parts"),
        (json.dumps(["k" * MAX_PATH_LENGTH]), f"at most {MAX_DEPTH} parts"),
    ],
)
def test_a_malformed_path_is_refused(raw, message):
    with pytest.raises(BadPath, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_path(raw)


def test_a_path_of_the_longest_allowed_length_is_read():
    raw = json.dumps(["k" * (MAX_PATH_LENGTH - 4)])
    assert len(raw) == MAX_PATH_LENGTH
    assert parse_path(raw) == ["k" * (MAX_PATH_LENGTH - 4)]


def test_resolve_follows_keys_positions_and_ids():
    masker = Masker()
    assert resolve(STATE, [], masker) is STATE
    assert resolve(STATE, ["todos", {"id": 9}, "text"], masker) == "eggs"
    assert resolve(STATE, ["tags", 1], masker) == "b"
    for missing in (["nope"], ["tags", 2], ["tags", -1], ["todos", {"id": 1}], ["count", "x"]):
        with pytest.raises(BadPath, match="Nothing is recorded at that path"):
            resolve(STATE, missing, masker)


def test_resolve_stops_at_a_secret_key_without_walking_into_it():
    masker = Masker()
    state = {"password": {"inner": "x"}}
    assert resolve(state, ["password", "inner"], masker) is MASKED
    assert resolve(STATE, ["profile", "password"], masker) is MASKED
    assert resolve(STATE, ["profile", "password", "anything"], masker) is MASKED


def test_children_of_a_dict_label_size_and_mask_each_item():
    items, more = children(STATE["profile"], ["profile"], Masker(), base=("profile",))
    assert more == 0
    assert [(i.label, i.text, i.expandable, i.masked) for i in items] == [
        ("name", '"Ada"', False, False),
        ("password", str(MASKED), False, True),
        ("empty", "{}", False, False),
    ]
    assert items[0].path == '["profile", "name"]'
    assert items[0].key_path == "profile.name"
    assert items[1].path == ""  # a secret cannot be asked for


def test_children_of_a_list_name_items_with_ids_by_their_id():
    items, _ = children(STATE["todos"], ["todos"], Masker(), base=("todos",))
    assert [i.label for i in items] == ["[0]", "[1]"]
    assert [i.key_path for i in items] == ["todos[id=7]", "todos[id=9]"]
    assert [json.loads(i.path) for i in items] == [["todos", 0], ["todos", 1]]
    assert all(i.expandable for i in items)
    tags, _ = children(STATE["tags"], ["tags"], Masker(), base=("tags",))
    assert [i.key_path for i in tags] == ["tags[0]", "tags[1]"]


def test_children_come_a_page_at_a_time():
    big = list(range(PAGE_SIZE * 2 + 5))
    first, more = children(big, [], Masker())
    assert len(first) == PAGE_SIZE and more == PAGE_SIZE + 5
    last, more = children(big, [], Masker(), offset=PAGE_SIZE * 2)
    assert [i.label for i in last] == [f"[{n}]" for n in range(PAGE_SIZE * 2, PAGE_SIZE * 2 + 5)]
    assert more == 0
    keys = {f"k{n}": n for n in range(PAGE_SIZE + 1)}
    page, more = children(keys, [], Masker())
    assert (len(page), more) == (PAGE_SIZE, 1)
    assert children(5, [], Masker()) == ([], 0)


def test_a_long_string_is_expandable_and_says_its_size():
    (item,), _ = children({"bio": "x" * 2048}, [], Masker())
    assert item.expandable and item.size == "2 KB"
    assert full_text("x" * 2048, Masker()) == "x" * 2048


def test_full_text_masks_a_card_number_and_shows_other_values_whole():
    assert is_masked(Masker().mask("4111 1111 1111 1111"))
    assert full_text("4111 1111 1111 1111", Masker()) == str(MASKED)
    assert full_text(12345, Masker()) == "12345"
    assert full_text(None, Masker()) == "null"


def test_key_parts_name_list_items_by_id_where_they_have_one():
    assert key_parts(["todos", 1, "text"], STATE) == ("todos", ("id", 9), "text")
    assert key_parts(["todos", {"id": 7}], STATE) == ("todos", ("id", 7))
    assert key_parts(["tags", 0], STATE) == ("tags", 0)
    assert key_parts(["gone", 0, "x"], STATE) == ("gone", 0, "x")
