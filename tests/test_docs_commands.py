"""Every shell command in docs/dataset.md runs as written after the README's two commands.

The README's main job leaves ``out/`` (the dataset) and ``.venv/bin/peelextract`` in the project folder.
Here a temp folder stands in for it: ``out/`` is extracted from the fixture reports, ``samples/`` links to
the project's, and ``.venv/bin/peelextract`` runs this checkout's CLI. Each ```sh block's commands then run
in order through bash, as a user would paste them; every one must exit 0, and every query must print rows.
The SQL blocks of the worked queries also run through ``peelextract sql`` (their results are checked in
tests/test_dataset.py).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from peelextract.cli import main
from tests.conftest import REPORTS, ROOT

DOC = ROOT / "docs" / "dataset.md"
PROGRAM = ".venv/bin/peelextract"
_SH = re.compile(r"^```sh\n(?P<code>.*?)^```", re.S | re.M)
_SQL = re.compile(r"^```sql\n(?P<code>.*?)^```", re.S | re.M)


def doc_commands() -> list[str]:
    """The commands of every ```sh block, in document order: one a line, ``\\`` continues a line."""
    commands: list[str] = []
    for block in _SH.finditer(DOC.read_text("utf-8")):
        for line in block["code"].replace("\\\n", " ").splitlines():
            if shlex.split(line, comments=True):
                commands.append(line)
    return commands


COMMANDS = doc_commands()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as the README's two commands leave the project: out/, samples/ and .venv/bin/peelextract."""
    root = tmp_path_factory.mktemp("project")
    texts = sorted(str(p) for p in REPORTS.glob("*.txt"))
    assert main(["extract", *texts, "--out", str(root / "out"), "-q"]) == 0
    (root / "samples").symlink_to(ROOT / "samples")
    program = root / PROGRAM
    program.parent.mkdir(parents=True)
    program.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m peelextract.cli "$@"\n', "utf-8")
    program.chmod(0o755)
    return root


def _env() -> dict[str, str]:
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path.rstrip(os.pathsep)}


def test_the_docs_have_commands_and_use_only_what_set_up_installs() -> None:
    assert len(COMMANDS) >= 8
    assert sum(" sql " in c for c in COMMANDS) >= 4
    for command in COMMANDS:
        assert command.startswith(f"{PROGRAM} "), f"not runnable after set-up: {command!r}"
    assert "duckdb -readonly" not in DOC.read_text("utf-8")  # no duckdb program is installed


def _rows_printed(command: str, stdout: str) -> int:
    """Rows of output a ``sql`` command printed, by its --format."""
    lines = stdout.splitlines()
    words = shlex.split(command, comments=True)
    fmt = words[words.index("--format") + 1] if "--format" in words else "table"
    if fmt == "csv":
        return len(lines) - 1  # the header
    if fmt == "json":
        return len(lines)
    m = re.fullmatch(r"\((\d+) rows?\)", lines[-1]) if lines else None
    assert m, f"no row count at the end of the table: {stdout[-200:]!r}"
    return int(m[1])


def test_every_command_runs(project: Path) -> None:
    """In document order, in one folder: the extract and build commands come before the queries."""
    for command in COMMANDS:
        done = subprocess.run(
            ["bash", "-c", command], cwd=project, capture_output=True, text=True, env=_env(), timeout=600
        )
        assert done.returncode == 0, f"{command}\nstdout: {done.stdout[-1000:]}\nstderr: {done.stderr[-2000:]}"
        assert done.stdout.strip(), f"{command} printed nothing"
        if " sql " in command:
            assert _rows_printed(command, done.stdout) > 0, f"{command} found no rows:\n{done.stdout}"
    assert (project / "out" / "export" / "peel.xlsx").is_file()


@pytest.mark.parametrize("sql", [m["code"] for m in _SQL.finditer(DOC.read_text("utf-8"))], ids=lambda s: s[:40])
def test_worked_sql_runs_through_peelextract_sql(project: Path, sql: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", str(project / "out"), "--format", "csv", sql]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header  # the columns are named even when no row matches these fixture reports
