"""The demo under a real ASGI server for browser tests: one per settings module.

Served by :class:`demo_harness.DemoServer` (daphne's ``runserver`` on a free
loopback port, its own migrated SQLite file); its log is printed when a test failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from demo_harness import DemoServer, ServerError

from .reports import print_uncaptured


def run_demo(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    settings_module: str = "demo_project.settings",
) -> Iterator[str]:
    """Run the demo with ``settings_module`` under daphne; yield its base URL.

    Its log is printed after the run when any test failed.
    """
    try:
        server = DemoServer.for_demo(tmp_path_factory.mktemp("demo-server"), settings_module)
        server.start()
    except ServerError as error:
        pytest.fail(str(error))
    try:
        yield server.base_url
    finally:
        server.stop()
    if request.session.testsfailed:
        print_uncaptured(
            request,
            f"\n--- demo server log ({server.log_path}) ---\n{server.log()}--- end of log ---",
        )


@pytest.fixture(scope="session")
def live_server_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT``) of the demo served by daphne's runserver."""
    yield from run_demo(request, tmp_path_factory)


@pytest.fixture(scope="session")
def light_dom_server_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo with the toolbar's shadow DOM off and ``UPDATE_ON_FETCH`` on."""
    yield from run_demo(request, tmp_path_factory, "tests.support.server_settings_light_dom")


@pytest.fixture(scope="session")
def long_history_server_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo holding 300 events per view: more than the panel's first page."""
    yield from run_demo(request, tmp_path_factory, "tests.support.server_settings_long_history")


@pytest.fixture(scope="session")
def csp_server_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo under a nonce-only ``style-src`` Content Security Policy."""
    yield from run_demo(request, tmp_path_factory, "tests.support.server_settings_csp")


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[DemoServer]:
    """The demo on a port of its own that stays the same when the test stops and
    starts it again (a server that goes away, and comes back)."""
    server = DemoServer.for_demo(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
