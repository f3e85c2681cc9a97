"""Progress of long work (many inputs): a bar on a terminal, today's plain lines elsewhere.

    with Progress(len(paths), unit="report", quiet=args.quiet) as progress:
        for path in paths:
            progress.start(path.name)                      # optional: shows the input being worked on
            ...
            progress.advance(path.name, line=f"{path}: {written} (…)")      # a success line, on stdout
            # or, on failure:
            progress.advance(path.name, ok=False, line=f"peelextract: error: {path}: {reason}")  # stderr

When stderr is a terminal, a rich progress bar on stderr shows the count done of the total, the rate, the
time left and the current input; the lines still go to stdout and stderr as before (printed above the bar,
so they never tear it). When stderr is not a terminal (a pipe, a file, CI), nothing but the lines is printed,
exactly as the commands printed them before there was a bar. ``quiet`` hides the bar and the success lines;
failure lines are always printed, since an exit status of 1 must say which input failed. rich is imported
only when a bar is drawn, and when it is not installed the plain behaviour is used.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from peelextract.text_utils import noun


class Progress:
    """Counts ``total`` inputs as they finish. ``terminal`` overrides the ``stderr.isatty()`` check."""

    def __init__(
        self,
        total: int,
        *,
        description: str = "",
        unit: str = "input",
        quiet: bool = False,
        terminal: bool | None = None,
    ) -> None:
        self.total = total
        self.description = description
        self.unit = unit
        self.quiet = quiet
        self.done = 0
        self.failed = 0
        self._terminal = terminal
        self._bar: Any = None  # rich.progress.Progress while a bar is shown
        self._task: Any = None

    def __enter__(self) -> Progress:
        terminal = sys.stderr.isatty() if self._terminal is None else self._terminal
        if terminal and not self.quiet:
            self._bar = _rich_bar(self.unit, force_terminal=self._terminal)
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task(self._label(""), total=self.total, current="")
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.update(self._task, current="", description=self._label(""))
            self._bar.stop()
            self._bar = None

    def set_total(self, total: int) -> None:
        """The total once it is known (a command that finds its inputs after it started)."""
        self.total = total
        if self._bar is not None:
            self._bar.update(self._task, total=total)

    def start(self, name: str) -> None:
        """Show ``name`` as the input being worked on (bar only)."""
        if self._bar is not None:
            self._bar.update(self._task, current=name)

    def advance(self, name: str, ok: bool = True, line: str | None = None) -> None:
        """One more input finished: ``line`` (if any) goes to stdout, or to stderr when ``ok`` is false."""
        self.done += 1
        self.failed += not ok
        if line is not None and (not ok or not self.quiet):
            # sys.stdout/err looked up now: while the bar is live rich swaps in proxies that print above it
            print(line, file=sys.stdout if ok else sys.stderr, flush=True)
        if self._bar is not None:
            self._bar.update(self._task, advance=1, current=name, description=self._label(name))

    def _label(self, name: str) -> str:
        failed = f" ({self.failed} failed)" if self.failed else ""
        return f"{self.description}{failed}".strip()


def _rich_bar(unit: str, *, force_terminal: bool | None) -> Any:
    """A rich progress bar on stderr: label, bar, "3/10", "2.5 reports/s", "0:00:03 left", current input.
    None when rich is not installed."""
    try:
        from rich.console import Console
        from rich.progress import BarColumn, ProgressColumn, TextColumn
        from rich.progress import Progress as RichProgress
        from rich.text import Text
    except ImportError:
        return None

    units = noun(2, unit)

    class RateColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"- {units}/s" if speed is None else f"{speed:.1f} {units}/s")

    class TimeLeftColumn(ProgressColumn):
        max_refresh = 0.5  # the estimate jumps on every finished input otherwise

        def render(self, task: Any) -> Text:
            if task.finished:
                return Text("0:00:00 left")
            left = task.time_remaining
            if left is None:
                return Text("-:--:-- left")
            seconds = int(left)
            return Text(f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d} left")

    console = Console(file=sys.stderr, force_terminal=force_terminal)
    return RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        RateColumn(),
        TimeLeftColumn(),
        TextColumn("{task.fields[current]}"),
        console=console,
        # stdout lines go above the bar only when stdout is the terminal too; redirected, they stay there
        redirect_stdout=sys.stdout.isatty(),
        redirect_stderr=True,
    )
