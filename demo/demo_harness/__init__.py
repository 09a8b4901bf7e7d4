"""The demo served in subprocesses, for the tests and the benchmarks alike.

:class:`DemoServer` starts ``manage.py runserver`` (daphne, as a developer runs
the demo) on a free loopback port with its own migrated SQLite file, waits until
it answers and stops it. :mod:`.cluster` runs several such workers around one
redis; :mod:`.clients` talks to them as a browser would, and :mod:`.chromium`
launches the real browser. Nothing here imports
pytest, so ``tests/`` and ``bench/`` share it without importing each other.
"""

from .server import DemoServer, ServerError, free_port, serve_demo, stop_process

__all__ = ["DemoServer", "ServerError", "free_port", "serve_demo", "stop_process"]
