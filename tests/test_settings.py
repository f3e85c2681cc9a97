"""The settings: one reader (``settings.from_env``), and the README's table of variables proved command by command.

Each command is run through ``cli.main`` with the variables of its row set to values that are not the
defaults; a spy in place of the work it hands off (the pipeline, the flow) records the settings it was given.
The end-to-end proofs (a real PDF over ``PEELEXTRACT_MAX_PAGES``) are in test_cli.py (extract) and
test_orchestrate_flows.py (ingest).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from peelextract import orchestrate_cli, pipeline
from peelextract.cli import main
from peelextract.errors import SettingsError
from peelextract.isolation import WorkerPool
from peelextract.settings import ENV_VARS, EXTRACTOR_VERSION, Limits, Settings, from_env
from tests.conftest import SAMPLE_TXT

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("extract", "ingest", "serve", "reextract", "eval", "review", "dataset", "export")
GOLD = ROOT / "fixtures" / "gold"

# A value for each variable that is valid and not its default, and where it lands in Settings.
NOT_DEFAULT: dict[str, tuple[str, Callable[[Settings], object], object]] = {
    "PEELEXTRACT_MAX_BYTES": ("1234567", lambda s: s.limits.max_bytes, 1234567),
    "PEELEXTRACT_MAX_PAGES": ("7", lambda s: s.limits.max_pages, 7),
    "PEELEXTRACT_MAX_CHARS": ("89000", lambda s: s.limits.max_chars, 89000),
    "PEELEXTRACT_MAX_INFLATED_BYTES": ("4242424", lambda s: s.limits.max_inflated_bytes, 4242424),
    # bounds the commands really run under here (a whole extraction), so generous ones
    "PEELEXTRACT_MAX_SECONDS": ("55.5", lambda s: s.limits.max_seconds, 55.5),
    "PEELEXTRACT_MAX_MEMORY": ("1610612736", lambda s: s.limits.max_memory, 1610612736),
    "PEELEXTRACT_FETCH_TIMEOUT": ("3.5", lambda s: s.fetch.timeout, 3.5),
    "PEELEXTRACT_FETCH_RETRIES": ("0", lambda s: s.fetch.retries, 0),
    "PEELEXTRACT_FETCH_BACKOFF": ("0.01", lambda s: s.fetch.backoff, 0.01),
    "PEELEXTRACT_FETCH_PER_HOST": ("2", lambda s: s.fetch.per_host, 2),
    "PEELEXTRACT_TASK_RUNNER": ("Processes", lambda s: s.task_runner, "processes"),
    "PEELEXTRACT_WORKERS": ("3", lambda s: s.workers, 3),
    "PEELEXTRACT_DASK_ADDRESS": ("tcp://scheduler:8786", lambda s: s.dask_address, "tcp://scheduler:8786"),
    "PEELEXTRACT_EXTRACT_PROCESSES": ("2", lambda s: s.extract_processes, 2),
    "PEELEXTRACT_EXTRACTOR_VERSION_OVERRIDE": ("9.9.9-test", lambda s: s.extractor_version, "9.9.9-test"),
    "PREFECT_API_URL": ("http://127.0.0.1:9/api", lambda s: s.prefect_api_url, "http://127.0.0.1:9/api"),
}
# Values no setting can take; the free-text variables (an address, a version, a URL) have none.
INVALID = {
    **{name: "abc" for name in NOT_DEFAULT if name.startswith(("PEELEXTRACT_MAX_", "PEELEXTRACT_FETCH_"))},
    "PEELEXTRACT_MAX_PAGES": "0",
    "PEELEXTRACT_MAX_MEMORY": "0",
    "PEELEXTRACT_FETCH_PER_HOST": "-1",
    "PEELEXTRACT_FETCH_TIMEOUT": "nan",
    "PEELEXTRACT_TASK_RUNNER": "ray",
    "PEELEXTRACT_WORKERS": "1.5",
    "PEELEXTRACT_EXTRACT_PROCESSES": "many",
}


def readme_table() -> dict[str, tuple[str, set[str]]]:
    """variable → (default cell, commands) from the README's settings table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \|$", text, flags=re.M)
    assert rows, "no settings table in README.md"
    return {name: (default.strip(), set(re.findall(r"[a-z]+", used)) & set(COMMANDS)) for name, default, used in rows}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


def test_table_lists_exactly_what_from_env_reads() -> None:
    class Recording(dict[str, str]):
        def __init__(self) -> None:
            super().__init__()
            self.read: set[str] = set()

        def get(self, key: str, default: Any = None) -> Any:
            self.read.add(key)
            return super().get(key, default)

    env = Recording()
    assert from_env(env) == Settings()
    assert env.read == set(ENV_VARS) == set(readme_table()) == set(NOT_DEFAULT)


def test_table_defaults_are_the_defaults() -> None:
    defaults = Settings()
    for name, (cell, _) in readme_table().items():
        value = NOT_DEFAULT[name][1](defaults)
        first = cell.split()[0].strip("`")
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert float(first) == value, name
        elif value is None:
            assert first == "unset", name
        elif name == "PEELEXTRACT_EXTRACTOR_VERSION_OVERRIDE":  # unset, the version is EXTRACTOR_VERSION
            assert first == "unset" and "EXTRACTOR_VERSION" in cell and value == EXTRACTOR_VERSION
        else:
            assert first == value, name
    assert from_env({}) == defaults


def test_every_variable_lands_in_its_setting() -> None:
    env = {name: raw for name, (raw, _, _) in NOT_DEFAULT.items()}
    settings = from_env(env)
    for name, (_, get, expected) in NOT_DEFAULT.items():
        assert get(settings) == expected, name
    assert settings.fetch.max_bytes == settings.limits.max_bytes == 1234567  # one limit, two readers
    assert from_env({name: "  " for name in NOT_DEFAULT}) == Settings()  # empty means unset


@pytest.mark.parametrize("name", sorted(INVALID))
def test_an_invalid_value_names_the_variable(name: str) -> None:
    with pytest.raises(SettingsError, match=f"^{name} must be") as caught:
        from_env({name: INVALID[name]})
    assert repr(INVALID[name]) in str(caught.value)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_an_invalid_value_with_exit_2(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in INVALID.items():
        monkeypatch.setenv(name, value)
        assert main(argv(command, tmp_path)) == 2, name
        assert f"usage error: {name} must be" in capsys.readouterr().err
        monkeypatch.delenv(name)
    assert not any((tmp_path / "out").iterdir())  # refused before any work


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_gets_the_settings_of_its_row(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's variables, set to values that are not the defaults, reach the work it hands off; the
    commands that use none hand nothing settings-dependent off and still succeed."""
    used = {name for name, (_, commands) in readme_table().items() if command in commands}
    received = spies(command, monkeypatch)  # first: Prefect, once imported, keeps the PREFECT_API_URL it saw
    for name in used:
        monkeypatch.setenv(name, NOT_DEFAULT[name][0])
    rc = main(argv(command, tmp_path))
    assert rc == 0, capsys.readouterr().err
    got = [s for s in received if s is not None]
    if not used:
        assert got == [] and command in ("review", "dataset", "export")
        return
    assert got, f"{command} handed no settings down"
    for settings in got:
        for name in used:
            _, get, expected = NOT_DEFAULT[name]
            assert get(settings) == expected, (command, name)


def test_runner_option_wins_over_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    received = spies("ingest", monkeypatch)
    monkeypatch.setenv("PEELEXTRACT_TASK_RUNNER", "dask")
    assert main([*argv("ingest", tmp_path), "--runner", "threads"]) == 0
    assert [s.task_runner for s in received if s is not None] == ["threads"]


# ---------------------------------------------------------------- commands and spies


def argv(command: str, tmp_path: Path) -> list[str]:
    inbox = tmp_path / "inbox"
    out = tmp_path / "out"
    for folder in (inbox, out):
        folder.mkdir(exist_ok=True)
    return {
        "extract": ["extract", str(SAMPLE_TXT), "--out", str(out), "--no-dataset", "-q"],
        "ingest": ["ingest", str(inbox), "--out", str(out)],
        "serve": ["serve", str(inbox), "--out", str(out), "--interval", "60"],
        "reextract": ["reextract", "some-report", "--out", str(out)],
        "eval": ["eval", str(GOLD), "--json"],
        "review": ["review", str(out)],
        "dataset": ["dataset", "build", str(out), "-q"],
        "export": ["export", str(out), "-q"],
    }[command]


Received = list[Settings | None]  # the settings each spied call was given, as they arrive


def spies(command: str, monkeypatch: pytest.MonkeyPatch) -> Received:
    """Put spies where ``command`` hands its settings off; the received settings are appended as calls come."""
    received = Received()
    monkeypatch.setattr(orchestrate_cli, "_prefect_defaults", lambda: None)  # no Prefect variables left behind
    if command == "extract":
        real_run = WorkerPool.run

        def run(pool: WorkerPool, name: str, logs: Any, task: Callable[..., Any], *args: Any) -> Any:
            limits = next(a for a in args if isinstance(a, Limits))  # the task's, and the pool's bounds:
            assert (pool.max_seconds, pool.max_memory) == (limits.max_seconds, limits.max_memory)
            received.append(Settings(limits=limits))
            return real_run(pool, name, logs, task, *args)

        monkeypatch.setattr(WorkerPool, "run", run)
    elif command == "eval":
        real = pipeline.path_to_report

        def path_to_report(path: Path, **kw: Any) -> Any:
            limits = kw.get("limits")
            received.append(Settings(limits=limits) if limits is not None else None)
            return real(path, round_override=kw.get("round_override"))

        monkeypatch.setattr(pipeline, "path_to_report", path_to_report)
        monkeypatch.setattr("peelextract.evaluate.run_eval", eval_spy(received))
    elif command in ("ingest", "serve", "reextract"):
        flow_spies(command, monkeypatch, received)
    else:
        monkeypatch.setattr("peelextract.publish.dataset.build_dataset", lambda out: None)
        monkeypatch.setattr("peelextract.publish.dataset.export_csv", lambda out: [])
        monkeypatch.setattr("peelextract.publish.review.build_site", lambda out, sources, quiet=False: out / "review")
    return received


def eval_spy(received: Received) -> Callable[..., int]:
    """``run_eval`` on one gold file (the whole gold set is test_eval's business), recording its limits."""
    from peelextract import evaluate

    def run_eval(gold_dir: Path, as_json: bool, limits: Any = None) -> int:
        received.append(Settings(limits=limits) if limits is not None else None)
        evaluate.evaluate_file(sorted(gold_dir.glob("*.json"))[0], limits)
        return 0

    return run_eval


def flow_spies(command: str, monkeypatch: pytest.MonkeyPatch, received: Received) -> None:
    from peelextract.flows import ingest, reextract

    summary = SimpleNamespace(line=lambda: "0 inputs", failed=[], site=None)
    result = SimpleNamespace(location="x", report_id="some-report", grades=0, case_counts=0, ci_percentages=0)

    def run_ingest(source: str, out_dir: str, *, use_cache: bool = True, settings: Settings | None = None) -> Any:
        received.append(settings)
        return summary

    def reextract_report(report: str, out_dir: str, settings: Settings | None = None) -> Any:
        received.append(settings)
        return result

    def task_runner(settings: Settings) -> Any:
        received.append(settings)
        return None

    served: list[dict[str, Any]] = []
    flow = SimpleNamespace(serve=lambda **kw: served.append(kw))
    monkeypatch.setattr(ingest, "run_ingest", run_ingest)
    monkeypatch.setattr(ingest, "task_runner", task_runner)
    monkeypatch.setattr(ingest, "ingest_reports", SimpleNamespace(with_options=lambda **kw: flow))
    monkeypatch.setattr(reextract, "reextract_report", reextract_report)


def test_settings_are_picklable_and_frozen() -> None:
    import pickle

    settings = from_env({"PEELEXTRACT_MAX_PAGES": "9"})
    assert pickle.loads(pickle.dumps(settings)) == settings
    with pytest.raises(AttributeError):
        settings.task_runner = "dask"  # type: ignore[misc]
    assert asdict(settings)["limits"]["max_pages"] == 9


@pytest.mark.parametrize(
    ("env", "kind", "workers"),
    [
        ({}, "ThreadPoolTaskRunner", 8),
        ({"PEELEXTRACT_WORKERS": "3"}, "ThreadPoolTaskRunner", 3),
        ({"PEELEXTRACT_TASK_RUNNER": "processes", "PEELEXTRACT_WORKERS": "2"}, "ProcessPoolTaskRunner", 2),
    ],
)
def test_the_task_runner_is_built_from_the_settings(env: dict[str, str], kind: str, workers: int) -> None:
    from peelextract.flows.ingest import task_runner

    runner = task_runner(from_env(env))
    assert type(runner).__name__ == kind
    assert runner._max_workers == workers  # type: ignore[attr-defined]
