"""The CLI as a whole command: exit codes, failures named on stderr, no partial output, byte-identical reruns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPORTS, SAMPLE_TXT

CLI = [sys.executable, "-m", "peelextract.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


def test_extract_writes_json_and_txt_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = run("extract", str(SAMPLE_TXT), "--out", str(out), "--no-dataset")
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        ".state",  # the source, kept for the review site
        "cleveland-police-2021-22.json",
        "cleveland-police-2021-22.txt",
    ]


def test_one_bad_input_exits_1_names_it_and_the_others_are_written(tmp_path: Path) -> None:
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    notpeel = tmp_path / "minutes.txt"
    notpeel.write_text("Minutes of the parish council meeting.\nThe hall roof was discussed.\n")
    out = tmp_path / "out"
    res = run("extract", str(bad), str(SAMPLE_TXT), str(notpeel), "--out", str(out), "--no-dataset")
    assert res.returncode == 1
    assert "empty.pdf" in res.stderr and "empty file" in res.stderr
    assert "minutes.txt" in res.stderr and "not a PEEL report" in res.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        ".state",  # the source, kept for the review site
        "cleveland-police-2021-22.json",
        "cleveland-police-2021-22.txt",
    ]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("extract", str(SAMPLE_TXT)).returncode == 2  # --out missing
    assert run("nonsense").returncode == 2
    res = run("extract", str(SAMPLE_TXT), "--out", str(tmp_path), "--round", "1999")
    assert res.returncode == 2 and "unknown round" in res.stderr


def test_output_is_byte_identical_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "12345"):
        out = tmp_path / f"out{seed}"
        res = run("extract", str(SAMPLE_TXT), "--out", str(out), "--no-dataset", env={"PYTHONHASHSEED": seed})
        assert res.returncode == 0, res.stderr
        outputs.append({str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def test_extract_does_not_import_prefect(tmp_path: Path) -> None:
    code = (
        "import sys; from peelextract.cli import main; "
        f"rc = main(['extract', {str(SAMPLE_TXT)!r}, '--out', {str(tmp_path)!r}, '--no-dataset', '-q']); "
        "print(rc, 'prefect' in sys.modules)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.stdout.split() == ["0", "False"], res.stderr


def test_extract_honours_the_limits_in_the_environment(tmp_path: Path) -> None:
    """README "What happens to bad input": PEELEXTRACT_MAX_* bound `extract` too (issue 13: it ignored them)."""
    pdf = REPORTS / "cleveland-police_peel-2021-22.pdf"  # 30 pages
    out = tmp_path / "out"
    res = run("extract", str(pdf), "--out", str(out), "--no-dataset", env={"PEELEXTRACT_MAX_PAGES": "5"})
    assert res.returncode == 1
    assert f"{pdf}: PDF has 30 pages; the limit is 5" in res.stderr
    assert not out.exists() or not any(out.iterdir())
    res = run("extract", str(SAMPLE_TXT), "--out", str(out), "--no-dataset", env={"PEELEXTRACT_MAX_CHARS": "1000"})
    assert res.returncode == 1 and "more than the limit of 1000 characters" in res.stderr
    assert run("extract", str(SAMPLE_TXT), "--out", str(out), "--no-dataset").returncode == 0  # unset: defaults


def test_an_invalid_setting_is_a_usage_error_naming_the_variable(tmp_path: Path) -> None:
    res = run("extract", str(SAMPLE_TXT), "--out", str(tmp_path), env={"PEELEXTRACT_MAX_PAGES": "abc"})
    assert res.returncode == 2
    assert res.stderr.strip() == (
        "peelextract: usage error: PEELEXTRACT_MAX_PAGES must be a whole number, 1 or more; found 'abc'"
    )
    assert not any(tmp_path.iterdir())


def test_extract_line_says_1_warning_not_1_warnings(tmp_path: Path) -> None:
    """The success line's counts agree in number with their nouns (the sample report has one warning)."""
    res = subprocess.run(
        [sys.executable, "-m", "peelextract.cli", "extract", str(SAMPLE_TXT), "--out", str(tmp_path), "--no-dataset"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.rstrip().endswith("(10 grades, 12 case counts, 8 CI percentages, 1 warning)"), res.stdout
