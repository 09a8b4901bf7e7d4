"""Mutation testing of the core modules with mutmut: ``make mutate``.

mutmut writes its mutants and results into ``mutants/`` of the folder it runs
in, so the run happens in a copy of this checkout under the system's temporary
folder: the checkout itself is never written to, and the work in it can go on.
The copy holds the files git knows (tracked, or new and not ignored), as they
are now. What to mutate and which tests run is in ``[tool.mutmut]`` of
``pyproject.toml``.

Prints the mutants that survived, each with its diff, and a one-line count;
exits 1 when any survived. ``--keep`` keeps the copy, for ``mutmut browse``;
mutant names (``"ddt_timetravel.core.diff*"``) limit the run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).with_name("mutmut")
#: Statuses of mutants no test failed on: "no tests" means none even ran the code.
SURVIVED = frozenset({"survived", "no tests"})
RESULT_LINE = re.compile(r"^\s*(\S+): (.+)$")


def checkout_files() -> list[str]:
    """The files git knows in this checkout: tracked, or new and not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (REPO_ROOT / name).exists()]


def copy_checkout(target: Path) -> None:
    """Copy the checkout's files; symlinks (the package's templates and static) stay links."""
    for name in checkout_files():
        source, destination = REPO_ROOT / name, target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            destination.symlink_to(os.readlink(source))
        elif source.is_file():
            shutil.copy2(source, destination)


def results(workdir: Path) -> dict[str, str]:
    """Each mutant's name and status (killed, survived, timeout, ...) from ``mutmut results``."""
    listed = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = (RESULT_LINE.match(line) for line in listed.splitlines())
    return {match[1]: match[2] for match in found if match}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the copy (mutmut browse)")
    parser.add_argument(
        "--max-children", type=int, default=os.cpu_count() or 2, help="mutants run at once"
    )
    parser.add_argument(
        "names", nargs="*", help='only these mutants, e.g. "ddt_timetravel.core.diff*"'
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ddt-tt-mutate-"))
    try:
        copy_checkout(workdir)
        log = workdir / "mutmut.log"
        print(f"mutmut runs in {workdir} (progress in {log})", flush=True)
        with log.open("w") as out:
            run = subprocess.run(
                [str(MUTMUT), "run", "--max-children", str(args.max_children), *args.names],
                cwd=workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "CI": ""},
            )
        if run.returncode != 0:
            print(log.read_text(errors="replace")[-4000:])
            print(f"mutmut run failed (exit {run.returncode})")
            return run.returncode
        statuses = results(workdir)
        statuses = {name: status for name, status in statuses.items() if status != "not checked"}
        survivors = sorted(name for name, status in statuses.items() if status in SURVIVED)
        for name in survivors:
            shown = subprocess.run(
                [str(MUTMUT), "show", name], cwd=workdir, capture_output=True, text=True
            )
            print(shown.stdout)
        counts = Counter(statuses.values())
        summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        print(f"{len(statuses)} mutants: {summary}")
        return 1 if survivors else 0
    finally:
        if args.keep:
            print(f"kept {workdir}: cd there and run {MUTMUT} browse")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
