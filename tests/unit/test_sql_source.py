"""Where a query came from: the first frame of user code, and the template line behind it.

The queries here are stood in for by a call to :func:`query_source` from the place
an execute wrapper would call it; ``tests/endpoints/test_cost.py`` shows real
queries of djust's handlers and re-renders get the same names.
"""

from __future__ import annotations

from django.template import engines

from ddt_timetravel.recording.sql_source import _is_library, query_source, variable_line


def executed(in_render: bool) -> tuple[str, str]:
    """Stands where a query is run: query_source looks above its caller's caller."""
    return _execute_wrapper(in_render)


def _execute_wrapper(in_render: bool) -> tuple[str, str]:
    return query_source(in_render)


def line_of(function) -> int:
    return function.__code__.co_firstlineno + 2  # the line after the docstring


class Probe:
    """A context value whose attribute runs a "query" while a template renders it."""

    seen: tuple[str, str] = ("", "")

    @property
    def where(self) -> str:
        Probe.seen = executed(True)
        return "probed"


def test_the_caller_is_the_first_frame_outside_libraries():
    caller, template = executed(False)
    assert caller == f"{__file__}:{line_of(executed)} in executed"
    assert template == ""


def test_a_django_template_node_names_its_line():
    text = engines["django"].from_string("one\ntwo {{ probe.where }}\n").render({"probe": Probe()})
    assert "probed" in text
    caller, template = Probe.seen
    assert caller.endswith(f":{line_of(executed)} in executed")
    assert template == "<unknown source>:2"


def test_library_code_is_recognised_by_its_folder():
    assert _is_library("/venv/lib/python3.11/site-packages/django/db/models/query.py")
    assert _is_library("/venv/lib/python3.11/site-packages/djust/mixins/jit.py")
    assert _is_library("/usr/lib/python3.11/asyncio/events.py")
    assert _is_library("/usr/lib/python3.11/threading.py")
    assert not _is_library("/home/me/project/myapp/views.py")
    assert not _is_library(__file__)


def test_variable_line_finds_the_first_template_line_using_the_whole_name():
    assert variable_line("demo_app/counter.html", "count") == 6
    assert variable_line("demo_app/counter.html", "last_error") == 14
    assert variable_line("demo_app/counter.html", "coun") is None
    assert variable_line("demo_app/no_such_template.html", "count") is None
