"""The outbox dispatcher: sends what the outbox holds, woken by the commits that enqueue it.

Domain code writes what must leave the bot to the outbox in the same transaction as the change
that caused it, then wakes the dispatcher (``Services.wake_outbox()``). The dispatcher
claims due items in batches (a claim is a lease in the database), sends them through a
:class:`Sender` (to several chats at once, to each chat in order) and records the outcome:

- sent: ``mark_sent`` with the sender's result;
- a temporary failure (:class:`RetryLater`): ``schedule_retry`` after the delay Telegram asked
  for, or after an exponential backoff with jitter; the item's later siblings to the same chat
  wait behind it, so a chat receives its items in order;
- a permanent failure (:class:`PermanentFailure`): ``mark_failed``, then the fallback hears the
  reason (never the payload).

Between batches it sleeps until it is woken or the next retry is due; on start it picks up
everything pending, so items enqueued while no dispatcher ran leave when one starts. An item is
sent twice only if the process dies between Telegram's answer and ``mark_sent`` (the lease then
ends and another attempt is made); never because of a retry the dispatcher decided on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from bot.outbox.items import EMAIL, MESSAGE, WEBHOOK
from storage.outbox import DEFAULT_LEASE, OutboxItem, OutboxRepository
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)

Fallback = Callable[[OutboxItem, str], Awaitable[None]]
Clock = Callable[[], datetime]
# What became of a claimed item (see Settlement).
Fate = Literal["sent", "retry", "failed", "released"]

# After an unexpected error in a loop of the outbox (the database, say), wait this long.
LOOP_ERROR_PAUSE_SECONDS = 5.0
# Items waiting behind an earlier item to the same chat carry this as their last error.
WAITING_BEHIND = "waiting behind an earlier item to the same chat"
# Notes to the admins about undeliverable items have dedupe keys with this prefix.
NOTICE_KEY_PREFIX = "undeliverable:"


class RetryLater(Exception):
    """A temporary failure: try again after ``seconds``, or after the backoff when None."""

    def __init__(self, seconds: float | None, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds
        self.reason = reason


class PermanentFailure(Exception):
    """The item can never be delivered (no such chat, the bot blocked or removed, bad request)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sender(Protocol):
    """Delivers one outbox item, or says why it could not."""

    async def send(self, item: OutboxItem) -> Mapping[str, Any]:
        """Deliver ``item``; return what to keep (e.g. the message id).

        Raises :class:`RetryLater` or :class:`PermanentFailure`.
        """
        ...


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter: ``first * factor**(attempt-1)``, at most ``most``,
    then shortened by a random fraction of up to ``jitter``."""

    first: float = 1.0
    factor: float = 2.0
    most: float = 300.0
    jitter: float = 0.5

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1 for the first)."""
        exponent = min(max(attempt - 1, 0), 64)
        base = min(self.most, self.first * self.factor**exponent)
        return base * (1.0 - self.jitter * random.random())


@dataclass(frozen=True, slots=True)
class Settlement:
    """What became of one claimed item: sent, retried later, failed, or released at stop."""

    item_id: int
    kind: str
    attempt: int
    outcome: Fate
    reason: str | None = None
    retry_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class _Hold:
    """An item waiting for its retry, and when that is: later items to its target wait."""

    item_id: int
    until: datetime


class Dispatcher:
    """Sends due outbox items in batches; ``start()``, ``wake()`` after commits, ``stop()``."""

    def __init__(
        self,
        outbox: OutboxRepository,
        sender: Sender,
        *,
        fallback: Fallback | None = None,
        clock: Clock = utc_now,
        backoff: Backoff = Backoff(),
        batch_size: int = 20,
        concurrency: int = 8,
        lease: timedelta = DEFAULT_LEASE,
        stop_timeout: float = 10.0,
        observer: Callable[[Settlement], None] | None = None,
        wakeup: asyncio.Event | None = None,
    ) -> None:
        """Send from ``outbox`` through ``sender``.

        ``wakeup`` is the event that commits set (``Services.outbox_ready``), shared with
        :meth:`wake`; ``observer`` hears every settled item.
        """
        if batch_size < 1 or concurrency < 1:
            raise ValueError("batch_size and concurrency must be at least 1")
        self._outbox = outbox
        self._sender = sender
        self._fallback = fallback
        self._clock = clock
        self._backoff = backoff
        self._batch_size = batch_size
        self._slots = asyncio.Semaphore(concurrency)
        self._lease = lease
        self._stop_timeout = stop_timeout
        self._observer = observer
        self._woken = asyncio.Event() if wakeup is None else wakeup
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        # Targets whose earlier item waits for a retry: their later items wait behind it.
        self._held: dict[str, _Hold] = {}

    @property
    def running(self) -> bool:
        """Whether the dispatcher has been started and not stopped."""
        return self._task is not None and not self._stopping

    def start(self) -> None:
        """Start sending, beginning with everything already pending."""
        if self._task is not None:
            raise RuntimeError("the dispatcher is already running")
        self._stopping = False
        self._woken.set()
        self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")

    def wake(self) -> None:
        """Look for due items now: call after committing a transaction that enqueued some."""
        self._woken.set()

    async def stop(self) -> None:
        """Finish the sends in flight, release the claimed items not yet tried, and stop.

        Sends still running after ``stop_timeout`` are cancelled; their items are tried
        again once their lease ends.
        """
        task = self._task
        if task is None:
            return
        self._stopping = True
        self._woken.set()
        done, _ = await asyncio.wait({task}, timeout=self._stop_timeout)
        if not done:
            logger.warning(
                "outbox dispatcher still sending after %ss; cancelling", self._stop_timeout
            )
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        logger.info("outbox dispatcher stopped")

    async def _run(self) -> None:
        logger.info("outbox dispatcher started")
        while not self._stopping:
            self._woken.clear()
            delay: float | None
            try:
                items = await self._outbox.claim_due(
                    now=self._clock(), limit=self._batch_size, lease=self._lease
                )
                if items:
                    await self._send_batch(items)
                    continue
                delay = await self._seconds_to_next_due()
            except Exception:
                logger.exception(
                    "outbox dispatcher loop failed; trying again in %ss", LOOP_ERROR_PAUSE_SECONDS
                )
                delay = LOOP_ERROR_PAUSE_SECONDS
            await self._sleep(delay)

    async def _seconds_to_next_due(self) -> float | None:
        due = await self._outbox.next_due_at()
        if due is None:
            return None
        return max(0.0, (due - self._clock()).total_seconds())

    async def _sleep(self, seconds: float | None) -> None:
        """Wait until woken, or ``seconds`` (None: until woken)."""
        if seconds is not None and seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._woken.wait()

    async def _send_batch(self, items: Sequence[OutboxItem]) -> None:
        """Send to each target in claim order, to different targets concurrently."""
        lanes: dict[str, list[OutboxItem]] = {}
        for item in items:
            lanes.setdefault(item.target, []).append(item)
        async with asyncio.TaskGroup() as group:
            for lane in lanes.values():
                group.create_task(self._send_lane(lane))

    async def _send_lane(self, lane: Sequence[OutboxItem]) -> None:
        """Send one target's items in the order they were enqueued; stop at a retry."""
        ordered = sorted(lane, key=lambda item: item.id)
        async with self._slots:
            for index, item in enumerate(ordered):
                if self._stopping:
                    await self._postpone(ordered[index:], self._clock(), "released at stop")
                    return
                behind = self._waiting_behind(item)
                if behind is not None:
                    await self._postpone(ordered[index:], behind, WAITING_BEHIND)
                    return
                retry_at = await self._deliver(item)
                if retry_at is not None:
                    self._held[item.target] = _Hold(item.id, retry_at)
                    await self._postpone(ordered[index + 1 :], retry_at, WAITING_BEHIND)
                    # The target's other pending items wait too, so that the next claims
                    # take other chats' items rather than these only to put them back.
                    await self._outbox.hold_target(
                        item.target, after=item.id, until=retry_at, reason=WAITING_BEHIND
                    )
                    return
                hold = self._held.get(item.target)
                if hold is not None and hold.item_id == item.id:
                    del self._held[item.target]

    def _waiting_behind(self, item: OutboxItem) -> datetime | None:
        """When an earlier item to the same target is due again, if ``item`` must wait for it.

        A hold ends when that item is settled, or a lease after its retry time (it was
        taken elsewhere, say), so a lost hold cannot stop a chat for good.
        """
        hold = self._held.get(item.target)
        if hold is None or item.id <= hold.item_id:
            return None
        if self._clock() >= hold.until + self._lease:
            del self._held[item.target]
            return None
        return hold.until

    async def _deliver(self, item: OutboxItem) -> datetime | None:
        """Try one item and record the outcome; return when to retry it, if it is to be."""
        try:
            result = await self._sender.send(item)
        except RetryLater as error:
            return await self._retry(item, error.seconds, error.reason)
        except PermanentFailure as error:
            await self._fail(item, error.reason)
            return None
        except Exception as error:  # a bug or an unforeseen failure: keep the item, retry
            logger.exception(
                "outbox item %s (%s): unexpected error while sending", item.id, item.kind
            )
            return await self._retry(item, None, f"unexpected {type(error).__name__}")
        await self._outbox.mark_sent(item.id, now=self._clock(), result=result)
        logger.info("outbox item %s (%s) sent at attempt %s", item.id, item.kind, item.attempts)
        self._notify(Settlement(item.id, item.kind, item.attempts, "sent"))
        return None

    async def _retry(self, item: OutboxItem, seconds: float | None, reason: str) -> datetime:
        delay = self._backoff.delay(item.attempts) if seconds is None else max(0.0, seconds)
        retry_at = self._clock() + timedelta(seconds=delay)
        logger.info(
            "outbox item %s (%s) attempt %s not sent (%s); next try in %.3fs",
            item.id,
            item.kind,
            item.attempts,
            reason,
            delay,
        )
        await self._outbox.schedule_retry(item.id, next_attempt_at=retry_at, error=reason)
        self._notify(Settlement(item.id, item.kind, item.attempts, "retry", reason, retry_at))
        return retry_at

    async def _fail(self, item: OutboxItem, reason: str) -> None:
        logger.warning(
            "outbox item %s (%s) undeliverable at attempt %s: %s",
            item.id,
            item.kind,
            item.attempts,
            reason,
        )
        await self._outbox.mark_failed(item.id, error=reason)
        self._notify(Settlement(item.id, item.kind, item.attempts, "failed", reason))
        if self._fallback is not None:
            try:
                await self._fallback(item, reason)
            except Exception:
                logger.exception("the fallback for outbox item %s failed", item.id)

    async def _postpone(self, items: Sequence[OutboxItem], until: datetime, reason: str) -> None:
        """Give claimed but untried items back, due at ``until``: one statement, and their
        claim does not count as an attempt."""
        if not items:
            return
        await self._outbox.release([item.id for item in items], until=until, reason=reason)
        for item in items:
            self._notify(
                Settlement(item.id, item.kind, item.attempts - 1, "released", reason, until)
            )

    def _notify(self, settlement: Settlement) -> None:
        if self._observer is not None:
            try:
                self._observer(settlement)
            except Exception:
                logger.exception("the outbox observer failed")


def undeliverable_note(item: OutboxItem, reason: str) -> str:
    """What the admins are told about an item that cannot be delivered: never its contents.

    A group chat (an agency's) is named by id; a private chat (a resident's) is not. An e-mail
    or a webhook call names the agency (from the item's key), not the address or URL, which may
    carry a token.
    """
    note = f"Could not deliver outbox item {item.id} ({item.kind})"
    if item.kind in (EMAIL, WEBHOOK):
        parts = (item.dedupe_key or "").split(":")
        agency = f" of agency '{parts[2]}'" if len(parts) == 3 and parts[2] else ""
        setting = "email and [smtp]" if item.kind == EMAIL else "webhook_url and its secret"
        return (
            f"{note} to the {item.kind.replace('email', 'e-mail')} address{agency}: {reason}. "
            f"Check the agency's {setting} in the configuration."
        )
    if not item.target.startswith("-"):
        return f"{note} to a private chat: {reason}."
    return (
        f"{note} to chat {item.target}: {reason}. "
        "Check the chat id in the configuration and that the bot is still a member."
    )


class AdminNotice:
    """The app's fallback: a short note to the admins, itself sent through the outbox.

    Each note has a dedupe key naming the failed item, so it is written once; a note that
    cannot be delivered is only logged, so a broken admins' chat does not loop.
    """

    def __init__(
        self, outbox: OutboxRepository, targets: Sequence[str], wake: Callable[[], None]
    ) -> None:
        """Tell ``targets`` (chat ids as text) through ``outbox``, then ``wake``."""
        self._outbox = outbox
        self._targets = tuple(targets)
        self._wake = wake

    async def __call__(self, item: OutboxItem, reason: str) -> None:
        """Enqueue the note about ``item`` for each admin target."""
        if item.dedupe_key is not None and item.dedupe_key.startswith(NOTICE_KEY_PREFIX):
            logger.error("a note to the admins (outbox item %s) failed: %s", item.id, reason)
            return
        text = undeliverable_note(item, reason)
        for target in self._targets:
            await self._outbox.enqueue(
                MESSAGE,
                target,
                {"text": text},
                dedupe_key=f"{NOTICE_KEY_PREFIX}{item.id}:{target}",
            )
        self._wake()
