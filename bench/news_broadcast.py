"""A newsletter to many subscribers at Telegram's limits while residents talk to the bot.

SUBSCRIBERS chats subscribe to the newsletter; the real bot (a separate process) runs on the
emulator with Telegram's limits enforced in real time (30 messages a second for the bot, one a
second per chat); a broadcast is queued through the database as the command line queues it;
meanwhile RESIDENTS residents each send /help every five to seven seconds (the pace of a
resident making a report); the time to the bot's first reply is read from the emulator's own
stamps (the resident's message arriving, the bot's reply arriving), so that it is the bot's
time, not the bench's.

The emulator runs in a process of its own, as Telegram stands apart from the bot: in the
bench's process it shared one event loop with the residents and the bench's bookkeeping, and
its stalls bunched the bot's calls together as they arrived.
Printed: the bot's sending rate over the broadcast divided by the limit (goal: at least 0.95),
the 429 answers the bot provoked (goal: 0), duplicate and missed deliveries (goal: 0 and 0),
and the residents' p99 time to the first reply during the broadcast (goal: under one second).

Run: ``python bench/news_broadcast.py [--subscribers N] [--residents N]`` (the issue's full
size is 10,000 subscribers, about six minutes; try ``--subscribers 500`` first).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import os
import secrets
import sys
import tempfile
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.config import parse_config  # noqa: E402
from bot.emulator import EmulatorClient, EmulatorServer, RateLimits  # noqa: E402
from bot.news.broadcasts import COMMAND_LINE, BroadcastService, District, Item  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.subscribers import SubscriberRepository  # noqa: E402
from storage.timestamps import utc_now  # noqa: E402
from tests.support.configs import write_config_data  # noqa: E402
from tests.support.harness import TOKEN, config_data  # noqa: E402

FIRST_SUBSCRIBER = 3_000_000
FIRST_RESIDENT = 2_000_000
NEWS = "Quarterly newsletter: what the partnership did this season."


async def _bot(config: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "SAFETYBOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config),
        cwd=REPO, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def _open_chats(client: EmulatorClient, url: str, ids: range) -> None:
    """Users who have opened the bot's chat, their /start already read (so that the bot's
    budget goes to the benchmark, not to greeting them)."""
    for user in ids:
        await client.create_user(f"User {user}", user_id=user)
        await client.send_command(user, "start")
    async with httpx.AsyncClient(base_url=f"{url}/bot{TOKEN}", timeout=30) as api:
        offset = 0
        while True:
            updates = (await api.post("/getUpdates", json={"offset": offset})).json()["result"]
            if not updates:
                return
            offset = updates[-1]["update_id"] + 1


def _emulator(conn: Connection) -> None:
    """The emulator's process: serve with Telegram's limits until told to stop, then hand
    back the count of 429s it answered."""

    async def serve() -> None:
        async with EmulatorServer(limits=RateLimits()) as server:
            conn.send(server.url)
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)
            conn.send(server.guard.rate_limited)

    asyncio.run(serve())


async def _resident(client: EmulatorClient, user: int, stop: asyncio.Event) -> None:
    await asyncio.sleep(secrets.randbelow(3000) / 1000)
    while not stop.is_set():
        await client.send_command(user, "help")
        await asyncio.sleep(5 + secrets.randbelow(2000) / 1000)  # a reporting resident's pace


def _reply_times(events: list[dict[str, Any]], residents: range) -> list[float]:
    """Seconds from each resident's message to the bot's first message after it in that chat,
    by the emulator's stamps."""
    asked: dict[Any, list[float]] = {}
    times = []
    for event in events:
        chat = event.get("chat_id")
        if chat not in residents:
            continue
        at = float(event["time"])
        if event["type"] == "user_message":
            asked.setdefault(chat, []).append(at)
        elif event["type"] == "bot_message" and asked.get(chat):
            times.append(at - asked[chat].pop(0))
    return times


async def _until_done(service: BroadcastService, broadcast_id: int) -> None:
    """Look in the database every half second until the bot has sent the broadcast."""
    while True:
        if (await service.summary(broadcast_id)).broadcast.state == "done":
            return
        await asyncio.sleep(0.5)


async def _run(
    args: argparse.Namespace, url: str, folder: Path
) -> tuple[list[dict[str, Any]], range]:
    """Run the broadcast with residents talking; return the emulator's events meanwhile."""
    async with EmulatorClient(url, timeout=60) as client:
        await client.register_bot(TOKEN, username="bench_safety_bot")
        data = config_data(url)
        path = write_config_data(folder, data)
        config = parse_config(path.read_text(), base_dir=path.parent)
        subscribers = range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + args.subscribers)
        residents = range(FIRST_RESIDENT, FIRST_RESIDENT + args.residents)
        await _open_chats(client, url, subscribers)
        await _open_chats(client, url, residents)
        db = await Database.open(config.storage.database)
        repository = SubscriberRepository(db)
        for chat in subscribers:
            await repository.subscribe(chat, "newsletter", "*", now=utc_now())
        process = await _bot(path)
        try:
            probe = await client.send_command(residents[0], "help")
            await client.wait_for_message(residents[0], after=probe.seq, timeout=60)
            stop = asyncio.Event()
            talkers = [asyncio.create_task(_resident(client, r, stop)) for r in residents]
            start_seq = await client.last_seq()
            service = BroadcastService(config, db)
            item = Item(NEWS, ("newsletter",), District(), COMMAND_LINE)
            broadcast = await service.queue(item, token=secrets.token_hex(8))
            await _until_done(service, broadcast.id)
            stop.set()
            await asyncio.gather(*talkers)
            await asyncio.sleep(2)  # the last residents' replies
            events, _ = await client.events(after=start_seq, limit=10**7)
        finally:
            process.terminate()
            await process.wait()
            await db.close()
    return events, residents


async def main(args: argparse.Namespace) -> None:
    """Run the broadcast with residents talking, and print the figures."""
    context = multiprocessing.get_context("spawn")
    conn, child_conn = context.Pipe()
    emulator = context.Process(target=_emulator, args=(child_conn,), daemon=True)
    emulator.start()
    url = conn.recv()
    try:
        with tempfile.TemporaryDirectory() as folder:
            events, residents = await _run(args, url, Path(folder))
    finally:
        conn.send("stop")
        rate_limited = conn.recv()
        emulator.join(10)
    subscribers = range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + args.subscribers)
    news = [e for e in events if e["type"] == "bot_message" and e["chat_id"] in subscribers]
    sent = [e for e in events if e["type"] == "bot_message"]
    copies = Counter(e["chat_id"] for e in news)
    span = news[-1]["time"] - news[0]["time"] if len(news) > 1 else 0.0
    in_span = [e for e in sent if news[0]["time"] <= e["time"] <= news[-1]["time"]]
    rate = len(in_span) / span if span else 0.0
    times = [e["time"] for e in in_span]
    pauses = [b - a for a, b in itertools.pairwise(times) if b - a > 0.1]
    replies = sorted(_reply_times(events, residents))
    p99 = replies[min(len(replies) - 1, round(0.99 * len(replies)))] if replies else float("nan")
    print(f"{args.subscribers} subscribers, {args.residents} residents, limits 30/s, 1/s per chat")
    print(f"  sending rate {rate:.1f}/s = {rate / 30:.2f} of the limit (goal >= 0.95)")
    print(f"  pauses over 0.1 s between sends: {len(pauses)}, {sum(pauses):.1f} s in all")
    print(f"  429 answers provoked: {rate_limited} (goal 0)")
    duplicates = sum(n - 1 for n in copies.values() if n > 1)
    missed = args.subscribers - len(copies)
    print(f"  duplicates {duplicates}, missed {missed} (goal 0 and 0)")
    print(f"  residents' p99 first reply {p99:.3f} s over {len(replies)} messages (goal < 1 s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--residents", type=int, default=50)
    asyncio.run(main(parser.parse_args()))
