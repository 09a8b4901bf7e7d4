"""Hypothesis keeps its files (example database, Unicode tables) outside the checkout.

By default it writes ``.hypothesis/`` into the folder pytest runs in; here it
goes to a folder of the system's temporary directory, kept between runs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir


def pytest_configure(config: pytest.Config) -> None:
    set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "ddt-timetravel-hypothesis"))
