"""Who may see a view: the browser that mounted it, or the same logged-in user."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from ddt_timetravel.ownership import ViewNotFound, find_view, may_see, parse_session_id
from demo_app.views import CounterView


class User:
    """A stand-in for an authenticated user: only ``pk`` and the flag matter."""

    is_authenticated = True

    def __init__(self, pk: int) -> None:
        self.pk = pk


class Session:
    def __init__(self, key: str | None) -> None:
        self.session_key = key


def request_from(session_key: str | None, user=None):
    request = RequestFactory().get("/")
    request.session = Session(session_key)
    request.user = user or AnonymousUser()
    return request


def view_mounted_by(session_key: str | None, user=None) -> CounterView:
    view = CounterView()
    view.request = request_from(session_key, user)
    view._django_session_key = session_key
    return view


def test_same_session_may_see():
    assert may_see(request_from("s1"), view_mounted_by("s1"))


def test_other_session_may_not():
    assert not may_see(request_from("s2"), view_mounted_by("s1"))


def test_no_session_on_either_side_may_not():
    assert not may_see(request_from(None), view_mounted_by(None))


def test_logged_in_owner_is_matched_by_user_not_session():
    view = view_mounted_by("before-login", User(7))
    assert may_see(request_from("after-login", User(7)), view)
    assert not may_see(request_from("before-login", User(8)), view)
    assert not may_see(request_from("before-login"), view)


def test_session_id_must_be_a_uuid():
    good = str(uuid.uuid4())
    assert parse_session_id(good) == good
    for bad in ["", None, "abc", "1; DROP TABLE", "../../etc"]:
        with pytest.raises(ValueError):
            parse_session_id(bad)


def test_unknown_session_is_not_found():
    with pytest.raises(ViewNotFound):
        find_view(request_from("s1"), str(uuid.uuid4()))
