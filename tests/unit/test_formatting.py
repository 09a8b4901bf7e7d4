"""Short text for values, sizes and durations: cut where a reader expects, never in a mark."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from ddt_timetravel.core.masking import MASKED, Masker
from ddt_timetravel.display.formatting import (
    COMPACT_LIMIT,
    clock_time,
    compact,
    compact_params,
    cut_point,
    describe_size,
    elapsed,
    human_bytes,
    pretty,
    shorten,
)


def test_shorten_keeps_short_text_and_cuts_long_text_to_the_limit():
    assert shorten("a" * COMPACT_LIMIT) == "a" * COMPACT_LIMIT
    cut = shorten("a" * (COMPACT_LIMIT + 1))
    assert cut == "a" * (COMPACT_LIMIT - 1) + "…"
    assert len(cut) == COMPACT_LIMIT


def test_a_cut_never_splits_the_mask_marker():
    marker = str(MASKED)
    text = "x" * 8 + marker + "tail"
    for at in range(9, 8 + len(marker)):
        assert cut_point(text, at) == 8, at
    assert cut_point(text, 8 + len(marker)) == 8 + len(marker)
    assert cut_point(text, 3) == 3
    assert shorten(text, 10) == "x" * 8 + "…"


def test_cut_point_finds_a_later_marker_after_an_earlier_one():
    marker = str(MASKED)
    text = marker + "--" + marker + "end"
    second = len(marker) + 2
    assert cut_point(text, second + 1) == second


def test_compact_names_masked_values_and_sizes_of_big_containers():
    assert compact(Masker().mask({"password": "hunter2"})["password"]) == str(MASKED)
    assert compact([1, 2, 3]) == "[1, 2, 3]"
    assert compact([1, 2, 3, 4]) == "[4 items]"
    assert compact({"a": 1, "b": 2, "c": 3}) == '{"a": 1, "b": 2, "c": 3}'
    assert compact({"a": 1, "b": 2, "c": 3, "d": 4}) == "{4 keys}"


def test_compact_cuts_a_long_string_inside_its_quotes():
    text = compact("é" * 100, limit=20)
    assert text == '"' + "é" * 18 + '…"'
    assert compact("short") == '"short"'


def test_pretty_is_indented_json_with_unicode_and_objects_as_text():
    assert pretty({"a": ["é", datetime.date(2024, 1, 2)]}) == (
        '{\n  "a": [\n    "é",\n    "2024-01-02"\n  ]\n}'
    )


def test_compact_params_leaves_out_djusts_own_params_and_cuts_each_value():
    params = {"_target": "button", "amount": 5, "label": "x" * 40}
    assert compact_params(params) == 'amount=5, label="' + "x" * 22 + '…"'
    assert compact_params({"a": 1, "b": "y" * 100}, limit=12) == 'a=1, b="yyy…'


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.0, "+0 ms"),
        (0.85, "+850 ms"),
        (0.9996, "+1000 ms"),
        (1, "+1.0 s"),
        (2.44, "+2.4 s"),
        (119.9, "+119.9 s"),
        (120, "+2 min"),
        (180, "+3 min"),
        (3600, "+60 min"),
    ],
)
def test_elapsed_switches_units_at_one_second_and_two_minutes(seconds, text):
    assert elapsed(seconds) == text


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1 KB"),
        (48 * 1024, "48 KB"),
        (1024 * 1024 - 1, "1024 KB"),
        (1024 * 1024, "1.0 MB"),
        (int(1.25 * 1024 * 1024), "1.2 MB"),
    ],
)
def test_human_bytes(count, text):
    assert human_bytes(count) == text


def test_describe_size_only_for_strings_too_long_to_show():
    assert describe_size("a" * COMPACT_LIMIT) == ""
    assert describe_size("a" * (COMPACT_LIMIT + 1)) == f"{COMPACT_LIMIT + 1} B"
    assert describe_size("é" * 1024) == "2 KB"  # bytes, not characters
    assert describe_size(list(range(1000))) == ""


@override_settings(USE_TZ=True, TIME_ZONE="Asia/Kolkata")
def test_clock_time_is_in_the_projects_time_zone_to_the_millisecond():
    moment = datetime.datetime(2024, 5, 6, 7, 8, 9, 45_900, tzinfo=datetime.timezone.utc)
    assert clock_time(moment.timestamp()) == "12:38:09.045"
