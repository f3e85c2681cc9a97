"""Atomic file writes: a reader sees the old file or the new one, never a partial one."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from peelextract.errors import PublishError

log = logging.getLogger(__name__)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file + fsync + rename; on any failure leave no temp file."""
    atomic_write_group([(path, data)])


def atomic_write_group(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files all or nothing: every temp file is written and synced before any is renamed.

    A report's ``.txt`` and ``.json`` go together: on a full disk neither replaces the old pair, so a
    JSON file never sits beside a text its offsets do not fit. Renames in one folder do not fail for
    want of space, so once they start they finish."""
    temps: list[tuple[str, Path]] = []
    where = files[0][0] if files else Path()
    try:
        for where, data in files:
            temps.append((_write_temp(where, data), where))
        for tmp, where in temps:
            os.replace(tmp, where)
    except OSError as exc:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise PublishError(str(where), f"cannot write {where.name} in {where.parent}: {_reason(exc)}") from exc


def _write_temp(path: Path, data: bytes) -> str:
    """A synced temp file beside ``path`` holding ``data``; removed again when writing it fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
        return "folder is read-only or not writable"
    return exc.strerror or str(exc)


def remove_stale_temps(out: Path) -> list[Path]:
    """Remove the temp files that writers killed mid-write left under ``out`` (``.<name>.<random>.tmp``,
    and a database build's ``.tmp.wal``); only call it while holding OUT's lock, when no writer is live.
    Returns what it removed."""
    removed: list[Path] = []
    for pattern in (".*.tmp", ".*.tmp.wal"):
        for path in out.rglob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return sorted(removed)
