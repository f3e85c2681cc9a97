"""What a run leaves in OUT, and how a command's errors are told apart: only argument errors are usage
errors (exit 2); any other ``ValueError`` from inside a command is an internal error (exit 1)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from peelextract.cli import main
from peelextract.publish import schemas
from peelextract.publish.dataset import build_dataset
from peelextract.publish.dataset_db import LOCK_NAME
from tests.conftest import SAMPLE_TXT


def test_no_zero_byte_duckdb_lock_is_left_in_out(tmp_path: Path) -> None:
    assert main(["extract", str(SAMPLE_TXT), "--out", str(tmp_path), "-q"]) == 0
    legacy = tmp_path / ".peel.duckdb.lock"
    assert not legacy.exists()
    assert (tmp_path / LOCK_NAME).parent == tmp_path / ".state"
    legacy.touch()  # left by an earlier version: the next writer tidies it away
    build_dataset(tmp_path)
    assert not legacy.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [".state"]


def test_dataset_messages_agree_in_number(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert main(["extract", str(SAMPLE_TXT), "--out", str(tmp_path), "--no-dataset", "-q"]) == 0
    with caplog.at_level(logging.INFO, logger="peelextract.publish.dataset_db"):
        build_dataset(tmp_path)
    assert caplog.messages[-1].endswith(": 1 report") and "1 reports" not in caplog.text


def test_a_value_error_inside_a_command_is_an_internal_error_not_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(out: Path) -> list[Path]:
        raise ValueError("could not convert string to float: 'x'")  # a bug, not the user's argument

    monkeypatch.setattr(schemas, "write_schemas", broken)
    assert main(["schema", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("peelextract: internal error: ValueError: could not convert") and "usage" not in err


def test_argument_errors_found_inside_a_command_are_still_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", str(tmp_path / "missing")]) == 2
    assert "usage error" in capsys.readouterr().err
    assert main(["extract", str(SAMPLE_TXT), "--out", str(tmp_path), "--round", "1999", "--no-dataset"]) == 2
    assert "usage error: unknown round '1999'" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "nope")]) == 2
