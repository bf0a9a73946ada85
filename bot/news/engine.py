"""The broadcast engine in the running bot: sends what is queued, resumably, urgent first.

It wakes when an item is queued in this process (``wakeup``) and looks every ``poll_seconds``
for items queued by another process (the command line) or falling due. For each item it
snapshots the recipients into deliveries (one transaction), then sends every recipient every
part, several recipients side by side; each part delivered is committed with its message id
before the next, so after a kill nobody is sent a part twice (but for the instant between
Telegram's answer and the commit). An urgent item queued mid-newsletter is started at once;
the newsletter carries on after it. Corrections and withdrawals are applied to every copy.

Outcomes per recipient: a chat that blocked the bot or is gone is unsubscribed; a group that
became a supergroup is followed; flood control waits as long as Telegram asks (all senders
pause); server and network faults back off and retry, then fail that delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.news.broadcasts import BroadcastService, Part, Photo, parts_of, photo_of, target_of
from bot.news.texts import progress_text
from bot.outbox.news import Moved, NewsSender, Rejected, TryAgain, Unreachable
from storage.broadcasts import Broadcast, Delivery
from storage.subscribers import SubscriberRepository
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class EngineTiming:
    """How the engine paces itself (tests shorten the waits)."""

    poll_seconds: float = 2.0  # how often to look for items queued elsewhere or falling due
    progress_seconds: float = 3.0  # how often the progress message is edited
    concurrency: int = 40  # recipients sent to side by side (the rate limiter paces them)
    max_attempts: int = 5  # tries of one part through server faults before it fails
    backoff_seconds: float = 1.0  # the first wait after a server fault; doubles each time
    max_backoff_seconds: float = 60.0


async def _finish(running: list[asyncio.Task[None]]) -> None:
    """Wait for the batches in flight, and forget them."""
    while running:
        await running.pop(0)


class _Preempted(Exception):
    """An urgent item is waiting: stop this one where it is; it resumes later."""


class BroadcastEngine:
    """Sends broadcasts from the database (see the module's docstring)."""

    def __init__(
        self,
        service: BroadcastService,
        sender: NewsSender,
        *,
        wakeup: asyncio.Event,
        timing: EngineTiming | None = None,
        clock: Clock = utc_now,
    ) -> None:
        """Send the service's broadcasts with ``sender``; ``wakeup`` is set on each change."""
        self._service = service
        self._repo = service.repository
        self._subscribers = SubscriberRepository(service.db)
        self._sender = sender
        self._wakeup = wakeup
        self._timing = timing or EngineTiming()
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._paused_until = 0.0  # loop time before which no part is sent (flood control)

    def start(self) -> None:
        """Start working in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="broadcast-engine")

    async def stop(self) -> None:
        """Stop (what was committed stays; the rest resumes at the next start)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            try:
                busy = await self.work_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("broadcast engine: unexpected error; trying again shortly")
                busy = False
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self._timing.poll_seconds)
            self._wakeup.clear()

    async def work_once(self) -> bool:
        """Do the most pressing piece of work; False if there was none."""
        due = await self._repo.due(now=self._clock())
        if due:
            await self._send(due[0])
            return True
        to_fix = await self._repo.with_copies_to_fix()
        if to_fix:
            await self._fix_copies(to_fix[0])
            return True
        return False

    # Sending

    async def _send(self, broadcast: Broadcast) -> None:
        if broadcast.state in ("queued", "scheduled"):
            broadcast = await self._snapshot(broadcast)
        progress = asyncio.create_task(self._keep_progress(broadcast.id))
        # The next batch starts while the last is still being sent (two batches of
        # ``concurrency`` recipients side by side), so that the rate limiter always has news
        # waiting rather than an idle moment at the end of each batch. Batches go forward by
        # chat id; once past the last, what is still pending (none, but for a chat that
        # moved) is swept again from the first, after the batches in flight are done, so that
        # no chat is in two batches at once.
        running: list[asyncio.Task[None]] = []
        after: int | None = None
        try:
            while True:
                current = await self._repo.get(broadcast.id)
                assert current is not None
                if current.withdrawn_at is not None:
                    await _finish(running)
                    await self._close_pending(current.id, "withdrawn")
                    break
                if (
                    after is not None
                    and not current.urgent
                    and await self._urgent_waiting(current.id)
                ):
                    await _finish(running)
                    raise _Preempted
                size = self._timing.concurrency
                batch = await self._repo.pending(current.id, limit=size, after=after)
                if not batch:
                    await _finish(running)
                    if after is None:
                        break
                    after = None
                    continue
                after = batch[-1].chat_id
                running.append(asyncio.create_task(self._send_batch(current, batch)))
                photo = photo_of(current)
                if len(running) > 1 or (photo is not None and photo.file_id is None):
                    await running.pop(0)  # (a photo is uploaded once, before the next batch)
        except _Preempted:
            logger.info("broadcast %s paused for an urgent one", broadcast.id)
            return
        finally:
            for task in running:  # only when cancelled or failing: stop the batches too
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            progress.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await progress
        await self._repo.set_state(broadcast.id, "done", now=self._clock())
        await self._show_progress(broadcast.id, final=True)
        logger.info("broadcast %s done", broadcast.id)

    async def _snapshot(self, broadcast: Broadcast) -> Broadcast:
        """Write every recipient's delivery and start sending, in one transaction."""
        now = self._clock()
        target = target_of(broadcast)
        recipients = await self._service.recipients(broadcast.topics, target)
        async with self._service.db.transaction():
            await self._repo.add_recipients(
                broadcast.id,
                [
                    (r.chat_id, self._service.silent_for(r, urgent=broadcast.urgent, at=now))
                    for r in recipients
                ],
                revision=broadcast.revision,
            )
            await self._repo.set_state(broadcast.id, "sending", now=now)
        logger.info("broadcast %s: sending to %s chats", broadcast.id, len(recipients))
        started = await self._repo.get(broadcast.id)
        assert started is not None
        return started

    async def _send_batch(self, broadcast: Broadcast, batch: list[Delivery]) -> None:
        parts = parts_of(broadcast.html, photo_of(broadcast))
        limit = asyncio.Semaphore(self._timing.concurrency)
        state = _PhotoState(photo_of(broadcast))

        async def one(delivery: Delivery) -> None:
            async with limit:
                await self._deliver(broadcast, parts, state, delivery)

        if parts[0].photo is not None and state.needs_upload:
            await one(batch[0])  # upload the photo once; the others send its file id
            batch = batch[1:]
        await asyncio.gather(*(one(d) for d in batch))

    async def _urgent_waiting(self, broadcast_id: int) -> bool:
        due = await self._repo.due(now=self._clock())
        return any(b.urgent and b.id != broadcast_id for b in due)

    async def _deliver(
        self, broadcast: Broadcast, parts: list[Part], photo: _PhotoState, delivery: Delivery
    ) -> None:
        """Send one recipient the parts it has not had yet, each committed as it goes."""
        chat_id = delivery.chat_id
        attempts = 0
        index = delivery.parts_sent
        while index < len(parts):
            part = parts[index]
            await self._wait_for_pause()
            try:
                if part.photo is not None:
                    sent = await self._sender.send_photo(
                        chat_id, photo.source(), part.html, silent=delivery.silent
                    )
                    if sent.file_id is not None and photo.learn(sent.file_id):
                        await self._repo.set_photo_file_id(broadcast.id, sent.file_id)
                else:
                    sent = await self._sender.send_text(chat_id, part.html, silent=delivery.silent)
            except Unreachable as error:
                await self._repo.finish(broadcast.id, chat_id, "blocked", error=str(error))
                await self._subscribers.mark_blocked(chat_id, now=self._clock())
                return
            except Moved as moved:
                await self._repo.move_chat(broadcast.id, chat_id, moved.new_chat_id)
                chat_id = moved.new_chat_id
                continue
            except TryAgain as error:
                attempts += 1
                if error.after is not None:  # flood control: everyone waits as asked
                    self._pause(error.after)
                    continue
                if attempts >= self._timing.max_attempts:
                    await self._repo.finish(broadcast.id, chat_id, "failed", error=str(error))
                    return
                await self._repo.count_attempt(broadcast.id, chat_id, str(error))
                await asyncio.sleep(self._backoff(attempts))
                continue
            except Rejected as error:
                await self._repo.finish(broadcast.id, chat_id, "failed", error=str(error))
                return
            await self._repo.record_part(broadcast.id, chat_id, sent.message_id, now=self._clock())
            index += 1
            attempts = 0
        await self._repo.finish(broadcast.id, chat_id, "sent")

    async def _close_pending(self, broadcast_id: int, reason: str) -> None:
        while batch := await self._repo.pending(broadcast_id, limit=500):
            for delivery in batch:
                await self._repo.finish(broadcast_id, delivery.chat_id, "failed", error=reason)

    # Corrections and withdrawals

    async def _fix_copies(self, broadcast: Broadcast) -> None:
        parts = parts_of(broadcast.html, photo_of(broadcast))
        withdrawn = broadcast.withdrawn_at is not None
        while batch := await self._repo.copies_to_fix(broadcast.id, limit=200):
            for delivery in batch:
                await self._fix_copy(broadcast, parts, delivery, withdrawn=withdrawn)
        logger.info("broadcast %s: copies %s", broadcast.id, "deleted" if withdrawn else "edited")

    async def _fix_copy(
        self, broadcast: Broadcast, parts: list[Part], delivery: Delivery, *, withdrawn: bool
    ) -> None:
        for index, message_id in enumerate(delivery.message_ids):
            attempts = 0
            while True:
                await self._wait_for_pause()
                try:
                    if withdrawn:
                        await self._sender.delete(delivery.chat_id, message_id)
                    elif index < len(parts) and parts[index].photo is not None:
                        await self._sender.edit_caption(
                            delivery.chat_id, message_id, parts[index].html
                        )
                    elif index < len(parts):
                        await self._sender.edit_text(
                            delivery.chat_id, message_id, parts[index].html
                        )
                    break
                except TryAgain as error:
                    attempts += 1
                    if error.after is not None:
                        self._pause(error.after)
                    elif attempts >= self._timing.max_attempts:
                        break
                    else:
                        await asyncio.sleep(self._backoff(attempts))
                except (Unreachable, Moved, Rejected) as error:
                    logger.info("broadcast %s: a copy not fixed: %s", broadcast.id, error)
                    break
        await self._repo.mark_copy_fixed(
            broadcast.id,
            delivery.chat_id,
            revision=None if withdrawn else broadcast.revision,
            withdrawn=withdrawn,
        )

    # Pacing and progress

    def _pause(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._paused_until = max(self._paused_until, loop.time() + seconds)

    async def _wait_for_pause(self) -> None:
        loop = asyncio.get_running_loop()
        wait = self._paused_until - loop.time()
        while wait > 0:  # a later 429 may have moved the end of the pause on
            await asyncio.sleep(wait)
            wait = self._paused_until - loop.time()

    def _backoff(self, attempts: int) -> float:
        timing = self._timing
        return float(min(timing.max_backoff_seconds, timing.backoff_seconds * 2 ** (attempts - 1)))

    async def _keep_progress(self, broadcast_id: int) -> None:
        while True:
            await asyncio.sleep(self._timing.progress_seconds)
            await self._show_progress(broadcast_id, final=False)

    async def _show_progress(self, broadcast_id: int, *, final: bool) -> None:
        overview = await self._service.summary(broadcast_id)
        broadcast = overview.broadcast
        if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
            return
        await self._sender.show_progress(
            broadcast.progress_chat_id,
            broadcast.progress_message_id,
            progress_text(broadcast, overview.summary, final=final),
        )


class _PhotoState:
    """The item's photo: uploaded from its bytes once, then sent by Telegram's file id."""

    def __init__(self, photo: Photo | None) -> None:
        self._file_id = None if photo is None else photo.file_id
        self._data = None if photo is None else photo.data

    @property
    def needs_upload(self) -> bool:
        """Whether Telegram has no file id for the photo yet."""
        return self._file_id is None

    def source(self) -> str | bytes:
        if self._file_id is not None:
            return self._file_id
        assert self._data is not None
        return self._data

    def learn(self, file_id: str) -> bool:
        """Keep the file id of the first upload; True if it was new."""
        if self._file_id is not None:
            return False
        self._file_id = file_id
        return True
