"""Running a command with its stderr (and stdin) on a pseudo-terminal, as a person at a terminal would, and its
stdout on a pipe: what the progress tests read."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import termios
from collections.abc import Sequence

from tests.conftest import ROOT

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def terminal_env() -> dict[str, str]:
    """This environment as a terminal's, with this checkout first on the path and no switch that turns
    rich's terminal detection on or off."""
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": "160",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    for key in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CI"):
        env.pop(key, None)
    return env


def run_on_terminal(command: Sequence[str], env: dict[str, str], timeout: float = 120) -> tuple[int, str, str]:
    """(exit status, stdout, what the terminal received with the escape sequences removed)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))  # rows, columns
    proc = subprocess.Popen(list(command), stdin=slave, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    received = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    assert proc.stdout is not None
    stdout = proc.stdout.read().decode()
    status = proc.wait(timeout=timeout)
    return status, stdout, ANSI.sub("", received.decode("utf-8", "replace"))
