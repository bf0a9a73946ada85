"""Running the real bot against the emulator: configs, in-process bots and bot processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram.ext import BaseHandler

from bot.config import Config, default_config_data, parse_config
from bot.context import BotContext
from bot.news.engine import EngineTiming
from bot.outbox.reminders import ReminderTiming
from bot.runner import serve

from .configs import areas_by_places, without_boundaries, write_config_data

TOKEN = "424242:E2E-test-token-not-a-secret"
BOT_ID = 424242
ADMINS_CHAT = -1001000000099
REPO = Path(__file__).resolve().parents[2]


def config_data(
    api_url: str,
    *,
    webhook_port: int | None = None,
    geocoder_url: str | None = None,
    reporting: Mapping[str, int | float] | None = None,
    boundaries: Path | None = None,
    approximate: bool = False,
    weekly: bool = False,
) -> dict[str, Any]:
    """The St Albans default as data, pointed at the emulator (polling, or a webhook on a port),
    with geocoding off or at a local fake server, the boundary files of a folder (or, when
    ``approximate``, none: the shipped ones switched off), and extra [reporting] settings (each
    must be a setting the default has). The weekly picture is off unless ``weekly``: a bot
    started on a Monday morning would otherwise send it to the admins' chat of every test."""
    data = default_config_data()
    data["weekly"]["enabled"] = weekly
    if approximate:
        without_boundaries(data)
    telegram = data["telegram"]
    telegram["api_url"] = api_url
    geocoding = data["geography"]["geocoding"]
    if geocoder_url is None:
        geocoding["enabled"] = False
    else:
        scheme, _, domain = geocoder_url.partition("://")
        geocoding.update(scheme=scheme, domain=domain, min_delay_seconds=0)
    if boundaries is not None:
        data["geography"].update(
            district_boundary=str(boundaries / "st_albans_district.geojson"),
            wards_boundary=str(boundaries / "st_albans_wards.geojson"),
            ward_name_property="WD13NM",  # the reference folder's wards are those of 2013
            neighbours_boundary=str(boundaries / "neighbouring_districts.geojson"),
        )
        areas_by_places(data)  # the default's areas name wards of 2023
    for key, value in (reporting or {}).items():
        assert key in data["reporting"], key
        data["reporting"][key] = value
    if webhook_port is not None:
        telegram["mode"] = "webhook"
        telegram["webhook"].update(port=webhook_port, public_url=f"http://127.0.0.1:{webhook_port}")
    return data


def write_config(
    folder: Path,
    api_url: str,
    *,
    webhook_port: int | None = None,
    geocoder_url: str | None = None,
    reporting: Mapping[str, int | float] | None = None,
    boundaries: Path | None = None,
    approximate: bool = False,
) -> Path:
    """Write :func:`config_data` as the folder's config.toml."""
    data = config_data(
        api_url,
        webhook_port=webhook_port,
        geocoder_url=geocoder_url,
        reporting=reporting,
        boundaries=boundaries,
        approximate=approximate,
    )
    return write_config_data(folder, data)


def load(path: Path) -> Config:
    """Parse a config file the way the CLI does."""
    return parse_config(path.read_text(), base_dir=path.parent)


@contextlib.asynccontextmanager
async def running_bot(
    config: Config,
    extra_handlers: Sequence[BaseHandler[Any, BotContext, Any]] = (),
    reminder_timing: ReminderTiming | None = None,
    engine_timing: EngineTiming | None = None,
    clock: Callable[[], datetime] | None = None,
) -> AsyncIterator[None]:
    """Run the real bot in this event loop for the duration of the block."""
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        serve(
            config,
            SecretStr(TOKEN),
            stop,
            extra_handlers=extra_handlers,
            ready=ready,
            reminder_timing=reminder_timing,
            engine_timing=engine_timing,
            **({} if clock is None else {"clock": clock}),
        )
    )
    started = asyncio.create_task(ready.wait())
    await asyncio.wait([task, started], timeout=30, return_when=asyncio.FIRST_COMPLETED)
    started.cancel()
    if task.done():
        task.result()  # the bot failed to start: raise its error here
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_bot_process(config_path: Path, module: str = "bot") -> subprocess.Popen[str]:
    """Start the bot as a separate process (``python -m module run --config ...``)."""
    env = {**os.environ, "SAFETYBOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", module, "run", "--config", str(config_path)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
