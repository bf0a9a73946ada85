"""Round trip of /start through safetybot and the emulator, beside a bare PTB echo bot.

Starts the emulated Bot API, safetybot (``python -m bot run``) and a bare python-telegram-bot
echo bot as separate processes, then for each bot in turn measures:

- latency: one resident sends /start again and again, waiting for each reply (median, p99);
- throughput: BURST residents send /start at once; updates per second until the last reply,
  and a check that every resident got exactly one reply, in their own chat.

Both bots poll the same emulator, one at a time. Telegram's flood limits are off in the emulator
and raised in safetybot's config for the run, so the figures measure the software, not the
30-messages-a-second limit. Run: ``python bench/start_roundtrip.py [--round-trips N] [--burst N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import tomli_w

from bot.config import default_config_data
from bot.emulator import EmulatorClient

REPO = Path(__file__).resolve().parents[1]
SAFETYBOT = ("111111:bench-safetybot-token", 111111)
ECHO = ("222222:bench-echo-token", 222222)


@dataclass
class Figures:
    """What one bot achieved."""

    name: str
    median_ms: float
    p99_ms: float
    updates_per_second: float
    burst_ok: bool


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _spawn(*args: str, token: str | None = None) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if token:
        env["SAFETYBOT_TOKEN"] = token
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def _wait_for_server(url: str) -> None:
    async with EmulatorClient(url) as client:
        for _ in range(200):
            try:
                await client.state()
                return
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    raise RuntimeError(f"the emulator at {url} did not start")


async def _latency(client: EmulatorClient, bot_id: int, count: int) -> list[float]:
    user = await client.create_user("Latency")
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        sent = await client.send_command(user, "start", bot=bot_id)
        await client.wait_for_message(user, after=sent.seq, bot=bot_id, timeout=30)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def _burst(client: EmulatorClient, bot_id: int, size: int) -> tuple[float, bool]:
    users = [await client.create_user(f"Resident {i}") for i in range(size)]
    cursor = await client.last_seq()
    gate = asyncio.Semaphore(64)

    async def send(user: int) -> None:
        async with gate:
            await client.send_command(user, "start", bot=bot_id)

    start = time.perf_counter()
    sending = asyncio.gather(*(send(u) for u in users))
    replies: dict[int, int] = {}
    deadline = start + 300
    while len(replies) < size and time.perf_counter() < deadline:
        events, _ = await client.events(after=cursor, timeout=5)
        for event in events:
            cursor = int(event["seq"])
            if event["type"] == "bot_message" and event["bot_id"] == bot_id:
                chat = int(event["chat_id"])
                replies[chat] = replies.get(chat, 0) + 1
    elapsed = time.perf_counter() - start
    await sending
    ok = sorted(replies) == sorted(users) and set(replies.values()) == {1}
    return size / elapsed, ok


async def _measure(name: str, url: str, bot_id: int, round_trips: int, burst: int) -> Figures:
    async with EmulatorClient(url, timeout=60) as client:
        await _latency(client, bot_id, 20)  # warm up
        samples = sorted(await _latency(client, bot_id, round_trips))
        rate, ok = await _burst(client, bot_id, burst)
    p99 = samples[min(len(samples) - 1, round(0.99 * len(samples)))]
    return Figures(name, statistics.median(samples), p99, rate, ok)


async def main(round_trips: int, burst: int) -> None:
    """Start everything, measure both bots, print the figures."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    emulator = await _spawn("-m", "bot.emulator", "--port", str(port))
    processes = [emulator]
    try:
        await _wait_for_server(url)
        async with EmulatorClient(url) as client:
            await client.register_bot(SAFETYBOT[0], username="bench_safety_bot")
            await client.register_bot(ECHO[0], username="bench_echo_bot")
        with tempfile.TemporaryDirectory() as folder:
            config = Path(folder) / "config.toml"
            data = default_config_data()
            data["telegram"]["api_url"] = url
            data["telegram"]["limits"]["messages_per_second"] = 100000
            config.write_text(tomli_w.dumps(data))
            results = []
            bot = await _spawn("-m", "bot", "run", "--config", str(config), token=SAFETYBOT[0])
            processes.append(bot)
            results.append(await _measure("safetybot", url, SAFETYBOT[1], round_trips, burst))
            bot.terminate()
            await bot.wait()
            echo = await _spawn("bench/echo_bot.py", url, token=ECHO[0])
            processes.append(echo)
            results.append(await _measure("PTB echo bot", url, ECHO[1], round_trips, burst))
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
                await process.wait()
    print(f"/start round trip, {round_trips} sequential; burst of {burst} residents at once")
    print(f"{'bot':<14} {'median ms':>10} {'p99 ms':>8} {'updates/s':>10}  burst replies")
    for r in results:
        verdict = "all, once each" if r.burst_ok else "MISSING OR DUPLICATED"
        print(
            f"{r.name:<14} {r.median_ms:>10.1f} {r.p99_ms:>8.1f} "
            f"{r.updates_per_second:>10.1f}  {verdict}"
        )
    ratio = results[0].updates_per_second / results[1].updates_per_second
    print(f"safetybot / echo throughput: {ratio:.0%}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trips", type=int, default=300)
    parser.add_argument("--burst", type=int, default=1000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.round_trips, arguments.burst))
