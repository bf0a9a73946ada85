"""The sandbox's page and the JSON routes it calls: be someone, read their chats, talk to the
bot, press its buttons, share a place. Everything acts through the emulator's client API."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import jinja2
from aiohttp import web

from bot import texts as bot_texts
from bot.config import Config
from bot.emulator import EmulatorClient, EmulatorTimeout
from bot.emulator.client import EmulatorError
from bot.geo import Gazetteer
from bot.sandbox import texts
from bot.sandbox.catchers import WebhookCatcher
from bot.sandbox.events import Hub
from bot.sandbox.people import Person, groups, people
from bot.sandbox.render import reply_keyboard, view

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]
MAX_TEXT = 4096  # Telegram's limit for one message
ANSWER_PATIENCE = 15.0  # how long a press waits for the bot's answer before saying so
SANDBOX_PHONE = "+44 7700 900000"  # Ofcom's range reserved for drama: never a real number


class Refused(Exception):
    """A request the page may not make, with the sentence to show."""

    def __init__(self, sentence: str, status: int = 400) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.status = status


@dataclass(frozen=True, slots=True)
class ChatEntry:
    """One chat in a person's list."""

    chat_id: int
    title: str
    kind: str  # "private", "agency" or "admins"
    unread: int


@web.middleware
async def _refusals(
    request: web.Request, handler: Callable[[web.Request], Any]
) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except Refused as refused:
        return web.json_response({"ok": False, "error": refused.sentence}, status=refused.status)
    except (ValueError, KeyError, TypeError):
        return web.json_response({"ok": False, "error": texts.BAD_REQUEST}, status=400)
    return response


class Page:
    """The page's routes over one emulator client, one configuration and one gazetteer."""

    def __init__(
        self,
        client: EmulatorClient,
        config: Config,
        gazetteer: Gazetteer,
        hub: Hub,
        webhooks: WebhookCatcher,
        bot_pid: Callable[[], int | None],
        reset: Callable[[], Awaitable[None]],
    ) -> None:
        self.client = client
        self.config = config
        self.people = {p.user_id: p for p in people(config)}
        self.groups = {g.chat_id: g for g in groups(config)}
        self.places = {
            p.name: p for p in sorted(gazetteer.places, key=lambda p: (not p.in_district, p.name))
        }
        self.hub = hub
        self.webhooks = webhooks
        self.bot_pid = bot_pid
        self._reset = reset
        self.read_up_to: dict[tuple[int, int], int] = {}
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("bot.sandbox", "templates"),
            autoescape=jinja2.select_autoescape(default=True),
        )

    def make_app(self) -> web.Application:
        """The aiohttp application with every route."""
        app = web.Application(middlewares=[_refusals])
        app.router.add_get("/", self.index)
        app.router.add_static("/static", str(_static_folder()))
        app.router.add_get("/api/status", self.status)
        app.router.add_get("/api/people", self.list_people)
        app.router.add_get("/api/places", self.list_places)
        app.router.add_get("/api/people/{user}/chats", self.chats)
        app.router.add_get("/api/people/{user}/chats/{chat}/messages", self.messages)
        app.router.add_post("/api/people/{user}/send", self.send)
        app.router.add_post("/api/people/{user}/press", self.press)
        app.router.add_get("/api/files/{file_id}", self.file)
        app.router.add_get("/api/events", self.hub.stream)
        app.router.add_post("/api/reset", self.reset)
        app.router.add_post("/catch/webhooks/{agency}", self.webhooks.receive)
        return app

    # -- reading

    async def index(self, request: web.Request) -> web.Response:
        """GET /: the page."""
        template = self.templates.get_template("index.html")
        html = template.render(
            partnership=self.config.partnership.name,
            people=list(self.people.values()),
            commands=bot_texts.COMMANDS,
        )
        return web.Response(text=html, content_type="text/html")

    async def status(self, request: web.Request) -> web.Response:
        """GET /api/status: the bot's state and process id."""
        return web.json_response({"bot": self.hub.status, "pid": self.bot_pid()})

    async def list_people(self, request: web.Request) -> web.Response:
        """GET /api/people."""
        return web.json_response([asdict(p) for p in self.people.values()])

    async def list_places(self, request: web.Request) -> web.Response:
        """GET /api/places: the gazetteer's places, the district's first."""
        return web.json_response(
            [
                {"name": p.name, "kind": p.kind, "in_district": p.in_district, "area": p.area}
                for p in self.places.values()
            ]
        )

    def _person(self, request: web.Request) -> Person:
        try:
            return self.people[int(request.match_info["user"])]
        except (KeyError, ValueError):
            raise Refused(texts.UNKNOWN_PERSON, 404) from None

    def _chats_of(self, person: Person) -> list[tuple[int, str, str]]:
        found = [(person.user_id, "The bot (private chat)", "private")]
        for group in self.groups.values():
            if person.user_id in group.members:
                kind = "admins" if group.chat_id == self.config.admins.chat_id else "agency"
                found.append((group.chat_id, group.title, kind))
        return found

    def _chat(self, person: Person, raw: Any) -> int:
        try:
            chat_id = int(raw) if raw not in (None, "") else person.user_id
        except (TypeError, ValueError):
            raise Refused(texts.NOT_YOUR_CHAT) from None
        if chat_id not in {c for c, _, _ in self._chats_of(person)}:
            raise Refused(texts.NOT_YOUR_CHAT, 403)
        return chat_id

    async def chats(self, request: web.Request) -> web.Response:
        """GET /api/people/{user}/chats: the person's chats with unread counts."""
        person = self._person(request)
        entries = []
        for chat_id, title, kind in self._chats_of(person):
            records = await self.client.messages(chat_id)
            seen = self.read_up_to.get((person.user_id, chat_id), 0)
            unread = sum(
                1
                for r in records
                if r["message_id"] > seen
                and not r["deleted"]
                and (r["message"].get("from") or {}).get("id") != person.user_id
            )
            entries.append(ChatEntry(chat_id, title, kind, unread))
        return web.json_response([asdict(e) for e in entries])

    async def messages(self, request: web.Request) -> web.Response:
        """GET /api/people/{user}/chats/{chat}/messages: the chat as the person sees it; the
        chat counts as read."""
        person = self._person(request)
        chat_id = self._chat(person, request.match_info["chat"])
        records = await self.client.messages(chat_id)
        names = {p.user_id: p.name for p in self.people.values()}
        if records:
            self.read_up_to[(person.user_id, chat_id)] = max(r["message_id"] for r in records)
        return web.json_response(
            {
                "chat_id": chat_id,
                "messages": [view(r, names) for r in records if not r["deleted"]],
                "reply_keyboard": reply_keyboard(records),
            }
        )

    async def file(self, request: web.Request) -> web.Response:
        """GET /api/files/{file_id}: a photo's bytes, for an <img>."""
        try:
            content = await self.client.file_bytes(request.match_info["file_id"])
        except httpx.HTTPStatusError:
            raise web.HTTPNotFound() from None
        return web.Response(body=content, content_type="image/png")

    # -- acting

    async def send(self, request: web.Request) -> web.Response:
        """POST /api/people/{user}/send ``{chat_id, text}``, ``{chat_id, place}`` (a gazetteer
        name, sent as a location pin) or ``{chat_id, contact: true}``."""
        person = self._person(request)
        body = await _json(request)
        chat_id = self._chat(person, body.get("chat_id"))
        target = None if chat_id == person.user_id else chat_id
        try:
            if "text" in body:
                text = str(body["text"]).strip()
                if not text:
                    raise Refused(texts.EMPTY_TEXT)
                if len(text) > MAX_TEXT:
                    raise Refused(texts.TOO_LONG.format(limit=MAX_TEXT))
                sent = await self.client.send_text(person.user_id, text, chat_id=target)
            elif "place" in body:
                place = self.places.get(str(body["place"]))
                if place is None:
                    raise Refused(texts.UNKNOWN_PLACE)
                sent = await self.client.send_location(
                    person.user_id, place.latitude, place.longitude, chat_id=target
                )
            elif body.get("contact"):
                sent = await self.client.send_contact(
                    person.user_id, SANDBOX_PHONE, person.name, chat_id=target
                )
            else:
                raise Refused(texts.SAY_WHAT)
        except EmulatorError as error:
            raise Refused(error.description) from None
        return web.json_response({"ok": True, "message_id": sent.message_id})

    async def press(self, request: web.Request) -> web.Response:
        """POST /api/people/{user}/press ``{chat_id, message_id, text}``: press an inline button
        and wait for the bot's answer (shown as a toast, or an alert when it asks)."""
        person = self._person(request)
        body = await _json(request)
        chat_id = self._chat(person, body.get("chat_id"))
        target = None if chat_id == person.user_id else chat_id
        message_id = int(body["message_id"])
        try:
            pressed = await self.client.press(person.user_id, target, str(body["text"]), message_id)
        except EmulatorError:
            raise Refused(texts.BUTTON_GONE, 404) from None
        try:
            answer = await self.client.wait_for_callback_answer(
                pressed.callback_query_id, after=pressed.seq - 1, timeout=ANSWER_PATIENCE
            )
        except EmulatorTimeout:
            return web.json_response({"ok": True, "answer": None, "note": texts.NO_ANSWER})
        return web.json_response(
            {
                "ok": True,
                "answer": {
                    "text": answer.get("text") or "",
                    "show_alert": bool(answer.get("show_alert")),
                },
            }
        )

    async def reset(self, request: web.Request) -> web.Response:
        """POST /api/reset: wipe the sandbox as --fresh does and restart the bot; every open
        page hears ``reset`` and reloads its chats."""
        await self._reset()
        self.read_up_to.clear()
        self.hub.publish({"kind": "reset"})
        return web.json_response({"ok": True})


async def _json(request: web.Request) -> JSONDict:
    try:
        body = await request.json()
    except ValueError:
        raise Refused(texts.BAD_REQUEST) from None
    if not isinstance(body, dict):
        raise Refused(texts.BAD_REQUEST)
    return body


def _static_folder() -> Any:
    from importlib import resources

    return resources.files("bot.sandbox").joinpath("static")
