"""Start-up when the Bot API cannot be reached: a clear message and nothing left open."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr
from telegram.error import NetworkError

from bot.app import build_application
from bot.context import Services
from storage.db import Database
from tests.support.harness import load, write_config


def _unreachable_api_url() -> str:
    """A local address nothing listens on (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_a_failed_start_closes_the_http_sessions(tmp_path: Path) -> None:
    """When initialising fails, both HTTP sessions the application opened are closed again."""
    config = load(write_config(tmp_path, _unreachable_api_url()))
    async with await Database.open(config.storage.database) as db:
        services = Services.create(config, db)
        application = build_application(services, SecretStr("123456:unreachable"))
        with pytest.raises(NetworkError):
            async with application:
                pass
        assert len(application.requests) == 2
        assert all(request.closed for request in application.requests)
        await services.close()


def test_run_against_an_unreachable_api_says_so_and_leaks_nothing(tmp_path: Path) -> None:
    """`safetybot run` exits 1 naming the Bot API it could not reach, with no traceback and no
    'Unclosed client session' complaint."""
    url = _unreachable_api_url()
    config = write_config(tmp_path, url)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "SAFETYBOT_TOKEN": "123456:unreachable"},
    )
    assert result.returncode == 1, result.stderr
    assert f"Could not reach the Bot API at {url}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Unclosed client session" not in result.stderr
