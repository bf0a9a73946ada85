"""How long `safetybot sandbox` takes from the command to a page that answers, on a warm
install: to the printed address, to the page's first answer, and to the bot's first reply to a
resident's /start (the bot is a child process, started after the page).

Run: ``python bench/sandbox_startup.py [--runs N]`` (each run in a fresh temporary folder).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.sandbox import texts  # noqa: E402 - after the path is set

ADDRESS_START = texts.ADDRESS.split("{url}")[0]
RESIDENT = 100_001


async def one_run(folder: Path) -> tuple[float, float, float]:
    """Seconds to the address, to the page's first answer, to the bot's first reply."""
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", "--port", "0", "--no-browser",
        cwd=folder, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        line = ""
        while not line.startswith(ADDRESS_START):
            line = (await process.stdout.readline()).decode()
            if not line:
                raise SystemExit("the sandbox stopped before printing its address")
        address = time.perf_counter() - started
        url = line.removeprefix(ADDRESS_START).split()[0]
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            (await http.get("/")).raise_for_status()
            page = time.perf_counter() - started
            async with http.stream("GET", "/api/events", timeout=None) as events:
                sent = await http.post(f"/api/people/{RESIDENT}/send", json={"text": "/start"})
                sent.raise_for_status()
                async for event_line in events.aiter_lines():
                    if not event_line.startswith("data: "):
                        continue
                    event = json.loads(event_line.removeprefix("data: "))
                    if event.get("type") == "bot_message" and event.get("chat_id") == RESIDENT:
                        break
            reply = time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGINT)
        await process.wait()
    return address, page, reply


async def main(runs: int) -> None:
    """Run the sandbox ``runs`` times and print the medians."""
    figures = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            figures.append(await one_run(Path(folder)))
    for name, values in zip(
        ("address printed", "page answers", "bot's first reply"),
        zip(*figures, strict=True),
        strict=True,
    ):
        print(f"{name}: median {statistics.median(values):.2f} s, max {max(values):.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
