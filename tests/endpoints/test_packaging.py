"""The built wheel works on its own: templates and static files ship inside the package.

A checkout finds them through the ``ddt_timetravel/templates`` and ``static``
symlinks; an installed wheel must find them through Django's app-directory
template loader and static finder, with no checkout on ``sys.path``.
"""

from __future__ import annotations

import email.parser
import os
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

import ddt_timetravel
from tests.support import REPO_ROOT

pytestmark = pytest.mark.slow


EXPECTED_IN_WHEEL = [
    "ddt_timetravel/__init__.py",
    "ddt_timetravel/py.typed",
    "ddt_timetravel/panels.py",
    "ddt_timetravel/remote.py",
    "ddt_timetravel/core/__init__.py",
    "ddt_timetravel/core/numbering.py",
    "ddt_timetravel/recording/__init__.py",
    "ddt_timetravel/recording/install.py",
    "ddt_timetravel/display/__init__.py",
    "ddt_timetravel/display/rows.py",
    "ddt_timetravel/exchange/__init__.py",
    "ddt_timetravel/exchange/json_export.py",
    "ddt_timetravel/workers/__init__.py",
    "ddt_timetravel/workers/transport.py",
    "ddt_timetravel/workers/consumer.py",
    "ddt_timetravel/endpoints.py",
    "ddt_timetravel/templates/ddt_timetravel/panel.html",
    "ddt_timetravel/static/ddt_timetravel/panel.js",
    "ddt_timetravel/static/ddt_timetravel/panel.css",
]

SMOKE_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import django
    from django.conf import settings

    settings.configure(
        DEBUG=True,
        SECRET_KEY="wheel-smoke-test",
        ALLOWED_HOSTS=["127.0.0.1"],
        INTERNAL_IPS=["127.0.0.1"],
        ROOT_URLCONF="smoke_urls",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.staticfiles",
            "channels",
            "djust",
            "debug_toolbar",
            "ddt_timetravel",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
            }
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        STATIC_URL="/static/",
        USE_TZ=True,
        # The panel's URLs join the toolbar's (djdt namespace) only when it is listed.
        DEBUG_TOOLBAR_PANELS=["ddt_timetravel.panels.TimeTravelPanel"],
    )
    django.setup()

    import ddt_timetravel
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string

    venv = Path(sys.prefix).resolve()
    package_file = Path(ddt_timetravel.__file__).resolve()
    print("ddt_timetravel:", package_file)
    assert package_file.is_relative_to(venv), (
        f"ddt_timetravel was imported from {package_file}, not from the wheel in {venv}"
    )

    from ddt_timetravel.panels import TimeTravelPanel

    assert TimeTravelPanel.template == "ddt_timetravel/panel.html"
    html = render_to_string("ddt_timetravel/panel.html", {})
    assert html.strip(), "panel.html rendered empty"
    print("panel.html rendered:", len(html), "characters")

    for name in ("ddt_timetravel/panel.js", "ddt_timetravel/panel.css"):
        found = finders.find(name)
        assert found, f"the static finder cannot find {name}"
        where = Path(found).resolve()
        assert where.is_relative_to(venv), f"{name} found outside the wheel: {where}"
        print("static:", name, "->", found)
    print("WHEEL SMOKE OK")
    """
)

SMOKE_URLS = textwrap.dedent(
    """
    from django.urls import include, path

    urlpatterns = [path("__debug__/", include("debug_toolbar.urls"))]
    """
)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)
    if result.returncode != 0:
        pytest.fail(
            f"command failed (exit {result.returncode}): {' '.join(map(str, cmd))}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(var, None)
    return env


def build_wheel(outdir: Path) -> Path:
    """Build this checkout's wheel into ``outdir``, as a release would."""
    run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(outdir)],
        cwd=REPO_ROOT,
        env=clean_env(),
    )
    wheels = sorted(outdir.glob("ddt_timetravel-*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {outdir}, found {wheels}"
    return wheels[0]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("dist"))


def test_wheel_ships_templates_and_static_files(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())

    missing = [name for name in EXPECTED_IN_WHEEL if name not in names]
    assert not missing, f"missing from {wheel.name}: {missing}\nwheel holds: {sorted(names)}"
    # The checkout's top-level folders must not leak into site-packages as packages.
    stray = sorted(n for n in names if n.split("/")[0] in {"templates", "static", "tests", "demo"})
    assert not stray, f"top-level checkout folders in the wheel: {stray}"


def test_wheel_carries_the_package_version(wheel: Path) -> None:
    """The version is written once, in the package; the wheel's metadata reads it there."""
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        headers = email.parser.HeaderParser().parsestr(archive.read(metadata).decode())
    assert headers["Version"] == ddt_timetravel.__version__


def test_installed_wheel_renders_panel_and_finds_static_files(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")

    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            str(wheel),
        ],
        env=clean_env(),
    )

    # Make the dependencies (Django, the toolbar, djust, channels) importable from
    # the dev environment. A plain path line in a .pth file is added to sys.path as
    # is: the .pth files inside it (the editable install of this checkout) are not
    # processed, so `import ddt_timetravel` can only find the wheel.
    fresh_site = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            env=clean_env(),
        ).stdout.strip()
    )
    dev_site = sysconfig.get_paths()["purelib"]
    (fresh_site / "zz_ddt_timetravel_dev_deps.pth").write_text(dev_site + "\n")

    workdir = tmp_path / "outside-the-repo"
    workdir.mkdir()
    (workdir / "smoke.py").write_text(SMOKE_SCRIPT)
    (workdir / "smoke_urls.py").write_text(SMOKE_URLS)

    result = run([str(python), "-E", "-s", "smoke.py"], cwd=workdir, env=clean_env())

    assert "WHEEL SMOKE OK" in result.stdout, result.stdout + result.stderr
    assert str(env_dir.resolve()) in result.stdout
