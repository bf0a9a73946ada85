"""A burst of residents completing whole reports at once, beside a bare PTB echo bot.

Starts the emulated Bot API, safetybot (``python -m bot run``) and a bare python-telegram-bot
echo bot as separate processes, then:

- safetybot: N residents start at once, each completing one graffiti report step by step
  (/report, the danger question, the category, three answers, a pin, when, a typed description,
  no photos, keep me updated, submit), each step waiting for the bot's answer like a person;
- echo bot: the same N residents each send as many plain texts, each waiting for its echo.

For each bot it prints updates per second (updates / wall time from the first send to the last
reply), the median and p99 time from sending an update to the bot's first reply in that chat, the
bot process's peak RSS (VmHWM) and its CPU time per update over the burst (steadier than wall
time on a small machine, where the bot, the emulator and the residents share the cores). For
safetybot it then opens the database and checks that there are exactly N reports, each resident
got exactly one reference, and each reference belongs to that resident's chat and carries that
resident's own description.

One event-reader task long-polls ``/client/events`` and hands the bot's messages to per-chat
queues; the residents' HTTP calls share one connection pool and a bounded number of slots.
Telegram's flood limits are off in the emulator and raised in safetybot's config, and geocoding
is off (pins need none), so the figures measure the software.

Run: ``python bench/report_burst.py [--residents N] [--description-chars N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import socket
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import tomli_w

from bot.config import default_config_data, default_config_text, parse_config
from bot.emulator import EmulatorClient
from bot.emulator.client import buttons
from bot.geo import Locator

REPO = Path(__file__).resolve().parents[1]
SAFETYBOT = ("333333:bench-burst-safetybot-token", 333333)
ECHO = ("444444:bench-burst-echo-token", 444444)
GOAL = 0.8
DUPLICATE_RADIUS_M = 250
GRID_SPACING_M = 300  # residents' pins at least this far apart: no duplicate offers
REFERENCE = re.compile(r"Your reference: ([A-Z0-9-]+)")
IS_NEW = "No, mine is a new one"

Message = dict[str, Any]
Predicate = Callable[[Message], bool]


class StepFailed(Exception):
    """The bot did not answer a step as expected in time."""


def _text(message: Message) -> str:
    return str(message.get("text") or message.get("caption") or "")


def has_button(label: str) -> Predicate:
    """A message carrying an inline button with this label."""
    return lambda message: label in buttons(message)


def says(part: str) -> Predicate:
    """A message whose text contains ``part``."""
    return lambda message: part in _text(message)


def is_reference_or_duplicates(message: Message) -> bool:
    """The confirmation with a reference, or the offer of possible duplicates."""
    return "Your reference" in _text(message) or IS_NEW in buttons(message)


# -- processes ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _spawn(
    *args: str, token: str | None = None, log: Path | None = None
) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if token:
        env["SAFETYBOT_TOKEN"] = token
    with contextlib.ExitStack() as stack:
        stderr: Any = asyncio.subprocess.DEVNULL
        if log is not None:
            stderr = stack.enter_context(log.open("ab"))
        return await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=REPO,
            env=env,
            stdout=stderr,
            stderr=stderr,
        )


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 60)
        except TimeoutError:
            process.kill()
            await process.wait()


def _cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system), in seconds; NaN if unreadable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return math.nan
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MiB; NaN if unreadable."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return math.nan
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else math.nan


async def _wait_for_server(url: str) -> None:
    async with EmulatorClient(url) as client:
        for _ in range(200):
            try:
                await client.state()
                return
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    raise RuntimeError(f"the emulator at {url} did not start")


# -- the bench's client ---------------------------------------------------------------------


class PooledClient(EmulatorClient):
    """The emulator client over a connection pool large enough for the burst.

    ``EmulatorClient`` has no pool option, so this builds its own ``httpx.AsyncClient``.
    """

    def __init__(self, url: str, *, connections: int, timeout: float = 120.0) -> None:
        self.url = url.rstrip("/")
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self._http = httpx.AsyncClient(
            base_url=f"{self.url}/client", timeout=timeout, limits=limits
        )


@dataclass
class Arrival:
    """A bot message as the reader saw it: when it came, its event seq, the message."""

    at: float
    seq: int
    message: Message


class Mailboxes:
    """One task long-polls the event feed and files the bot's messages into per-chat queues."""

    def __init__(self, client: EmulatorClient, bot_id: int, cursor: int) -> None:
        self._client = client
        self._bot_id = bot_id
        self._cursor = cursor
        self._queues: dict[int, asyncio.Queue[Arrival]] = {}
        self.references: dict[int, list[str]] = {}  # every reference seen, by chat
        self.polls = 0
        self.events = 0
        self._task: asyncio.Task[None] | None = None

    def queue(self, chat_id: int) -> asyncio.Queue[Arrival]:
        """The chat's queue of bot messages not yet taken."""
        return self._queues.setdefault(chat_id, asyncio.Queue())

    def start(self) -> None:
        """Start reading."""
        self._task = asyncio.create_task(self._read())

    async def stop(self) -> None:
        """Stop reading."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _read(self) -> None:
        while True:
            events, _ = await self._client.events(after=self._cursor, timeout=10, limit=5000)
            now = time.perf_counter()
            self.polls += 1
            self.events += len(events)
            for event in events:
                self._cursor = int(event["seq"])
                if event["type"] != "bot_message" or event["bot_id"] != self._bot_id:
                    continue
                chat = int(event["chat_id"])
                message = event["message"]
                found = REFERENCE.search(_text(message))
                if found:
                    self.references.setdefault(chat, []).append(found.group(1))
                self.queue(chat).put_nowait(Arrival(now, int(event["seq"]), message))


@dataclass
class Run:
    """What one bot's burst measured."""

    name: str
    updates: int = 0
    samples: list[float] = field(default_factory=list)  # seconds from send to first reply
    first_send: float = math.inf
    last_reply: float = 0.0
    failures: list[str] = field(default_factory=list)
    stray: int = 0  # bot messages left from before a step's update
    peak_rss_mib: float = math.nan
    cpu_seconds: float = math.nan  # the bot process's CPU time over the burst

    @property
    def seconds(self) -> float:
        return max(self.last_reply - self.first_send, 1e-9)

    @property
    def updates_per_second(self) -> float:
        return self.updates / self.seconds

    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000 if self.samples else math.nan

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.samples)
        if not ordered:
            return math.nan
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] * 1000


class Person:
    """One resident acting through the shared client, one step at a time."""

    def __init__(
        self,
        client: EmulatorClient,
        mail: Mailboxes,
        gate: asyncio.Semaphore,
        run: Run,
        user: int,
        bot_id: int,
        wait_seconds: float,
    ) -> None:
        self.client, self.mail, self.gate, self.run = client, mail, gate, run
        self.user, self.bot_id, self.wait_seconds = user, bot_id, wait_seconds
        self.queue = mail.queue(user)  # the private chat's id is the user's id

    async def step(self, action: Callable[[], Any], until: Predicate, what: str) -> Message:
        """Do one thing, then wait for the bot's message matching ``until``; record the time
        from sending to the bot's first message after it."""
        start = time.perf_counter()
        self.run.first_send = min(self.run.first_send, start)
        async with self.gate:
            sent = await action()
        self.run.updates += 1
        first: float | None = None
        deadline = start + self.wait_seconds
        while True:
            try:
                arrival = await asyncio.wait_for(self.queue.get(), deadline - time.perf_counter())
            except TimeoutError:
                raise StepFailed(
                    f"chat {self.user}: no answer to {what} in {self.wait_seconds:.0f}s"
                ) from None
            if arrival.seq < sent.seq:
                self.run.stray += 1
                continue
            if first is None:
                first = arrival.at
                self.run.samples.append(max(first - start, 0.0))
            if until(arrival.message):
                self.run.last_reply = max(self.run.last_reply, arrival.at)
                return arrival.message

    def send_text(self, text: str) -> Callable[[], Any]:
        return lambda: self.client.send_text(self.user, text, bot=self.bot_id)

    def press(self, label: str, on: Message) -> Callable[[], Any]:
        return lambda: self.client.press(
            self.user, None, label, message_id=int(on["message_id"]), bot=self.bot_id
        )

    def pin(self, latitude: float, longitude: float) -> Callable[[], Any]:
        return lambda: self.client.send_location(self.user, latitude, longitude, bot=self.bot_id)

    async def tap(self, label: str, on: Message, until: Predicate) -> Message:
        return await self.step(self.press(label, on), until, repr(label))


REPORT_STEPS = 12  # updates in one report without a duplicate offer


async def complete_report(
    person: Person, point: tuple[float, float], description: str
) -> str | None:
    """One resident's whole graffiti report; returns the reference the bot gave."""
    p = person
    m = await p.step(p.send_text("/report"), has_button("No, nobody is in danger"), "/report")
    m = await p.tap("No, nobody is in danger", m, has_button("Graffiti"))
    m = await p.tap("Graffiti", m, has_button("No"))
    m = await p.tap("No", m, has_button("Council property"))
    m = await p.tap("Council property", m, has_button("Smaller than an A4 sheet"))
    m = await p.tap("Smaller than an A4 sheet", m, says("Where is it?"))
    m = await p.step(p.pin(*point), has_button("Now or just now"), "the pin")
    m = await p.tap("Now or just now", m, says("Describe what you saw"))
    m = await p.step(p.send_text(description), has_button("No photos"), "the description")
    m = await p.tap("No photos", m, has_button("Keep me updated here"))
    m = await p.tap("Keep me updated here", m, has_button("Submit report"))
    m = await p.tap("Submit report", m, is_reference_or_duplicates)
    if IS_NEW in buttons(m):
        m = await p.tap(IS_NEW, m, says("Your reference"))
    found = REFERENCE.search(_text(m))
    return found.group(1) if found else None


async def echo_texts(person: Person, count: int, index: int) -> None:
    """One resident's plain texts to the echo bot, each waiting for its echo."""
    for n in range(count):
        text = f"Resident {index} says hello {n}"
        await person.step(person.send_text(text), lambda m, t=text: _text(m) == t, f"text {n}")


# -- residents' pins ------------------------------------------------------------------------


def spread_points(count: int) -> list[tuple[float, float]]:
    """Points inside the district on a grid wider than the duplicate radius, nearest St Albans
    first; cycles (so duplicates get offered) only when the district has too few."""
    config = parse_config(default_config_text(), base_dir=REPO)
    locator = Locator.from_config(config.geography)
    bounds = locator.bounds
    step_lat = GRID_SPACING_M / 111_195
    step_lon = step_lat / math.cos(math.radians((bounds.south + bounds.north) / 2))
    inside = []
    rows = int((bounds.north - bounds.south) / step_lat) + 1
    columns = int((bounds.east - bounds.west) / step_lon) + 1
    for row in range(rows):
        for column in range(columns):
            lat = round(bounds.south + row * step_lat, 6)
            lon = round(bounds.west + column * step_lon, 6)
            if locator.locate(lat, lon).verdict == "inside":
                inside.append((lat, lon))
    inside.sort(key=lambda p: (p[0] - 51.7527) ** 2 + ((p[1] + 0.3394) * 0.62) ** 2)
    return [inside[i % len(inside)] for i in range(count)]


def description_for(index: int, user: int, chars: int) -> str:
    """A description unique to the resident, padded to ``chars`` characters."""
    head = f"Resident {index:05d} (user {user}): tag on the bench outside number {index}."
    filler = " Silver and black letters, about a metre wide."
    text = head
    while len(text) < chars:
        text += filler
    return text[: max(chars, len(head))].strip()


# -- measuring one bot ----------------------------------------------------------------------


async def _warm_up(client: EmulatorClient, bot_id: int, text: str, attempts: int) -> None:
    """Wait until the bot answers, then a few more round trips."""
    user = await client.create_user("Warm-up")
    for _ in range(attempts):
        sent = await client.send_text(user, text, bot=bot_id)
        await client.wait_for_message(user, after=sent.seq, bot=bot_id, timeout=60)


async def _create_users(client: EmulatorClient, gate: asyncio.Semaphore, count: int) -> list[int]:
    async def one(i: int) -> int:
        async with gate:
            return await client.create_user(f"Resident {i}")

    return list(await asyncio.gather(*(one(i) for i in range(count))))


async def burst(
    client: EmulatorClient,
    name: str,
    bot_id: int,
    users: list[int],
    body: Callable[[Person, int], Any],
    *,
    in_flight: int,
    wait_seconds: float,
) -> tuple[Run, list[Any], Mailboxes]:
    """Every user runs ``body`` at once; returns the measurements and each user's result."""
    run = Run(name)
    mail = Mailboxes(client, bot_id, await client.last_seq())
    mail.start()
    gate = asyncio.Semaphore(in_flight)
    people = [Person(client, mail, gate, run, u, bot_id, wait_seconds) for u in users]

    async def guarded(person: Person, index: int) -> Any:
        try:
            return await body(person, index)
        except (StepFailed, httpx.HTTPError) as error:
            run.failures.append(f"{type(error).__name__}: {error}")
            return None

    try:
        results = await asyncio.gather(*(guarded(p, i) for i, p in enumerate(people)))
    finally:
        await mail.stop()
    return run, list(results), mail


def check_reports(
    database: Path,
    users: list[int],
    descriptions: list[str],
    references: list[str | None],
    mail: Mailboxes,
) -> list[str]:
    """Everything wrong with the stored reports (empty when all is well)."""
    problems = []
    with contextlib.closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT ref, reporter_chat_id, description FROM reports").fetchall()
    stored = {str(ref): (chat, description) for ref, chat, description in rows}
    if len(rows) != len(users):
        problems.append(f"{len(rows)} reports stored for {len(users)} residents")
    given = [r for r in references if r is not None]
    if len(set(given)) != len(given):
        problems.append("the same reference was given to more than one resident")
    for user, description, ref in zip(users, descriptions, references, strict=True):
        seen = mail.references.get(user, [])
        if ref is None or len(seen) != 1:
            problems.append(f"chat {user} got {len(seen)} references: {seen}")
            continue
        if ref not in stored:
            problems.append(f"chat {user} was given {ref}, which is not in the database")
            continue
        chat, text = stored[ref]
        if chat != user:
            problems.append(f"{ref} was given to chat {user} but is stored for chat {chat}")
        if text != description:
            problems.append(f"{ref} of chat {user} carries another description: {text[:40]!r}")
    strays = set(stored) - set(given)
    if strays:
        problems.append(f"{len(strays)} stored reports no resident was told of")
    return problems


def _config_text(url: str) -> str:
    data = default_config_data()
    data["telegram"]["api_url"] = url
    data["telegram"]["limits"]["messages_per_second"] = 100000
    data["geography"]["geocoding"]["enabled"] = False  # pins need no geocoding
    return tomli_w.dumps(data)


async def main(arguments: argparse.Namespace) -> int:
    """Start everything, run both bursts, check the reports, print the figures."""
    residents: int = arguments.residents
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    points = spread_points(residents)
    emulator = await _spawn("-m", "bot.emulator", "--port", str(port))
    processes = [emulator]
    connections = arguments.in_flight + 8
    problems: list[str] = []
    bot_log: list[str] = []
    try:
        await _wait_for_server(url)
        async with PooledClient(url, connections=connections) as client:
            await client.register_bot(SAFETYBOT[0], username="bench_safety_bot")
            await client.register_bot(ECHO[0], username="bench_echo_bot")
            # The agencies' and admins' chats, so that the alerts the reports cause are
            # delivered (as in a real deployment) rather than failing into admin notes.
            defaults = parse_config(default_config_text(), base_dir=REPO)
            chats = [a.chat_id for a in defaults.agencies] + [defaults.admins.chat_id]
            for chat_id in chats:
                if chat_id is not None:
                    await client.create_group(
                        str(chat_id), bots=[SAFETYBOT[1]], supergroup=True, chat_id=chat_id
                    )
            users = await _create_users(client, asyncio.Semaphore(arguments.in_flight), residents)
            descriptions = [
                description_for(i, u, arguments.description_chars) for i, u in enumerate(users)
            ]
            with tempfile.TemporaryDirectory() as folder:
                config = Path(folder) / "config.toml"
                config.write_text(_config_text(url))
                log = Path(folder) / "bot.log"
                bot_args = ["-m", "bot", "run", "--config", str(config)]
                if arguments.profile:
                    bot_args = ["-m", "cProfile", "-o", str(arguments.profile.resolve()), *bot_args]
                bot = await _spawn(*bot_args, token=SAFETYBOT[0], log=log)
                processes.append(bot)
                await _warm_up(client, SAFETYBOT[1], "/start", 10)

                async def report(person: Person, index: int) -> str | None:
                    return await complete_report(person, points[index], descriptions[index])

                cpu_before = _cpu_seconds(bot.pid)
                safety, references, mail = await burst(
                    client,
                    "safetybot",
                    SAFETYBOT[1],
                    users,
                    report,
                    in_flight=arguments.in_flight,
                    wait_seconds=arguments.wait_seconds,
                )
                safety.cpu_seconds = _cpu_seconds(bot.pid) - cpu_before
                safety.peak_rss_mib = _peak_rss_mib(bot.pid)
                await _stop(bot)
                problems = safety.failures[:5] + check_reports(
                    Path(folder) / "safetybot.sqlite3", users, descriptions, references, mail
                )
                if problems:
                    bot_log = log.read_text(errors="replace").splitlines()[-20:]

            per_resident = max(round(safety.updates / residents), 1)
            echo_process = await _spawn("bench/echo_bot.py", url, token=ECHO[0])
            processes.append(echo_process)
            await _warm_up(client, ECHO[1], "warm up", 10)

            async def texts(person: Person, index: int) -> None:
                await echo_texts(person, per_resident, index)

            cpu_before = _cpu_seconds(echo_process.pid)
            echo, _, _ = await burst(
                client,
                "PTB echo bot",
                ECHO[1],
                users,
                texts,
                in_flight=arguments.in_flight,
                wait_seconds=arguments.wait_seconds,
            )
            echo.cpu_seconds = _cpu_seconds(echo_process.pid) - cpu_before
            echo.peak_rss_mib = _peak_rss_mib(echo_process.pid)
    finally:
        for process in reversed(processes):
            await _stop(process)

    print(
        f"Report burst: {residents} residents at once, each a whole graffiti report "
        f"({REPORT_STEPS} updates, {arguments.description_chars}-character description); "
        f"echo bot: the same residents, {per_resident} texts each"
    )
    print(
        f"{'bot':<14} {'updates':>8} {'seconds':>8} {'updates/s':>10} {'median ms':>10} "
        f"{'p99 ms':>8} {'peak RSS MiB':>13} {'CPU ms/update':>14}"
    )
    for r in (safety, echo):
        print(
            f"{r.name:<14} {r.updates:>8} {r.seconds:>8.1f} {r.updates_per_second:>10.1f} "
            f"{r.median_ms():>10.1f} {r.percentile_ms(0.99):>8.1f} {r.peak_rss_mib:>13.1f} "
            f"{1000 * r.cpu_seconds / max(r.updates, 1):>14.2f}"
        )
    ratio = safety.updates_per_second / echo.updates_per_second
    verdict = "met" if ratio >= GOAL else "NOT met"
    print(f"safetybot / echo throughput: {ratio:.0%} (goal {GOAL:.0%}: {verdict})")
    cpu_ratio = echo.cpu_seconds / safety.cpu_seconds
    print(f"echo / safetybot CPU per update: {cpu_ratio:.0%} (the same ratio, free of scheduling)")
    for r in (safety, echo):
        if r.failures:
            print(f"{r.name}: {len(r.failures)} residents did not finish; first: {r.failures[0]}")
        if r.stray:
            print(f"{r.name}: {r.stray} bot messages came before the update they followed")
    if problems:
        print("Reports: PROBLEMS")
        for problem in problems[:20]:
            print(f"  {problem}")
        if len(problems) > 20:
            print(f"  ... and {len(problems) - 20} more")
        print("Last lines of the bot's log:")
        for line in bot_log:
            print(f"  {line}")
        return 1
    print(f"Reports: all {residents} reports stored, none lost or mixed up")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1000, help="residents at once")
    parser.add_argument(
        "--description-chars", type=int, default=200, help="length of each typed description"
    )
    parser.add_argument(
        "--in-flight", type=int, default=64, help="most of the bench's HTTP calls at once"
    )
    parser.add_argument(
        "--wait-seconds", type=float, default=300, help="longest wait for one answer"
    )
    parser.add_argument(
        "--profile", type=Path, help="run safetybot under cProfile, writing its stats here"
    )
    sys.exit(asyncio.run(main(parser.parse_args())))
