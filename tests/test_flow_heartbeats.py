"""Flow-run heartbeats: off when the run's API is a server this process starts (nothing outlives the run to
read them; Prefect joins its heartbeat thread in 1 s steps, most of a run that has nothing to do), kept
with a configured server."""

from __future__ import annotations

import pytest

from peelextract.flows.ingest import heartbeats_only_for_a_server
from peelextract.settings import Settings


def _heartbeat() -> int | None:
    from prefect.settings import get_current_settings

    return get_current_settings().flows.heartbeat_frequency


def test_no_heartbeats_without_a_configured_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    default = _heartbeat()
    assert default is not None  # Prefect's default: a heartbeat every 180 s
    with temporary_settings({PREFECT_API_URL: None}), heartbeats_only_for_a_server(Settings()):
        assert _heartbeat() is None
    assert _heartbeat() == default


def test_heartbeats_kept_for_a_configured_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    default = _heartbeat()
    with heartbeats_only_for_a_server(Settings(prefect_api_url="http://127.0.0.1:4200/api")):
        assert _heartbeat() == default
    with (
        temporary_settings({PREFECT_API_URL: "http://127.0.0.1:4200/api"}),
        heartbeats_only_for_a_server(Settings()),
    ):
        assert _heartbeat() == default
