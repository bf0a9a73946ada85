"""The send budget: a call holds its place until a window after its answer, so no second
Telegram could count over holds more than the limit; replies go before news; news is spaced."""

from __future__ import annotations

import asyncio
import itertools
import random

from bot.outbox.telegram.budget import SendBudget, SendWindow


def test_a_call_holds_its_place_from_its_start_until_a_window_after_its_answer() -> None:
    window = SendWindow(1.0)
    window.start()
    assert window.used(0.0) == 1
    assert window.used(50.0) == 1  # in flight: however long
    window.answered(50.2)
    assert window.used(51.1) == 1
    assert window.next_free() == 51.2
    assert window.used(51.2) == 0


def _busiest_second(stamps: list[float]) -> int:
    stamps = sorted(stamps)
    return max(sum(1 for s in stamps[i:] if s < first + 1.0) for i, first in enumerate(stamps))


def test_however_late_telegram_counts_a_call_no_second_holds_more_than_the_limit() -> None:
    """A fake clock: 3,000 calls admitted as soon as the window allows, each answered after a
    delay of up to 0.3 s and stamped by "Telegram" anywhere between its start and its answer.
    Counted by the window, no second of stamps holds more than 30; counted at the start (a
    bucket's way), the same delays put well over 30 in some second."""
    rng = random.Random(7)
    window = SendWindow(1.0)
    now, stamps, starts, pending = 0.0, [], [], list[tuple[float, float]]()
    while len(stamps) < 3000:
        pending.sort()
        while pending and pending[0][0] <= now:
            answer, stamp = pending.pop(0)
            window.answered(answer)
            stamps.append(stamp)
        if window.used(now) < 30:
            window.start()
            starts.append(now)
            delay = rng.choice([0.001, 0.002, 0.3])
            pending.append((now + delay, now + rng.uniform(0, delay)))
        else:
            now += 0.001
    assert _busiest_second(stamps) <= 30
    # The same calls, had they been let through 30 a second by their starts, late by the same
    # delays: the late ones arrive among the next second's.
    even = [i / 30 for i in range(3000)]
    late = [t + (0.3 if rng.random() < 0.3 else 0.0) for t in even]
    assert _busiest_second(late) > 30


async def test_a_reply_goes_before_the_news_waiting() -> None:
    budget = SendBudget(3, headroom=1, window=0.05)
    order: list[str] = []

    async def call(name: str, *, news: bool) -> None:
        async with budget.place(news=news):
            order.append(name)

    news = [asyncio.create_task(call(f"news {i}", news=True)) for i in range(6)]
    await asyncio.sleep(0)  # the news is waiting
    reply = asyncio.create_task(call("reply", news=False))
    await asyncio.gather(*news, reply)
    assert order.index("reply") <= 1  # at most the first news call went before it
    assert sorted(order) == sorted([*(f"news {i}" for i in range(6)), "reply"])


async def test_news_is_evenly_spaced_and_leaves_the_headroom_free() -> None:
    budget = SendBudget(4, headroom=1, window=0.2)
    loop = asyncio.get_running_loop()
    started: list[float] = []

    async def news() -> None:
        async with budget.place(news=True):
            started.append(loop.time())

    await asyncio.gather(*(news() for _ in range(10)))
    assert len(started) == 10
    assert budget.news_spacing == 0.2 / 3
    gaps = [b - a for a, b in itertools.pairwise(started)]
    assert min(gaps) >= budget.news_spacing - 1e-6
    # Three of the four places at most, in any window: one is left for a reply.
    assert max(sum(1 for s in started if t <= s < t + 0.2) for t in started) <= 3


async def test_a_call_cancelled_while_waiting_gives_its_turn_away() -> None:
    budget = SendBudget(1, headroom=0, window=0.05)
    entered = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with budget.place(news=False):
            entered.set()
            await release.wait()

    first = asyncio.create_task(holder())
    await entered.wait()
    waiting = asyncio.create_task(budget.place(news=False).__aenter__())
    await asyncio.sleep(0)
    waiting.cancel()
    release.set()
    await first
    async with budget.place(news=False):  # the cancelled call took no place
        pass
    assert waiting.cancelled()
