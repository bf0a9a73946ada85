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
from bot.sandbox.district_map import DistrictMap, map_point
from bot.sandbox.events import Hub
from bot.sandbox.inbox import Inbox
from bot.sandbox.people import Person, groups, people
from bot.sandbox.render import reply_keyboard, view
from bot.sandbox.uploads import MAX_BYTES, READ_LIMIT, image_type, safe_file_name

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

    chat_id: int | str  # an inbox's is "inbox:" and the agency's id
    title: str
    kind: str  # "private", "agency", "admins" or "inbox"
    unread: int


@web.middleware
async def _refusals(
    request: web.Request, handler: Callable[[web.Request], Any]
) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except Refused as refused:
        return web.json_response({"ok": False, "error": refused.sentence}, status=refused.status)
    except web.HTTPRequestEntityTooLarge:
        sentence = texts.FILE_TOO_BIG.format(megabytes=MAX_BYTES // (1024 * 1024))
        return web.json_response({"ok": False, "error": sentence}, status=413)
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
        *,
        district: DistrictMap,
        inbox: Inbox,
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
        self.district = district
        self.inbox = inbox
        self.read_up_to: dict[tuple[int, int | str], int] = {}
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("bot.sandbox", "templates"),
            autoescape=jinja2.select_autoescape(default=True),
        )

    def make_app(self) -> web.Application:
        """The aiohttp application with every route."""
        app = web.Application(middlewares=[_refusals], client_max_size=READ_LIMIT)
        app.router.add_get("/", self.index)
        app.router.add_static("/static", str(_static_folder()))
        app.router.add_get("/api/status", self.status)
        app.router.add_get("/api/people", self.list_people)
        app.router.add_get("/api/places", self.list_places)
        app.router.add_get("/api/map", self.map)
        app.router.add_get("/api/people/{user}/chats", self.chats)
        app.router.add_get("/api/people/{user}/chats/{chat}/messages", self.messages)
        app.router.add_post("/api/people/{user}/send", self.send)
        app.router.add_post("/api/people/{user}/press", self.press)
        app.router.add_post("/api/people/{user}/upload", self.upload)
        app.router.add_get("/api/people/{user}/inbox/{agency}", self.letters)
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

    async def map(self, request: web.Request) -> web.Response:
        """GET /api/map: the district drawn from the configured geography, and its projection."""
        return web.json_response(self.district.as_json())

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
        for agency_id, title in self._inboxes_of(person):
            key = f"inbox:{agency_id}"
            count = len(self.inbox.letters(agency_id))
            unread = count - self.read_up_to.get((person.user_id, key), 0)
            entries.append(ChatEntry(key, title, "inbox", unread))
        return web.json_response([asdict(e) for e in entries])

    def _inboxes_of(self, person: Person) -> list[tuple[str, str]]:
        """The inboxes (agency id, title) of the agencies the person acts for."""
        return [
            (a.id, f"Inbox: {a.name}")
            for a in self.config.agencies
            if self.inbox.has(a.id) and person.user_id in a.officers
        ]

    async def letters(self, request: web.Request) -> web.Response:
        """GET /api/people/{user}/inbox/{agency}: the e-mail and webhook calls caught for an
        agency the person acts for; the inbox counts as read."""
        person = self._person(request)
        agency_id = request.match_info["agency"]
        if agency_id not in {a for a, _ in self._inboxes_of(person)}:
            raise Refused(texts.NOT_YOUR_CHAT, 403)
        letters = self.inbox.letters(agency_id)
        self.read_up_to[(person.user_id, f"inbox:{agency_id}")] = len(letters)
        return web.json_response(
            {"agency": agency_id, "letters": [letter.as_json() for letter in letters]}
        )

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
        """GET /api/files/{file_id}: a file's bytes with its real type: an image (known by its
        first bytes) for an <img>, anything else as a download, never shown in the page."""
        file_id = request.match_info["file_id"]
        async with httpx.AsyncClient(base_url=self.client.url, trust_env=False) as http:
            response = await http.get(f"/client/files/{file_id}")
        if response.status_code != 200:
            raise web.HTTPNotFound()
        content = response.content
        headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"}
        mime_type = image_type(content)
        if mime_type is None:
            mime_type = response.headers.get("content-type", "application/octet-stream")
            name = safe_file_name(request.query.get("name", file_id))
            headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return web.Response(body=content, headers={**headers, "Content-Type": mime_type})

    # -- acting

    async def send(self, request: web.Request) -> web.Response:
        """POST /api/people/{user}/send ``{chat_id, text}``, ``{chat_id, place}`` (a gazetteer
        name, sent as a location pin), ``{chat_id, location: {latitude, longitude}}`` (a point
        clicked on the map) or ``{chat_id, contact: true}``."""
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
            elif isinstance(spot := body.get("location"), dict):
                point = map_point(spot)
                if point is None:
                    raise Refused(texts.BAD_LOCATION)
                latitude, longitude = point
                sent = await self.client.send_location(
                    person.user_id, latitude, longitude, chat_id=target
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

    async def upload(self, request: web.Request) -> web.Response:
        """POST /api/people/{user}/upload (multipart: ``chat_id``, ``as`` photo or document,
        ``file``): a file from the person's disk, as Telegram sends it (see bot.sandbox.uploads)."""
        person = self._person(request)
        form = await request.post()
        chat_id = self._chat(person, form.get("chat_id"))
        target = None if chat_id == person.user_id else chat_id
        chosen = form.get("file")
        if not isinstance(chosen, web.FileField):
            raise Refused(texts.NO_FILE)
        content = chosen.file.read(MAX_BYTES + 1)
        if len(content) >= MAX_BYTES:
            raise Refused(texts.FILE_TOO_BIG.format(megabytes=MAX_BYTES // (1024 * 1024)), 413)
        if not content:
            raise Refused(texts.EMPTY_FILE)
        as_photo = form.get("as", "photo" if image_type(content) else "document") == "photo"
        caption = str(form.get("caption") or "").strip() or None
        try:
            if as_photo:
                if image_type(content) is None:
                    raise Refused(texts.NOT_AN_IMAGE)
                sent = await self.client.send_photo(
                    person.user_id, content, chat_id=target, caption=caption
                )
            else:
                sent = await self.client.send_document(
                    person.user_id,
                    content,
                    file_name=safe_file_name(chosen.filename or "file"),
                    mime_type=chosen.content_type or "application/octet-stream",
                    chat_id=target,
                    caption=caption,
                )
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
