"""A writer killed mid-write (SIGKILL between its temp file and the rename) leaves a hidden temp file in OUT.
The next holder of OUT's lock finds the mark the dead writer left and removes such files; after a run that
ended well there is no mark, and OUT is not searched. Found by the kill-mid-batch test (a cache entry's
temp file outlived the killed ingest)."""

from __future__ import annotations

from pathlib import Path

from peelextract.outlock import ACTIVE, out_lock


def _leftovers(out: Path) -> list[Path]:
    cache = out / ".state" / "cache"
    cache.mkdir(parents=True)
    temps = [
        cache / ".abc-0.4.1.json.x1y2.tmp",
        out / ".peel.duckdb.123.ab.tmp.wal",
        out / "dataset" / ".r.parquet.q.tmp",
    ]
    for t in temps:
        t.parent.mkdir(parents=True, exist_ok=True)
        t.write_bytes(b"partial")
    (out / "notes.tmp").write_text("a user's own file, not hidden: kept")
    return temps


def test_temps_of_a_killed_writer_are_removed_by_the_next(tmp_path: Path) -> None:
    temps = _leftovers(tmp_path)
    (tmp_path / ACTIVE).touch()  # what a killed holder leaves
    with out_lock(tmp_path):
        assert (tmp_path / ACTIVE).exists()
        assert not any(t.exists() for t in temps)
    assert not (tmp_path / ACTIVE).exists()  # let go cleanly: no mark
    assert (tmp_path / "notes.tmp").exists()


def test_after_a_clean_run_out_is_not_searched(tmp_path: Path) -> None:
    temps = _leftovers(tmp_path)  # no mark: these are not a dead writer's (nothing searches for them)
    with out_lock(tmp_path):
        pass
    assert all(t.exists() for t in temps)
