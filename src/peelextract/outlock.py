"""OUT's lock: one command at a time writes an output folder (``extract``, an ingestion run).

An exclusive ``flock`` on the folder itself (no lock file to leave behind): the kernel releases it when its
holder exits, however it exits (SIGKILL included), so a killed run never leaves OUT locked. A second command
on a locked OUT says so on stderr and waits for the first to finish, then runs: both succeed, each report is
written once (the second finds the first's outputs and cache).

Every write is a temp file renamed into place, so a writer killed mid-write leaves no partial output, but
may leave its hidden temp file. The holder marks OUT while it writes (``.peelextract-writing``, removed when
it lets go); a holder that finds the mark left behind knows the last writer died and removes the temp files
it left (``publish.files.remove_stale_temps``): nothing to search in OUT when the last run ended well.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from peelextract.errors import PublishError
from peelextract.publish.files import remove_stale_temps

log = logging.getLogger(__name__)

ACTIVE = Path(".peelextract-writing")  # relative to OUT: present while a holder writes


@contextmanager
def out_lock(out: Path) -> Iterator[None]:
    """Hold OUT's lock (creating OUT) for the block; wait, saying so, while another command holds it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise PublishError(str(out), f"cannot open the output folder: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"peelextract: {out} is locked by another peelextract command writing to it; waiting for it to finish",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(fd, fcntl.LOCK_EX)
        active = out / ACTIVE
        if active.exists():  # the last holder died while writing
            for path in remove_stale_temps(out):
                log.warning("removed %s, left by a writer that was killed", path)
        try:
            active.touch()
            marked = True
        except OSError:  # a read-only OUT: each write then fails with its own error naming its input
            marked = False
        try:
            yield
        finally:
            if marked:
                active.unlink(missing_ok=True)
    finally:
        os.close(fd)  # releases the lock
