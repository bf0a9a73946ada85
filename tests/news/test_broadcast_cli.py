"""`safetybot broadcast FILE` and `safetybot broadcasts`: the Markdown converted and checked,
a dry run that stores nothing, no queueing without a running bot, --standalone refused beside
a bot that heartbeats, scheduling, listing and cancelling; bad input exits 2."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.emulator import EmulatorClient
from bot.news.heartbeat import STALE_AFTER
from storage.broadcasts import BroadcastRepository
from storage.db import Database
from storage.heartbeat import HeartbeatRepository
from storage.subscribers import SubscriberRepository
from tests.support.harness import TOKEN, load, running_bot
from tests.support.news import FAST, started_users, texts_of

NEWS = """# Winter newsletter

Fly tips **cleared** & graffiti <gone>.

- Lock your shed
- Mark your bike
"""


@pytest.fixture
def news(tmp_path: Path) -> Path:
    path = tmp_path / "winter.md"
    path.write_text(NEWS, encoding="utf-8")
    return path


def _run(config: Path, *args: str) -> int:
    return main([*args, "--config", str(config)])


async def _subscribe(config_path: Path, chats: list[int], topic: str = "newsletter") -> None:
    async with await Database.open(load(config_path).storage.database) as db:
        for chat in chats:
            await SubscriberRepository(db).subscribe(chat, topic, "*", now=datetime.now(UTC))


async def _stored(config_path: Path) -> list[object]:
    async with await Database.open(load(config_path).storage.database) as db:
        return list(await BroadcastRepository(db).recent())


def test_a_dry_run_before_any_bot_ran_makes_no_database(
    config_path: Path, news: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The parts are printed as Telegram HTML and nobody is reached; no database appears."""
    assert _run(config_path, "broadcast", str(news), "--topic", "newsletter", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "--- message 1 of 1 ---" in out
    assert "<b>Winter newsletter</b>" in out
    assert "Fly tips <b>cleared</b> &amp; graffiti &lt;gone&gt;." in out
    assert "• Lock your shed\n• Mark your bike" in out
    assert "it would reach 0 subscribers now" in out
    assert not load(config_path).storage.database.exists()


async def test_a_dry_run_counts_the_audience_and_stores_nothing(
    config_path: Path, news: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two newsletter subscribers and one of another topic: two are reached; no item stored."""
    await _subscribe(config_path, [501, 502])
    await _subscribe(config_path, [503], topic="scam-alerts")
    args = ("broadcast", str(news), "--topic", "newsletter", "--dry-run")
    assert await asyncio.to_thread(_run, config_path, *args) == 0
    assert "it would reach 2 subscribers now" in capsys.readouterr().out
    assert await _stored(config_path) == []


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--topic", "gossip"], "Unknown topic: gossip. The topics are: crime-alerts"),
        (["--topic", "newsletter", "--area", "mars"], "Unknown area: mars. The areas are:"),
        (["--topic", "newsletter", "--at", "next tuesday"], "is not a time written like"),
        (["--topic", "newsletter", "--at", "2020-01-01 09:00"], "already passed"),
        (["--topic", "newsletter", "--at", "2030-03-31 01:30"], "clocks go forward"),
        (["--topic", "newsletter", "--dry-run", "--standalone"], "choose one"),
        (["--topic", "newsletter", "--photo", "missing.jpg"], "Could not read the photo"),
    ],
)
def test_bad_input_exits_2_saying_why(
    config_path: Path,
    news: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    said: str,
) -> None:
    """Each mistake is named; nothing is queued."""
    assert _run(config_path, "broadcast", str(news), *options) == 2
    assert said in capsys.readouterr().err


def test_a_missing_or_empty_file_exits_2(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not there, or has no words, is bad input."""
    assert _run(config_path, "broadcast", str(tmp_path / "none.md"), "--topic", "newsletter") == 2
    assert "Could not read" in capsys.readouterr().err
    empty = tmp_path / "empty.md"
    empty.write_text("\n\n   \n", encoding="utf-8")
    assert _run(config_path, "broadcast", str(empty), "--topic", "newsletter", "--dry-run") == 2
    assert "There is no text to send" in capsys.readouterr().err


async def test_without_a_running_bot_nothing_is_queued(
    config_path: Path, news: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No heartbeat, or one from a bot that died long ago: it says so, exits 1, queues
    nothing."""
    await _subscribe(config_path, [501])
    args = ("broadcast", str(news), "--topic", "newsletter")
    assert await asyncio.to_thread(_run, config_path, *args) == 1
    assert "No bot is running on" in capsys.readouterr().err
    async with await Database.open(load(config_path).storage.database) as db:
        long_ago = datetime.now(UTC) - STALE_AFTER - timedelta(seconds=1)
        await HeartbeatRepository(db).beat(4242, started_at=long_ago, now=long_ago)
    assert await asyncio.to_thread(_run, config_path, *args) == 1
    assert "No bot is running on" in capsys.readouterr().err
    assert await _stored(config_path) == []


async def test_standalone_is_refused_while_a_bot_runs(
    client: EmulatorClient, config_path: Path, news: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The running bot's heartbeat is there from its start: --standalone exits 1 and sends
    nothing; once the bot stopped, the heartbeat is gone."""
    await _subscribe(config_path, [501])
    args = ("broadcast", str(news), "--topic", "newsletter", "--standalone")
    async with running_bot(load(config_path)):
        status = await asyncio.to_thread(_run, config_path, *args)
    assert status == 1
    assert "A bot is running on" in capsys.readouterr().err
    assert await _stored(config_path) == []
    async with await Database.open(load(config_path).storage.database) as db:
        assert await HeartbeatRepository(db).last() is None


async def test_a_scheduled_item_is_listed_and_can_be_cancelled(
    config_path: Path, news: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no bot running an item for later is queued with a warning; `broadcasts` lists it
    as scheduled; --cancel cancels it once, and a second time is refused."""
    await _subscribe(config_path, [501, 502])
    at = "2030-06-01 09:30"
    args = ("broadcast", str(news), "--topic", "newsletter", "--area", "harpenden", "--at", at)
    assert await asyncio.to_thread(_run, config_path, *args) == 0
    said = capsys.readouterr()
    assert "Broadcast 1 is scheduled for Sat 1 Jun 2030 09:30" in said.out
    assert "no bot is running" in said.err
    assert await asyncio.to_thread(_run, config_path, "broadcasts") == 0
    listed = capsys.readouterr().out
    assert "   1  scheduled  2030-06-01 09:30  Winter newsletter  [newsletter; harpenden]" in listed
    assert "delivered 0, blocked 0, failed 0, pending 0" in listed
    assert await asyncio.to_thread(_run, config_path, "broadcasts", "--cancel", "1") == 0
    assert "Broadcast 1 is cancelled." in capsys.readouterr().out
    assert await asyncio.to_thread(_run, config_path, "broadcasts", "--cancel", "1") == 2
    assert "has not started sending can be cancelled" in capsys.readouterr().err
    assert await asyncio.to_thread(_run, config_path, "broadcasts", "--cancel", "9") == 2
    assert "There is no broadcast 9" in capsys.readouterr().err


async def test_a_queued_item_is_sent_by_the_running_bot(
    client: EmulatorClient, config_path: Path, news: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command hands the item to the running bot, follows it to the end and prints the
    figures; each newsletter subscriber has the converted message, the others nothing."""
    config = load(config_path)
    async with running_bot(config, engine_timing=FAST):
        readers = await started_users(client, 2)
        other = await started_users(client, 1, first_id=700101)
        await _subscribe(config_path, readers)
        await _subscribe(config_path, other, topic="scam-alerts")
        args = ("broadcast", str(news), "--topic", "newsletter")
        status = await asyncio.to_thread(_run, config_path, *args)
        said = capsys.readouterr()
    assert status == 0, said.err
    assert "Broadcast 1 is queued for the running bot (2 subscribers)." in said.out
    assert (
        "Broadcast 1 is sent: delivered 2, unsubscribed because they blocked the bot 0" in said.out
    )
    for reader in readers:
        (message,) = [t for t in texts_of(await client.messages(reader)) if "Winter" in t]
        assert message.startswith("Winter newsletter\n\nFly tips cleared & graffiti <gone>.")
    assert not [t for t in texts_of(await client.messages(other[0])) if "Winter" in t]


async def test_standalone_sends_from_the_command_when_no_bot_runs(
    client: EmulatorClient,
    config_path: Path,
    news: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the bot stopped, --standalone sends with the token itself: one subscriber who
    blocked the bot is unsubscribed, the other gets it; the heartbeat it wrote is gone after."""
    config = load(config_path)
    async with running_bot(config):
        readers = await started_users(client, 2)
    await _subscribe(config_path, readers)
    await client.block(readers[1])
    monkeypatch.setenv("SAFETYBOT_TOKEN", TOKEN)
    args = ("broadcast", str(news), "--topic", "newsletter", "--standalone")
    status = await asyncio.to_thread(_run, config_path, *args)
    said = capsys.readouterr()
    assert status == 0, said.err
    assert "Broadcast 1 is sending from this command (2 subscribers)." in said.out
    assert "delivered 1, unsubscribed because they blocked the bot 1, failed 0" in said.out
    assert [t for t in texts_of(await client.messages(readers[0])) if "Winter" in t]
    async with await Database.open(config.storage.database) as db:
        assert await HeartbeatRepository(db).last() is None
        assert await SubscriberRepository(db).subscriptions(readers[1]) == []


def test_standalone_without_a_token_says_how(
    config_path: Path,
    news: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No SAFETYBOT_TOKEN: exit 2, naming it; nothing queued."""
    monkeypatch.delenv("SAFETYBOT_TOKEN", raising=False)
    args = ("broadcast", str(news), "--topic", "newsletter", "--standalone")
    assert _run(config_path, *args) == 2
    assert "set SAFETYBOT_TOKEN" in capsys.readouterr().err
