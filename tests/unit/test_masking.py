"""What counts as secret, and that masking reaches every depth."""

from __future__ import annotations

import pytest
from django.test import override_settings
from djust.config import config as djust_config
from hypothesis import given, settings
from hypothesis import strategies as st

from ddt_timetravel.core.masking import (
    MASKED,
    NAMING_KEYS,
    SECRET_NAME_PAIRS,
    SECRET_NAME_PARTS,
    VALUE_KEYS,
    Masker,
    _compact_name,
    _normal,
    is_masked,
    looks_like_card_number,
    looks_secret,
    parts_look_secret,
)


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "Password",
        "new_password",
        "passwd",
        "api_token",
        "apiToken",
        "API_KEY",
        "api-key",
        "apikey",
        "client_secret",
        "auth",
        "authorization",
        "csrf_token",
        "sessionid",
        "session_key",
        "ssn",
        "credit_card",
        "cardNumber",
        "private_key",
        "cvv",
        "passwords",
        "api_keys",
        "secrets",
        "accesstoken",
        "clientsecret",
        "csrfmiddlewaretoken",
    ],
)
def test_secret_looking_names(name):
    assert looks_secret(name)


@pytest.mark.parametrize(
    "name",
    [
        "username",
        "email",
        "count",
        "items",
        "author",
        "passage",
        "keyboard",
        "tokenizer",
        "address",
    ],
)
def test_ordinary_names(name):
    assert not looks_secret(name)


def test_card_numbers_by_luhn():
    assert looks_like_card_number("4111 1111 1111 1111")
    assert looks_like_card_number("4111-1111-1111-1111")
    assert not looks_like_card_number("4111 1111 1111 1112")
    assert not looks_like_card_number("12345")
    assert not looks_like_card_number(4111111111111111)


def test_mask_reaches_nested_dicts_and_lists():
    masker = Masker()
    state = {
        "user": {"name": "ada", "password": "hunter2"},
        "rows": [{"id": 1, "api_key": "k-1"}, {"id": 2, "note": "4111 1111 1111 1111"}],
        "count": 3,
    }
    masked = masker.mask(state)
    assert masked["user"]["name"] == "ada" and masked["count"] == 3
    assert is_masked(masked["user"]["password"]) and is_masked(masked["rows"][0]["api_key"])
    assert is_masked(masked["rows"][1]["note"]) and masked["rows"][1]["id"] == 2
    assert state["user"]["password"] == "hunter2"  # the original is untouched


def test_view_excluded_fields_and_project_settings():
    class View:
        time_travel_excluded_fields = ["nickname"]

    previous_scrub = djust_config.get("bug_capture_default_scrub")
    djust_config.set("bug_capture_default_scrub", ["dob"])
    try:
        with override_settings(
            DDT_TIMETRAVEL={"MASK_FIELDS": ["pet_name"], "UNMASK_FIELDS": ["token_count"]}
        ):
            masker = Masker.for_view(View())
    finally:
        djust_config.set("bug_capture_default_scrub", previous_scrub)
    assert masker.is_secret_key("dob")
    assert not Masker.for_view(View()).is_secret_key("dob")
    assert masker.is_secret_key("nickname")
    assert masker.is_secret_key("PET_NAME")
    assert not masker.is_secret_key("token_count")
    assert masker.is_secret_key("token")


def test_masked_marker_text():
    assert str(MASKED) == "•••• masked"


# -- the quick scans decide exactly as the full rules ---------------------------------

_WORDS = sorted(
    SECRET_NAME_PARTS
    | {word for pair in SECRET_NAME_PAIRS for word in pair}
    | NAMING_KEYS
    | VALUE_KEYS
    | {"count", "user", "email", "id", "x", "KEY", "Field"}
)
_SEPARATORS = ["", "_", "-", " ", ".", "\t", "K", "ſ", "İ", "Σ", "7", "é"]  # Kelvin sign first


@st.composite
def key_names(draw: st.DrawFn) -> str:
    """Names built from secret, naming and value words, in any case, with odd separators."""
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3))
    pieces = []
    for word in words:
        case = draw(st.sampled_from([str.lower, str.upper, str.title, str.capitalize]))
        pieces += [case(word), draw(st.sampled_from(_SEPARATORS))]
    return "".join(pieces[:-1]) if draw(st.booleans()) else "".join(pieces)


def _reference_secret_name(masker: Masker, name: object) -> bool:
    """``Masker.is_secret_key`` spelled out, without any quick scan or memory."""
    lowered = str(name).lower()
    if lowered in masker.unmasked_names:
        return False
    if lowered in masker.masked_names or _normal(str(name)) in masker.masked_names:
        return True
    return parts_look_secret(str(name))


def _reference_secret_keys(masker: Masker, mapping: dict) -> set:
    """``Masker.secret_keys`` spelled out one key at a time."""
    found = {key for key in mapping if _reference_secret_name(masker, key)}
    if any(
        _compact_name(key) in NAMING_KEYS
        and isinstance(value, str)
        and 0 < len(value) <= 64
        and _reference_secret_name(masker, value)
        for key, value in mapping.items()
    ):
        found |= {key for key in mapping if _compact_name(key) in VALUE_KEYS}
    return found


@st.composite
def spelled_apart(draw: st.DrawFn) -> str:
    """A naming or value key with separators inside it: ``Field_Name``, ``new-val ue``."""
    word = draw(st.sampled_from(sorted(NAMING_KEYS | VALUE_KEYS)))
    cuts = draw(st.lists(st.integers(0, len(word)), max_size=3))
    for cut in sorted(cuts, reverse=True):
        word = word[:cut] + draw(st.sampled_from(["_", "-", " ", "\t"])) + word[cut:]
    return draw(st.sampled_from([str.lower, str.upper, str.title]))(word)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(key_names(), spelled_apart(), st.text(max_size=12)), min_size=1, max_size=12)
)
def test_the_quick_name_scans_decide_as_the_full_rules(names):
    for name in names:
        assert looks_secret(name) == parts_look_secret(name), name
    masker = Masker(masked_names=["pet name", "dob"], unmasked_names=["pin_hint"])
    mapping = {name: names[(i + 1) % len(names)] for i, name in enumerate(names)}
    mapping.update({1: "password", None: "x", 2.5: "token"})  # keys that are not strings
    expected = _reference_secret_keys(masker, mapping)
    assert masker.secret_keys(mapping) == expected
    assert masker.secret_keys(mapping) == expected  # again, from the names it remembers
    for key in mapping:
        assert masker.is_secret_key(key) == _reference_secret_name(masker, key), key
    for name in names:  # each name as the one naming a field, and as the one holding its value
        for pair in ({name: "password", "value": "x"}, {"field": "password", name: "x"}):
            assert masker.secret_keys(pair) == _reference_secret_keys(masker, pair), pair
