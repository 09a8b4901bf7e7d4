"""Which LiveViews a rendered page names: from its HTML only, bounded, importing nothing."""

from __future__ import annotations

import sys

from ddt_timetravel.page import MAX_VIEWS, time_travel_enabled, views_on_page


def test_views_in_page_order_without_repeats():
    html = (
        b'<div dj-view="demo_app.views.CounterView"></div>'
        b'<div dj-view="demo_app.views.TodosView">'
        b'<span dj-view="demo_app.views.CounterView"></span></div>'
    )
    assert views_on_page(html) == ["demo_app.views.CounterView", "demo_app.views.TodosView"]


def test_only_dotted_python_names_are_read():
    html = b'<p dj-view="9bad"></p><p dj-view="a.b c"></p><p dj-view="ok.View"></p>'
    assert views_on_page(html) == ["ok.View"]
    assert views_on_page(b"<p>no views</p>") == []


def test_a_page_naming_many_views_is_read_up_to_the_cap():
    html = b"".join(b'<div dj-view="app.views.V%d"></div>' % i for i in range(MAX_VIEWS + 5))
    found = views_on_page(html)
    assert found == [f"app.views.V{i}" for i in range(MAX_VIEWS)]


def test_repeats_do_not_count_towards_the_cap():
    html = b'<div dj-view="app.views.Same"></div>' * (MAX_VIEWS + 1) + b'<i dj-view="app.Other">'
    assert views_on_page(html) == ["app.views.Same", "app.Other"]


def test_time_travel_enabled_reads_loaded_classes_only():
    import demo_app.views  # noqa: F401 - the page rendered it, so it is loaded

    assert time_travel_enabled("demo_app.views.CounterView") is True
    assert time_travel_enabled("demo_app.views.NotAView") is None
    assert time_travel_enabled("demo_app.views.MAX_VIEWS_IS_NO_CLASS") is None
    assert time_travel_enabled("ddt_timetravel.page.MAX_VIEWS") is None
    assert time_travel_enabled("ddt_timetravel.core.masking.Masker") is False  # no attribute


def test_a_module_that_is_not_loaded_is_never_imported():
    name = "demo_app.never_imported_by_a_page"
    assert name not in sys.modules
    assert time_travel_enabled(f"{name}.View") is None
    assert name not in sys.modules
