"""Describe the machine and the software a benchmark run measured."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGES = ("django", "djust", "django-debug-toolbar", "channels", "daphne", "playwright")
CHROMIUM = Path("/usr/bin/chromium")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _chromium() -> str:
    if not CHROMIUM.exists():
        return "not installed"
    try:
        completed = subprocess.run(
            [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30
        )
        return completed.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def describe() -> str:
    """A Markdown list: CPU, memory, OS, Python, the packages measured, load."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        "## Machine",
        "",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} logical CPUs; memory {_memory()}",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()})",
        "- " + ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
        f"- Browser: {_chromium()}",
        f"- Load average at start (1, 5, 15 min): {load}",
        "",
    ]
    return "\n".join(lines)
