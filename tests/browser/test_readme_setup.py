"""The README's "Add it to your project", followed as written, in a fresh project.

The code blocks are read out of README.md, so the README and this test cannot
drift apart: the install command runs in a fresh virtual environment (with the
built wheel for "path/to/ddt-timetravel"), the settings, URL and view blocks are
added to a project made by ``django-admin startproject`` that already uses djust,
``asgi.py`` is the README's, and ``manage.py check`` runs as step 6 says. Then
the used-by story runs there in Chromium: open the LiveView page, click, open the
Time Travel panel, see the row, restore.
"""

from __future__ import annotations

import re
import shlex
import sys
import textwrap
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from demo_harness import DemoServer
from tests.endpoints.test_packaging import build_wheel, clean_env, run
from tests.support import REPO_ROOT
from tests.support.browser_steps import open_time_travel, row, wait_for_live_view

pytestmark = [pytest.mark.slow, pytest.mark.browser]


README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
CHECKOUT = "path/to/ddt-timetravel"  # the README's stand-in for the package

# The project before the README: startproject's settings, plus djust as djust's own
# setup guide adds it, and an app with one LiveView.
EXISTING_DJUST_SETUP = """
INSTALLED_APPS = [*INSTALLED_APPS, "channels", "djust", "myapp"]
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
"""

VIEW_BODY = """
    template_name = "myapp/counter.html"
    login_required = False

    def mount(self, request, **kwargs):
        self.count = 0

    @event_handler()
    def increment(self, **kwargs):
        self.count += 1
"""

TEMPLATE = """{% load live_tags %}<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Counter</title>{% djust_client_config %}</head>
<body>
  <div dj-root dj-view="myapp.views.CounterView">
    <p id="count">{{ count }}</p>
    <button type="button" dj-click="increment">Increment</button>
  </div>
</body>
</html>
"""


def readme_blocks() -> list[tuple[str, str]]:
    """(language, code) of each fenced block under "## Add it to your project", dedented."""
    start = README.index("## Add it to your project\n")
    end = README.index("\n## ", start + 1)
    fence = re.compile(r"^( *)```(\w+)\n(.*?)^\1```$", re.MULTILINE | re.DOTALL)
    return [(match[2], textwrap.dedent(match[3])) for match in fence.finditer(README, start, end)]


def block(language: str, marker: str) -> str:
    """The one README block of ``language`` that contains ``marker``."""
    found = [code for lang, code in readme_blocks() if lang == language and marker in code]
    assert len(found) == 1, f"expected one {language} block with {marker!r}, found {found}"
    return found[0]


def shell_commands(code: str) -> list[list[str]]:
    """The commands of a ``sh`` block, comments and blank lines left out."""
    lines = [line.split("#", 1)[0].strip() for line in code.splitlines()]
    return [shlex.split(line) for line in lines if line]


def test_the_readme_blocks_are_found():
    """The control for the parsing: each step's block, in the README's order."""
    kinds = [lang for lang, _ in readme_blocks()]
    assert kinds == ["sh", "python", "python", "python", "python", "sh"], kinds
    assert shell_commands(block("sh", "pip install")) == [["pip", "install", CHECKOUT, "daphne"]]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def fresh_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment where the README's install command ran."""
    env_dir = tmp_path_factory.mktemp("fresh") / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    (command,) = shell_commands(block("sh", "pip install"))
    assert command[:2] == ["pip", "install"], command
    arguments = [str(wheel) if arg == CHECKOUT else arg for arg in command[2:]]
    # The dev environment's pip installs into the new one (it has none of its own);
    # pip's cache and configured indexes keep this quick.
    run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", *arguments],
        env=clean_env(),
    )
    return python


@pytest.fixture(scope="module")
def project(fresh_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A startproject project that uses djust, with the README's steps 2 to 5 applied."""
    root = tmp_path_factory.mktemp("project")
    bin_dir = fresh_python.parent
    run([str(bin_dir / "django-admin"), "startproject", "myproject", str(root)], env=clean_env())
    run([str(fresh_python), "manage.py", "startapp", "myapp"], cwd=root, env=clean_env())

    settings = root / "myproject" / "settings.py"
    settings.write_text(
        settings.read_text()
        + EXISTING_DJUST_SETUP
        + "\n# --- README step 2 ---\n"
        + block("python", "PANELS_DEFAULTS")
    )
    urls = root / "myproject" / "urls.py"
    urls.write_text(
        urls.read_text()
        + "\nfrom myapp.views import CounterView\n\n"
        + 'urlpatterns += [path("counter/", CounterView.as_view())]\n'
        + "\n# --- README step 3 ---\n"
        + block("python", "debug_toolbar.urls")
    )
    (root / "myproject" / "asgi.py").write_text(block("python", "ProtocolTypeRouter"))
    view = block("python", "time_travel_enabled")
    (root / "myapp" / "views.py").write_text(
        "from djust import LiveView\nfrom djust.decorators import event_handler\n\n\n"
        + view.rstrip("\n")
        + "\n"
        + VIEW_BODY
    )
    templates = root / "myapp" / "templates" / "myapp"
    templates.mkdir(parents=True)
    (templates / "counter.html").write_text(TEMPLATE)
    run(
        [str(fresh_python), "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=root,
        env=clean_env(),
    )
    return root


def test_step_6_check_passes_without_a_message_of_the_package(project: Path, fresh_python):
    (command,) = shell_commands(block("sh", "manage.py check"))
    assert command[:2] == ["python", "manage.py"], command
    result = run([str(fresh_python), *command[1:]], cwd=project, env=clean_env())
    output = result.stdout + result.stderr
    assert "ddt_timetravel." not in output, output
    venv_root = fresh_python.parent.parent
    where = run(
        [str(fresh_python), "-c", "import ddt_timetravel; print(ddt_timetravel.__file__)"],
        cwd=project,
        env=clean_env(),
    ).stdout
    assert Path(where.strip()).resolve().is_relative_to(venv_root.resolve()), where


@pytest.fixture(scope="module")
def server_url(project: Path, fresh_python: Path) -> Iterator[str]:
    """``manage.py runserver`` of the fresh project (daphne's, as the README sets it up)."""
    server = DemoServer(
        {**clean_env(), "PYTHONUNBUFFERED": "1"},
        project / "server.log",
        name="fresh project",
        command=[str(fresh_python), "manage.py"],
        cwd=project,
    )
    try:
        server.start()
        yield server.base_url
    finally:
        server.stop()
    assert "Traceback" not in server.log(), server.log()


def test_used_by_story_in_the_fresh_project(page, server_url):
    page.goto(f"{server_url}/counter/")
    wait_for_live_view(page)
    count = page.locator("#count")
    page.get_by_role("button", name="Increment", exact=True).click()
    expect(count).to_have_text("1")
    page.get_by_role("button", name="Increment", exact=True).click()
    expect(count).to_have_text("2")

    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event=increment]")).to_have_count(2)
    row(panel, 1).get_by_role("button", name="Restore before").click()
    expect(count).to_have_text("0")
    expect(row(panel, 1)).to_have_attribute("aria-current", "true")
