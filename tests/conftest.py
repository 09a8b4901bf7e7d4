"""The tests' fixtures and hooks, each in a plugin of its own under ``tests/support``.

Three levels of real parts (see DESIGN.md, "Principles"):

* ``live_socket`` / ``open_live_socket`` (:mod:`tests.support.live_socket`): djust's
  own ``LiveViewConsumer`` behind the demo's ASGI application, over channels'
  ``WebsocketCommunicator`` with a real Django session cookie.
* ``live_server_url`` and its variants (:mod:`tests.support.demo_servers`): the demo
  under daphne's ``runserver`` in a subprocess, served by ``demo_harness``;
  ``demo_server``, one a test may stop and start again.
* ``browser`` / ``page`` (:mod:`tests.support.browser`): Playwright driving Debian's
  Chromium. Missing Chromium skips locally and fails on CI (``CI=true``).

:mod:`tests.support.reports` keeps each phase's report for failure diagnostics and
refuses skipped browser tests on CI; :mod:`tests.support.repository_guard` fails a
run that wrote into the checkout, and :mod:`tests.support.hypothesis_home` keeps
Hypothesis's files out of it.
"""

pytest_plugins = [
    "tests.support.reports",
    "tests.support.repository_guard",
    "tests.support.hypothesis_home",
    "tests.support.live_socket",
    "tests.support.demo_servers",
    "tests.support.browser",
]
