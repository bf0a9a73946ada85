"""Following a queued broadcast from the command line: a progress bar (rich) fed by the
deliveries the running bot records, until the item is sent; then its figures."""

from __future__ import annotations

import asyncio

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.exits import EXIT_FAILURE, EXIT_OK
from bot.news.broadcasts import BroadcastService
from bot.news.heartbeat import running_bot
from storage.broadcasts import BroadcastSummary
from storage.db import Database
from storage.timestamps import utc_now

POLL_SECONDS = 0.5
"""How often the deliveries are read again."""


async def follow(
    db: Database, service: BroadcastService, broadcast_id: int, *, poll: float = POLL_SECONDS
) -> int:
    """Show the broadcast's progress until it is sent (exit 0), cancelled, or the bot stops
    running (exit 1: the item stays queued, and the bot carries on when it runs again)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("Waiting for the bot to start sending", total=None)
        while True:
            overview = await service.summary(broadcast_id)
            state, figures = overview.broadcast.state, overview.summary
            if state != "queued" or figures.total:
                done = figures.sent + figures.failed + figures.blocked
                progress.update(task, description="Sending", total=figures.total, completed=done)
            if state in ("done", "cancelled"):
                break
            if await running_bot(db, utc_now()) is None:
                progress.stop()
                print(
                    f"The bot stopped before broadcast {broadcast_id} was sent. It stays "
                    "queued, and the bot carries on when it runs again: follow it with "
                    "safetybot broadcasts."
                )
                return EXIT_FAILURE
            await asyncio.sleep(poll)
    if state == "cancelled":
        print(f"Broadcast {broadcast_id} was cancelled: {figures_words(figures)}.")
        return EXIT_FAILURE
    print(f"Broadcast {broadcast_id} is sent: {figures_words(figures)}.")
    return EXIT_OK


def figures_words(figures: BroadcastSummary) -> str:
    """A broadcast's figures as the summary says them."""
    return (
        f"delivered {figures.sent}, unsubscribed because they blocked the bot "
        f"{figures.blocked}, failed {figures.failed}"
    )
