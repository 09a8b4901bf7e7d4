"""The masker's rules one by one: names, context, shapes, secrets known in an event,
error texts, project patterns; and that it stays linear and safe on any input."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from djust.time_travel import EventSnapshot

from ddt_timetravel.checks import check_mask_patterns, check_settings
from ddt_timetravel.core.diff import diff
from ddt_timetravel.core.masking import (
    MARK,
    Masker,
    PartlyMasked,
    contains_masked,
    is_masked,
    looks_secret,
)

SECRET = "Hunter2-Correct-Horse"


def shown(value):
    """What a renderer could print of a masked value."""
    return json.dumps(value, default=str, ensure_ascii=False)


# -- names -------------------------------------------------------------------------

NEW_NAMES = [
    "passcode",
    "pass",
    "pw",
    "pincode",
    "totp",
    "mfa_code",
    "recovery_codes",
    "bearer",
    "jwt",
    "signing_key",
    "encryption_key",
    "priv_key",
    "seed_phrase",
    "database_url",
    "dsn",
    "creds",
    "cardnumber",
]


def spellings(name: str) -> list[str]:
    """snake_case as written, camelCase, dashed and spaced."""
    words = name.split("_")
    camel = words[0] + "".join(word.title() for word in words[1:])
    return [name, camel, "-".join(words), " ".join(words), name.upper()]


@pytest.mark.parametrize("name", [s for n in NEW_NAMES for s in spellings(n)])
def test_every_listed_name_in_every_spelling_is_secret(name):
    assert looks_secret(name)
    assert looks_secret(f"user_{name}") or " " in name or "-" in name


@pytest.mark.parametrize(
    "name",
    ["token_count", "tokenCount", "passenger", "compass", "keyboard", "author", "pinned",
     "password_length", "passage", "username", "email", "bypass_cache"],
)  # fmt: skip
def test_ordinary_names_stay_visible(name):
    assert not looks_secret(name)


def test_mask_fields_match_in_any_spelling():
    masker = Masker(masked_names=["pet_name"])
    assert masker.is_secret_key("petName") and masker.is_secret_key("pet-name")
    assert not masker.is_secret_key("pet")


# -- context -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"field": "password", "value": SECRET, "_target": "password"},  # djust 1.2.6
        {"field_name": "password", "value": SECRET},  # older djust
        {"key": "api_key", "value": SECRET},
        {"name": "confirm_password", "value": SECRET},
        {"fieldName": "newPassword", "newValue": SECRET},
    ],
)
def test_a_value_beside_a_name_of_a_secret_is_masked(params):
    masked = Masker().mask(params)
    assert SECRET not in shown(masked)
    assert all(masked[k] == v for k, v in params.items() if v != SECRET)


def test_the_value_of_an_ordinary_field_stays_visible():
    params = {"field": "username", "value": "ada"}
    assert Masker().mask(params) == params


def test_name_value_pair_lists():
    state = {
        "fields": [{"name": "password", "value": SECRET}, {"name": "user", "value": "ada"}],
        "pairs": [["password", SECRET], ["user", "ada"]],
        "tags": ["token", "billing"],  # not a pair list: an ordinary list of words
    }
    masked = Masker().mask(state)
    assert SECRET not in shown(masked)
    assert masked["fields"][1] == {"name": "user", "value": "ada"}
    assert masked["pairs"][1] == ["user", "ada"]
    assert masked["tags"] == ["token", "billing"]


# -- shapes ------------------------------------------------------------------------

SHAPED = {
    "bearer": ("Bearer Zm9vYmFyLXRva2VuLTEyMzQ1Njc4", "Zm9vYmFyLXRva2VuLTEyMzQ1Njc4"),
    "jwt": (
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlF",
        "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
    ),
    "url": ("postgres://app:Pa55-w0rd@db.internal:5432/app", "Pa55-w0rd"),
    "query": ("https://x.test/cb?state=ok&access_token=abc123xyz", "abc123xyz"),
    "form": ("username=ada&password=Pa55-w0rd&remember=1", "Pa55-w0rd"),
    "repr": ("rejected {'api_key': 'k-77-secret-value'}", "k-77-secret-value"),
    "pem": (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----",
        "MIIEpAIBAAKCAQEA7",
    ),
    "pem cut short": ("key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhk", "MIIEvQIBADANBgkqhk"),
    "aws": ("AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    "github": ("ghp_" + "a1B2" * 9, "a1B2" * 9),
    "github pat": ("github_pat_11ABCDEFG0123456789_abcdefghijkl", "0123456789_abcdefghijkl"),
    "stripe": ("sk_live_51HxYzAbCdEfGhIjKl", "51HxYzAbCdEfGhIjKl"),
    "stripe restricted": ("rk_test_51HxYzAbCdEfGhIjKl", "51HxYzAbCdEfGhIjKl"),
    "slack": ("xoxb-123456789012-abcdefABCDEF", "123456789012-abcdefABCDEF"),
    "card in text": ("charge 4111 1111 1111 1111 declined", "4111 1111 1111 1111"),
}


@pytest.mark.parametrize("kind", SHAPED)
def test_secret_shaped_values_are_masked_under_any_name(kind):
    text, secret = SHAPED[kind]
    masked = Masker().mask({"note": text, "items": [f"see {text} here"]})
    assert secret not in shown(masked)
    assert contains_masked(masked["note"]) and contains_masked(masked["items"])


@pytest.mark.parametrize(
    "text",
    [
        "Bearer of bad news",
        "Basic information",
        "https://example.com/books?page=2&sort=title",
        "postgres://db.internal/app",
        "mailto:ada@example.com",
        "sk_live",
        "AKIA is a prefix",
        "order 1234 5678 shipped",
        "eyJ is how JSON starts in base64",
        "count=3&page=2",
        "-----BEGIN PUBLIC KEY-----",
    ],
)
def test_ordinary_values_of_the_same_shapes_stay_visible(text):
    assert Masker().mask({"note": text}) == {"note": text}


def test_a_string_that_is_all_secret_becomes_one_masked_value():
    masked = Masker().mask({"auth_header": "x", "h": "Bearer Zm9vYmFyLTEyMzQ1Njc4OTA="})
    assert isinstance(masked["h"], PartlyMasked) and masked["h"] == f"Bearer {MARK}"
    assert is_masked(Masker().mask({"k": "AKIAIOSFODNN7EXAMPLE"})["k"])


# -- secrets known in an event -----------------------------------------------------


def snapshot(params=None, before=None, after=None, error=None) -> EventSnapshot:
    return EventSnapshot("save", params or {}, 1, 1.7e9, before or {}, after or {}, error)


def test_a_secret_in_the_state_is_masked_everywhere_in_the_event():
    masker = Masker(masked_names=["nickname"])  # as time_travel_excluded_fields
    event = masker.event(
        snapshot(
            params={"text": SECRET, "other": f"x {SECRET} y"},
            before={"nickname": "old"},
            after={"nickname": SECRET, "log": [f"set to {SECRET}"], "copy": {"v": SECRET}},
            error=f"ValueError: {SECRET!r} rejected",
        )
    )
    everything = shown([event.params, event.state_before, event.state_after, event.error])
    assert SECRET not in everything
    assert event.params["other"] == f"x {MARK} y"
    assert event.error == f"ValueError: '{MARK}' rejected"


def test_a_secret_param_is_masked_in_the_state_and_the_error():
    masker = Masker()
    event = masker.event(
        snapshot(
            params={"field": "password", "value": SECRET},
            after={"form_data": {"password": SECRET}, "echo": SECRET},
            error=f"API rejected key {SECRET!r}",
        )
    )
    assert SECRET not in shown([event.params, event.state_after, event.error])


def test_short_known_secrets_are_masked_only_where_a_whole_value_equals_them():
    event = Masker().event(snapshot(params={"pin": "12"}, after={"a": "12", "b": "x12y"}))
    assert is_masked(event.state_after["a"]) and event.state_after["b"] == "x12y"


def test_an_error_text_goes_through_the_shape_rules():
    event = Masker().event(snapshot(error="Connection to postgres://app:Pa55w0rd@db/app failed"))
    assert "Pa55w0rd" not in event.error and event.error.startswith("Connection to postgres://app:")


def test_events_masked_together_share_their_secrets():
    first = snapshot(after={"password": SECRET})
    second = snapshot(after={"note": SECRET})
    assert Masker().event(second).state_after == {"note": SECRET}  # not secret in itself
    _, together = Masker().events([first, second])
    assert is_masked(together.state_after["note"])


def test_the_masked_copy_is_computed_once_and_the_recording_is_untouched():
    masker = Masker()
    recorded = snapshot(after={"password": SECRET, "rows": list(range(300))})  # not tiny
    assert masker.event(recorded) is masker.event(recorded)
    assert masker.event(masker.event(recorded)) is masker.event(recorded)
    assert recorded.state_after["password"] == SECRET


# -- masked values still diff ------------------------------------------------------


def test_masked_values_are_equal_exactly_when_the_real_ones_were():
    masker = Masker()
    a = masker.mask({"password": "one", "token": ["x", {"y": 1}]})
    b = masker.mask({"password": "one", "token": ["x", {"y": 1}]})
    c = masker.mask({"password": "two", "token": ["x", {"y": 2}]})
    assert diff(a, b) is None
    assert diff(a, c) is not None and shown(diff(a, c)).count("one") == 0
    assert masker.mask({"pin": 1})["pin"] != masker.mask({"pin": True})["pin"]
    assert masker.mask({"s": {"a": 1, "b": 2}})["s"] == masker.mask({"s": {"b": 2, "a": 1}})["s"]


# -- linear and safe on any input --------------------------------------------------


def test_deep_and_wide_inputs_mask_without_recursion():
    deep: object = SECRET
    for _ in range(50_000):
        deep = {"a": [deep]}
    masked = Masker().mask({"password": deep, "open": deep})
    assert is_masked(masked["password"])
    bottom = masked["open"]
    while isinstance(bottom, dict):
        bottom = bottom["a"][0]
    assert is_masked(bottom)  # known from the secret key, hidden at the bottom too
    wide = {"rows": [{"id": i, "token": f"t{i}"} for i in range(20_000)]}
    assert all(is_masked(row["token"]) for row in Masker().mask(wide)["rows"])


def test_a_long_text_is_scanned_in_linear_time():
    text = ("a=" * 50_000) + "==" + ("-----BEGIN PRIVATE KEY-----" * 2000)
    masked = Masker().mask({"note": text})  # finishes: no pattern backtracks badly
    assert "BEGIN PRIVATE KEY" not in masked["note"]


# -- project patterns --------------------------------------------------------------


def test_mask_patterns_hide_matches_or_their_first_group():
    with override_settings(DDT_TIMETRAVEL={"MASK_PATTERNS": [r"EMP-\d{6}", r"ref:(\w+)"]}):
        masker = Masker.for_view(None)
    masked = masker.mask({"note": "badge EMP-123456 ref:abc9 ok", "plain": "EMP-12"})
    assert masked == {"note": f"badge {MARK} ref:{MARK} ok", "plain": "EMP-12"}


def test_a_mask_pattern_that_does_not_compile_is_an_error_with_a_hint():
    messages = check_mask_patterns({"MASK_PATTERNS": [r"ok-\d+", r"bad(", ""]})
    assert [m.id for m in messages] == ["ddt_timetravel.E005", "ddt_timetravel.E005"]
    assert "bad(" in messages[0].msg and "missing )" in messages[0].msg
    assert messages[0].hint and "re.compile" in messages[0].hint
    assert check_mask_patterns({"MASK_PATTERNS": [r"ok-\d+"]}) == []
    assert check_settings({"MASK_PATTERNS": [r"ok-\d+"]}) == []
    assert [m.id for m in check_settings({"MASK_PATTERNS": "ok"})] == ["ddt_timetravel.E004"]
