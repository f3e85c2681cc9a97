"""``peelextract.progress.Progress``: a bar on a terminal (checked through a pseudo-terminal), the plain
per-input lines elsewhere, nothing but failures when quiet."""

from __future__ import annotations

import re
import sys
import textwrap

import pytest

from peelextract.progress import Progress
from tests.terminal import run_on_terminal, terminal_env

NAMES = [f"report-{i}.pdf" for i in range(6)]
BAD = "report-3.pdf"

# A batch as the CLI runs one: a success line on stdout per good input, an error line on stderr per bad one.
BATCH = textwrap.dedent(
    f"""
    import sys, time
    from peelextract.progress import Progress

    quiet, pause = sys.argv[1] == "quiet", float(sys.argv[2])
    with Progress(0, description="extract", unit="report", quiet=quiet) as progress:
        progress.set_total({len(NAMES)})  # found the inputs after starting, as review does
        for name in {NAMES!r}:
            progress.start(name)
            time.sleep(pause)
            if name == {BAD!r}:
                progress.advance(name, ok=False, line=f"peelextract: error: {{name}}: not a report")
            else:
                progress.advance(name, line=f"{{name}}: out/{{name}}.json")
    """
)
GOOD_LINES = [f"{n}: out/{n}.json" for n in NAMES if n != BAD]
ERROR_LINE = f"peelextract: error: {BAD}: not a report"


def run_on_pty(mode: str, pause: float) -> tuple[str, str]:
    """Run BATCH with stderr (and stdin) on a pseudo-terminal and stdout on a pipe; return (stdout, what the
    terminal received with the escape sequences removed)."""
    status, stdout, terminal = run_on_terminal([sys.executable, "-c", BATCH, mode, str(pause)], terminal_env(), 60)
    assert status == 0
    return stdout, terminal.replace("\r", "\n")


def test_a_terminal_shows_count_rate_time_left_and_the_current_input() -> None:
    stdout, terminal = run_on_pty("show", 0.4)
    assert stdout.splitlines() == GOOD_LINES  # stdout is a pipe here: the lines are exactly the plain ones
    assert ERROR_LINE in terminal  # printed above the bar, not lost
    counts = {int(m) for m in re.findall(rf"\b(\d)/{len(NAMES)}\b", terminal)}
    assert {2, 3, len(NAMES)} <= counts  # the count goes up while the work is done
    rates = [float(r) for r in re.findall(r"(\d+\.\d) reports/s", terminal)]
    assert rates and all(0.3 < r < 10 for r in rates)  # ~2.5 a second (one every 0.4 s), loaded machine or not
    assert re.search(r"0:00:0[1-9] left", terminal)  # time left while some remain (4 × 0.4 s after two)
    assert "0:00:00 left" in terminal  # and none at the end
    assert any(re.search(rf"\d/{len(NAMES)} .*{re.escape(n)}", terminal) for n in NAMES[1:])  # current input
    assert "extract (1 failed)" in terminal


def test_quiet_on_a_terminal_shows_no_bar_and_only_the_failure() -> None:
    stdout, terminal = run_on_pty("quiet", 0.05)
    assert stdout == ""
    assert terminal.strip() == ERROR_LINE


def test_without_a_terminal_only_the_plain_lines(capfd: pytest.CaptureFixture[str]) -> None:
    """Under pytest stderr is not a terminal: exactly the lines the commands printed before, nothing else."""
    with Progress(len(NAMES), description="extract", unit="report") as progress:
        for name in NAMES:
            progress.start(name)
            if name == BAD:
                progress.advance(name, ok=False, line=ERROR_LINE)
            else:
                progress.advance(name, line=f"{name}: out/{name}.json")
    captured = capfd.readouterr()
    assert captured.out.splitlines() == GOOD_LINES
    assert captured.err.splitlines() == [ERROR_LINE]
    assert (progress.done, progress.failed) == (len(NAMES), 1)


def test_quiet_without_a_terminal_keeps_only_failures(capfd: pytest.CaptureFixture[str]) -> None:
    with Progress(2, quiet=True) as progress:
        progress.advance("a", line="a: done")
        progress.advance("b", ok=False, line="peelextract: error: b: broken")
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", "peelextract: error: b: broken\n")


def test_inputs_without_a_line_print_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    """A command that printed no per-input line (ingest) still prints none when not on a terminal."""
    with Progress(3, description="ingest") as progress:
        for name in "abc":
            progress.advance(name)
    assert capfd.readouterr() == ("", "")
    assert progress.done == 3
