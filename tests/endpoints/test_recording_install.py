"""The turn measurement is installed only where the panel can show it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support import REPO_ROOT

PROBE = """
import json
import django
django.setup()
from django.db import connection, connections
from djust.mixins.template import TemplateMixin
from djust.websocket import LiveViewConsumer
from ddt_timetravel.recording.turns import record_query
connection.ensure_connection()
print(json.dumps({
    "connections": [record_query in c.execute_wrappers for c in connections.all()],
    "consumer": [
        getattr(getattr(LiveViewConsumer, name), "_ddt_timetravel_measured", False)
        for name in ("_dispatch_runtime_owned", "handle_forward_replay", "_send_frame")
    ],
    "template": getattr(TemplateMixin.render_with_diff, "_ddt_timetravel_measured", False),
}))
"""


def probe(case: str, tmp_path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.support.settings_recording_cases",
        "DDT_TT_RECORDING_CASE": case,
        "DDT_TT_TEST_DB_PATH": str(tmp_path / "probe.sqlite3"),
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "demo")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_installed_where_the_panel_is_shown(tmp_path):
    found = probe("shown", tmp_path)
    assert found == {"connections": [True], "consumer": [True, True, True], "template": True}


@pytest.mark.parametrize("case", ["debug_off", "unlisted", "disabled"])
def test_nothing_on_connections_or_djust_where_the_panel_cannot_show(case, tmp_path):
    found = probe(case, tmp_path)
    assert found == {"connections": [False], "consumer": [False] * 3, "template": False}
