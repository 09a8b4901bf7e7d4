"""What counts as secret, and that masking reaches every depth."""

from __future__ import annotations

import pytest
from django.test import override_settings
from djust.config import config as djust_config

from ddt_timetravel.masking import (
    MASKED,
    Masker,
    is_masked,
    looks_like_card_number,
    looks_secret,
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
