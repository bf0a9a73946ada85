"""``safetybot sandbox``: the emulator, the real bot as a supervised child process, the page.

Start-up, in order: the folder (wiped with ``--fresh``), the emulator with the saved world
restored and the configuration's groups and people added, the local mail catcher, the derived
configuration, the page on its port (a port in use stops everything here, before the bot is
started), then the bot. On exit the bot is stopped first, so the world saved afterwards is the
one the bot's database matches.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import signal
import sys
import webbrowser
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.config import TOKEN_ENV, LoadedConfig, load_config
from bot.emulator import EmulatorClient, EmulatorServer
from bot.exits import EXIT_FAILURE, EXIT_OK
from bot.geo import load_gazetteer
from bot.sandbox import DEFAULT_PORT, texts
from bot.sandbox.catchers import MailCatcher, WebhookCatcher
from bot.sandbox.demo import seed_demo
from bot.sandbox.demo_cards import finish_cards
from bot.sandbox.district_map import district_map
from bot.sandbox.events import Hub
from bot.sandbox.inbox import Inbox
from bot.sandbox.people import BOT_TOKEN, populate
from bot.sandbox.state import (
    Catchers,
    Folder,
    NotOurFolder,
    derive_config,
    source_data,
    write_config,
)
from bot.sandbox.supervisor import Supervisor
from bot.sandbox.web import Page
from storage.db import Database

logger = logging.getLogger(__name__)

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
SAVE_EVERY_SECONDS = 5.0  # the world is also saved while running, in case of a hard kill
TERMINAL_BROWSERS = frozenset({"www-browser", "links", "elinks", "lynx", "w3m", "links2"})


@dataclass(frozen=True, slots=True)
class SandboxOptions:
    """The command line of ``safetybot sandbox``."""

    config: str | None = None
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    fresh: bool = False
    demo: bool = False
    open_browser: bool = True


class PortInUse(Exception):
    """The page's port is taken."""


def run_sandbox(loaded: LoadedConfig, options: SandboxOptions) -> int:
    """Run the sandbox until SIGINT or SIGTERM; return the exit status."""
    if options.host not in LOOPBACK:
        print(texts.WIDE_HOST.format(host=options.host), file=sys.stderr)
    folder = Folder.for_config(options.config)
    try:
        folder.prepare(fresh=options.fresh)
    except NotOurFolder:
        print(texts.NOT_OUR_FOLDER.format(folder=folder.path), file=sys.stderr)
        return EXIT_FAILURE
    seed = options.demo and not folder.database.exists()
    if options.demo and not seed:
        print(texts.DEMO_IGNORED.format(folder=folder.path), file=sys.stderr)
    try:
        asyncio.run(_serve(loaded, options, folder, seed=seed))
    except PortInUse:
        print(texts.PORT_IN_USE.format(port=options.port, host=options.host), file=sys.stderr)
        return EXIT_FAILURE
    print(texts.STOPPED.format(folder=folder.path), flush=True)
    return EXIT_OK


def _bot_environment(loaded: LoadedConfig) -> dict[str, str]:
    env = dict(os.environ)
    env[TOKEN_ENV] = BOT_TOKEN
    # The bot must reach the emulator and catchers directly, whatever proxy is configured.
    env["NO_PROXY"] = ",".join(filter(None, [env.get("NO_PROXY"), "127.0.0.1", "localhost"]))
    for agency in loaded.config.agencies:
        if agency.webhook_secret_env and not env.get(agency.webhook_secret_env):
            env[agency.webhook_secret_env] = "sandbox-webhook-secret"
    return env


async def _restore(client: EmulatorClient, folder: Folder) -> None:
    try:
        saved = folder.saved_world()
        if saved is not None:
            await client.restore(saved)
    except Exception as exc:  # unreadable JSON, or a snapshot the emulator refuses
        print(texts.WORLD_UNREADABLE.format(path=folder.world, problem=exc), file=sys.stderr)
        folder.world.replace(folder.world.with_suffix(".json.unreadable"))


async def _save_while_running(client: EmulatorClient, folder: Folder) -> None:
    saved_at = -1
    while True:
        await asyncio.sleep(SAVE_EVERY_SECONDS)
        last = await client.last_seq()
        if last != saved_at:
            folder.save_world(await client.snapshot())
            saved_at = last


async def _seed(folder: Folder) -> Callable[[EmulatorClient], Coroutine[Any, Any, None]]:
    """Seed the demo fortnight into the sandbox's new database, on the bot's own config;
    return what brings its cards to their final state once the bot has sent them."""
    config = load_config(folder.config).config
    async with await Database.open(folder.database) as db:
        seeded = await seed_demo(config, db, datetime.now(UTC))
    print(texts.DEMO_SEEDED.format(**asdict(seeded)), flush=True)

    async def finish(client: EmulatorClient) -> None:
        await finish_cards(config, folder.database, client, BOT_TOKEN, seeded.acted)

    return finish


class _Resetter:
    """The page's reset button: stop the bot, wipe the state as --fresh does, recreate the
    people (and the demo, when the sandbox was started with --demo), start the bot again."""

    def __init__(
        self,
        client: EmulatorClient,
        folder: Folder,
        write_config: Callable[[], None],
        supervisor: Supervisor,
        mail: MailCatcher,
        loaded: LoadedConfig,
        *,
        demo: bool,
    ) -> None:
        self._client = client
        self._folder = folder
        self._write_config = write_config
        self._supervisor = supervisor
        self._mail = mail
        self._loaded = loaded
        self._demo = demo
        self._lock = asyncio.Lock()
        self.saver: asyncio.Task[None] | None = None
        self.finisher: asyncio.Task[None] | None = None

    def finish_demo(self, finish: Callable[[EmulatorClient], Coroutine[Any, Any, None]]) -> None:
        """Bring the seeded cards to their final state in the background, as they are sent."""
        self.finisher = asyncio.create_task(finish(self._client), name="demo cards")

    async def stop_finishing(self) -> None:
        """Stop changing the demo's cards (the bot stops, or the sandbox is reset)."""
        if self.finisher is not None:
            self.finisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.finisher
            self.finisher = None

    def start_saving(self) -> None:
        """Save the world every few seconds while the sandbox runs."""
        self.saver = asyncio.create_task(_save_while_running(self._client, self._folder))

    async def stop_saving(self) -> None:
        """Stop saving (the caller saves once more if it wants)."""
        if self.saver is not None:
            self.saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.saver
            self.saver = None

    async def __call__(self) -> None:
        async with self._lock:
            await self.stop_finishing()
            await self._supervisor.stop()
            await self.stop_saving()
            await self._client.reset()
            self._folder.prepare(fresh=True)
            self._mail.count = 0
            await populate(self._client, self._loaded.config)
            self._write_config()
            finish = await _seed(self._folder) if self._demo else None
            self._folder.save_world(await self._client.snapshot())
            self._supervisor.start()
            if finish is not None:
                self.finish_demo(finish)
            self.start_saving()
        logger.info("The sandbox was reset from its page")


async def _serve(
    loaded: LoadedConfig, options: SandboxOptions, folder: Folder, *, seed: bool
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    config = loaded.config
    gazetteer = load_gazetteer(config.geography.gazetteer, config.geography.postcodes)
    async with EmulatorServer() as emulator, EmulatorClient(emulator.url) as client:
        await _restore(client, folder)
        await populate(client, config)
        hub = Hub(client, "starting")
        mail = MailCatcher(folder.mail, hub.inbox_changed)
        await mail.start()
        # `safetybot run` on the derived config, through the child that dies with the sandbox.
        bot_argv = [sys.executable, "-m", "bot.sandbox.child", str(os.getpid())]
        supervisor = Supervisor(
            [*bot_argv, "run", "--config", str(folder.config)],
            _bot_environment(loaded),
            folder.bot_log,
            hub.bot_status,
        )

        def write_bot_config() -> None:  # once the page's port is known (the webhook catcher)
            data, base_dir = source_data(options.config)
            catchers = Catchers(mail.port, f"{url}catch/webhooks")
            write_config(
                folder.config, derive_config(data, base_dir, folder, emulator.url, catchers)
            )

        reset = _Resetter(
            client, folder, write_bot_config, supervisor, mail, loaded, demo=options.demo
        )
        page = Page(
            client,
            config,
            gazetteer,
            hub,
            WebhookCatcher(folder.webhooks, hub.inbox_changed),
            lambda: supervisor.pid,
            reset,
            district=district_map(config.geography, gazetteer),
            inbox=Inbox(config, folder.mail, folder.webhooks),
        )
        runner = web.AppRunner(page.make_app(), access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        saving = False
        try:
            site = web.TCPSite(runner, options.host, options.port)
            try:
                await site.start()
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise PortInUse from None
                raise
            port = int(runner.addresses[0][1])
            url = f"http://{_url_host(options.host)}:{port}/"
            write_bot_config()
            finish = await _seed(folder) if seed else None
            hub.start(after=await client.last_seq())
            supervisor.start()
            if finish is not None:
                reset.finish_demo(finish)
            reset.start_saving()
            saving = True
            print(texts.ADDRESS.format(url=url, folder=folder.path), flush=True)
            if options.open_browser:
                _open_browser(url)
            await stop.wait()
        finally:
            await reset.stop_finishing()
            await supervisor.stop()
            if saving:
                await reset.stop_saving()
                folder.save_world(await client.snapshot())
            await hub.stop()
            await runner.cleanup()
            await mail.stop()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _open_browser(url: str) -> None:
    """Open the page in a desktop browser, only where there is a desktop."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return
    if Path(getattr(browser, "name", "")).name in TERMINAL_BROWSERS:
        return
    with contextlib.suppress(webbrowser.Error):
        browser.open(url)


__all__ = ["SandboxOptions", "run_sandbox"]
