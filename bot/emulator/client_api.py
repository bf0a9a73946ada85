"""The client API: JSON over HTTP under ``/client/``, shared by the sandbox page and the tests.

Every answer is ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N,
"description": "..."}``. Bodies are JSON objects. ``bot_id`` may be left out while the emulator
has exactly one bot.

World
    ``GET /client/state`` bots, users, groups, private chats and ``last_seq``.
    ``POST /client/reset`` forget everything (faults too); seqs keep increasing.
    ``GET /client/snapshot`` the whole world as JSON (bots, users, chats with their messages,
    files, callback queries; not events, webhooks or faults). ``PUT /client/snapshot`` with
    such a JSON body replaces the world with it (faults lifted, webhooks stopped); returns
    ``{seq}`` of the ``restored`` event. An unknown format or version is a 400.
    ``POST /client/bots`` ``{token, username?, first_name?}`` register a bot, returns its User.
    ``POST /client/users`` ``{id?, first_name?, last_name?, username?, language_code?}``.
    ``POST /client/groups`` ``{title, type?: "group"|"supergroup", id?, members?: [user_id],
    bots?: [bot_id]}`` returns the Chat.
    ``POST /client/groups/{chat_id}/bots`` ``{bot_id}`` add a bot;
    ``DELETE /client/groups/{chat_id}/bots/{bot_id}`` remove (kick) it.
    ``POST /client/groups/{chat_id}/members`` ``{user_id}``;
    ``DELETE /client/groups/{chat_id}/members/{user_id}``.

Acting as a user (each returns ``seq``, the event seq at which it happened)
    ``POST /client/users/{user_id}/send`` ``{bot_id?, chat_id?, reply_to_message_id?}`` plus one of
    ``text``, ``location: {latitude, longitude}``, ``contact: {phone_number, first_name}``,
    ``photo: {data_base64?, width?, height?}`` (a small PNG is made when no data is given),
    ``document: {data_base64?, file_name?, mime_type?}``, ``sticker: {}``, ``voice: {}``,
    ``video: {}``; and ``caption`` for media. No ``chat_id`` means the private chat with the bot.
    Returns ``{seq, chat_id, message_id, message}``.
    ``POST /client/users/{user_id}/press`` ``{text, chat_id?, message_id?, bot_id?}`` press an
    inline button by its text (on the message, or the latest bot message having it), or with
    ``forged_data`` send other callback data from that button, as a modified client could; returns
    ``{seq, callback_query_id, message_id}``.
    ``POST /client/users/{user_id}/block`` and ``.../unblock`` ``{bot_id?}``.

Reading
    ``GET /client/chats/{chat_id}/messages?bot_id=`` every message with ``from_bot``,
    ``message`` (the Bot API object), ``edits`` (earlier versions), ``deleted``, ``reply_markup``.
    ``GET /client/callbacks/{callback_query_id}`` the query and its ``answer`` (null if none).
    ``GET /client/files/{file_id}`` the file's bytes.
    ``GET /client/events?after=SEQ&timeout=S&limit=N`` events after SEQ, waiting up to S seconds
    for the first one: ``{events: [...], last_seq}``. Event types: user_message, bot_message,
    message_edited, message_deleted, callback_query, callback_answered, chat_action, blocked,
    unblocked, bot_added, bot_removed, member_added, member_removed, chat_created,
    webhook_error, reset, restored.
    ``GET /client/events/stream?after=SEQ`` the same as Server-Sent Events.

Faults and limits
    ``POST /client/faults`` ``{kind, bot_id?, chat_id?, methods?: [name], duration?, hits?,
    retry_after?, status?, delay?, migrate_to_chat_id?}`` with kind one of rate_limit, blocked,
    chat_not_found, server_error, migrated, delay; returns ``{id}``. ``GET /client/faults``;
    ``DELETE /client/faults``.
    ``GET /client/limits``; ``PUT /client/limits`` ``{per_second?, per_chat_per_second?,
    per_group_per_minute?, time_scale?}`` or ``{"disabled": true}``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.emulator import actions
from bot.emulator.errors import ApiError, bad_request
from bot.emulator.faults import FAULT_KINDS, Fault, RateLimits
from bot.emulator.images import make_png
from bot.emulator.sending import document, photo_sizes
from bot.emulator.world import JSONDict, User, World

if TYPE_CHECKING:
    from bot.emulator.server import EmulatorServer

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[Any]]


def add_routes(app: web.Application, server: EmulatorServer) -> None:
    """Add every ``/client/`` route to ``app``."""
    routes = ClientRoutes(server)
    table: list[tuple[str, str, Handler]] = [
        ("GET", "/client/state", routes.state),
        ("POST", "/client/reset", routes.reset),
        ("GET", "/client/snapshot", routes.snapshot),
        ("PUT", "/client/snapshot", routes.restore),
        ("POST", "/client/bots", routes.register_bot),
        ("POST", "/client/users", routes.create_user),
        ("POST", "/client/groups", routes.create_group),
        ("POST", "/client/groups/{chat_id}/bots", routes.add_bot),
        ("DELETE", "/client/groups/{chat_id}/bots/{bot_id}", routes.remove_bot),
        ("POST", "/client/groups/{chat_id}/members", routes.add_member),
        ("DELETE", "/client/groups/{chat_id}/members/{user_id}", routes.remove_member),
        ("POST", "/client/users/{user_id}/send", routes.send),
        ("POST", "/client/users/{user_id}/press", routes.press),
        ("POST", "/client/users/{user_id}/block", routes.block),
        ("POST", "/client/users/{user_id}/unblock", routes.unblock),
        ("GET", "/client/chats/{chat_id}/messages", routes.messages),
        ("GET", "/client/callbacks/{query_id}", routes.callback),
        ("GET", "/client/events", routes.events),
        ("POST", "/client/faults", routes.add_fault),
        ("GET", "/client/faults", routes.list_faults),
        ("DELETE", "/client/faults", routes.clear_faults),
        ("GET", "/client/limits", routes.get_limits),
        ("PUT", "/client/limits", routes.set_limits),
    ]
    for method, path, handler in table:
        app.router.add_route(method, path, _answering(handler))
    app.router.add_get("/client/events/stream", routes.stream)
    app.router.add_get("/client/files/{file_id}", routes.file)


def _answering(handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def wrapped(request: web.Request) -> web.Response:
        try:
            result = await handler(request)
        except ApiError as error:
            return web.json_response(error.to_api(), status=error.code)
        except Exception:
            logger.exception("client route %s failed", request.path)
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return web.json_response(body, status=500)
        return web.json_response({"ok": True, "result": result})

    return wrapped


async def _body(request: web.Request) -> JSONDict:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise bad_request("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


def _int(value: Any, name: str, *, required: bool = False) -> int | None:
    if value is None or value == "":
        if required:
            raise bad_request(f"{name} is required")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"{name} must be an integer") from None


def _path_int(request: web.Request, name: str) -> int:
    value = _int(request.match_info[name], name, required=True)
    assert value is not None
    return value


def _decode(spec: JSONDict) -> bytes | None:
    data = spec.get("data_base64")
    if data is None:
        return None
    try:
        return base64.b64decode(str(data), validate=True)
    except (binascii.Error, ValueError):
        raise bad_request("data_base64 is not valid base64") from None


def media_content(world: World, body: JSONDict) -> JSONDict:
    """Build the message content for a user's send request."""
    caption = {"caption": body["caption"]} if body.get("caption") else {}
    if isinstance(body.get("text"), str):
        if isinstance(body.get("entities"), list):  # formatting, as a Telegram app sends it
            return {"text": body["text"], "entities": body["entities"]}
        return {"text": body["text"]}
    if isinstance(venue := body.get("venue"), dict):  # a venue carries its location too
        place = {"latitude": float(venue["latitude"]), "longitude": float(venue["longitude"])}
        details = {"title": str(venue.get("title", "")), "address": str(venue.get("address", ""))}
        return {"location": place, "venue": {"location": place, **details}}
    if isinstance(location := body.get("location"), dict):
        return {
            "location": {
                "latitude": float(location["latitude"]),
                "longitude": float(location["longitude"]),
            }
        }
    if isinstance(contact := body.get("contact"), dict):
        return {
            "contact": {
                k: v
                for k, v in contact.items()
                if k in {"phone_number", "first_name", "last_name", "user_id"}
            }
        }
    if isinstance(photo := body.get("photo"), dict):
        data = _decode(photo) or make_png(int(photo.get("width", 64)), int(photo.get("height", 48)))
        stored = world.store_file("photos", data, mime_type="image/png", extension="png")
        return {"photo": photo_sizes(stored), **caption}
    if isinstance(doc := body.get("document"), dict):
        stored = world.store_file(
            "documents",
            _decode(doc) or b"document",
            mime_type=doc.get("mime_type", "text/plain"),
            file_name=doc.get("file_name", "file.txt"),
            extension="bin",
        )
        return {"document": document(stored), **caption}
    for kind, extra in (
        (
            "sticker",
            {
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "\U0001f44d",
            },
        ),
        ("voice", {"duration": 2, "mime_type": "audio/ogg"}),
        ("video", {"width": 320, "height": 240, "duration": 3, "mime_type": "video/mp4"}),
    ):
        if isinstance(spec := body.get(kind), dict):
            stored = world.store_file(f"{kind}s", _decode(spec) or b"\x00" * 16)
            return {
                kind: {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, **extra},
                **(caption if kind != "sticker" else {}),
            }
    raise bad_request(
        "say what to send: text, location, contact, photo, document, sticker, voice or video"
    )


class ClientRoutes:
    """Handlers of the client API, bound to one server."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server

    @property
    def world(self) -> World:
        """Return the server's current world."""
        return self.server.world

    async def state(self, request: web.Request) -> Any:
        """GET /client/state."""
        return actions.state(self.world)

    async def reset(self, request: web.Request) -> Any:
        """POST /client/reset."""
        self.server.reset()
        return True

    async def snapshot(self, request: web.Request) -> Any:
        """GET /client/snapshot."""
        return self.world.snapshot()

    async def restore(self, request: web.Request) -> Any:
        """PUT /client/snapshot."""
        body = await _body(request)
        try:
            return {"seq": self.server.restore(body)}
        except ValueError as exc:
            raise bad_request(str(exc)) from None

    async def register_bot(self, request: web.Request) -> Any:
        """POST /client/bots."""
        from bot.emulator.server import TOKEN_RE

        body = await _body(request)
        token = str(body.get("token", ""))
        if not TOKEN_RE.fullmatch(token):
            raise bad_request("token must look like 123456:ABC-def")
        bot = self.world.bot_for_token(token, body.get("username"), body.get("first_name"))
        return bot.to_api()

    async def create_user(self, request: web.Request) -> Any:
        """POST /client/users."""
        body = await _body(request)
        user_id = _int(body.get("id"), "id") or 100_000_000 + self.world.next_id()
        if user_id <= 0:
            raise bad_request("user id must be positive")
        user = User(
            id=user_id,
            first_name=str(body.get("first_name") or f"User {user_id}"),
            last_name=body.get("last_name"),
            username=body.get("username"),
            language_code=body.get("language_code", "en"),
        )
        return self.world.add_user(user).to_api()

    async def create_group(self, request: web.Request) -> Any:
        """POST /client/groups."""
        body = await _body(request)
        chat = actions.create_group(
            self.world,
            title=str(body.get("title") or "Group"),
            kind=str(body.get("type", "group")),
            members=[int(m) for m in body.get("members", [])],
            bots=[int(b) for b in body.get("bots", [])],
            chat_id=_int(body.get("id"), "id"),
        )
        return chat.to_api()

    async def add_bot(self, request: web.Request) -> Any:
        """POST /client/groups/{chat_id}/bots."""
        body = await _body(request)
        bot_id = _int(body.get("bot_id"), "bot_id", required=True)
        assert bot_id is not None
        return {
            "seq": actions.set_bot_membership(
                self.world, _path_int(request, "chat_id"), bot_id, member=True
            )
        }

    async def remove_bot(self, request: web.Request) -> Any:
        """DELETE /client/groups/{chat_id}/bots/{bot_id}."""
        chat_id, bot_id = _path_int(request, "chat_id"), _path_int(request, "bot_id")
        return {"seq": actions.set_bot_membership(self.world, chat_id, bot_id, member=False)}

    async def add_member(self, request: web.Request) -> Any:
        """POST /client/groups/{chat_id}/members."""
        body = await _body(request)
        user_id = _int(body.get("user_id"), "user_id", required=True)
        assert user_id is not None
        return {
            "seq": actions.set_user_membership(
                self.world, _path_int(request, "chat_id"), user_id, member=True
            )
        }

    async def remove_member(self, request: web.Request) -> Any:
        """DELETE /client/groups/{chat_id}/members/{user_id}."""
        chat_id, user_id = _path_int(request, "chat_id"), _path_int(request, "user_id")
        return {"seq": actions.set_user_membership(self.world, chat_id, user_id, member=False)}

    async def send(self, request: web.Request) -> Any:
        """POST /client/users/{user_id}/send."""
        body = await _body(request)
        content = media_content(self.world, body)
        return actions.user_send(
            self.world,
            _path_int(request, "user_id"),
            content,
            bot_id=_int(body.get("bot_id"), "bot_id"),
            chat_id=_int(body.get("chat_id"), "chat_id"),
            reply_to_message_id=_int(body.get("reply_to_message_id"), "reply_to_message_id"),
        )

    async def press(self, request: web.Request) -> Any:
        """POST /client/users/{user_id}/press."""
        body = await _body(request)
        text = body.get("text")
        if not isinstance(text, str):
            raise bad_request("text (the button's text) is required")
        return actions.press(
            self.world,
            _path_int(request, "user_id"),
            _int(body.get("chat_id"), "chat_id"),
            text,
            message_id=_int(body.get("message_id"), "message_id"),
            bot_id=_int(body.get("bot_id"), "bot_id"),
            forged_data=body.get("forged_data")
            if isinstance(body.get("forged_data"), str)
            else None,
        )

    async def block(self, request: web.Request) -> Any:
        """POST /client/users/{user_id}/block."""
        body = await _body(request)
        user_id, bot_id = _path_int(request, "user_id"), _int(body.get("bot_id"), "bot_id")
        return {"seq": actions.set_blocked(self.world, user_id, bot_id, blocked=True)}

    async def unblock(self, request: web.Request) -> Any:
        """POST /client/users/{user_id}/unblock."""
        body = await _body(request)
        user_id, bot_id = _path_int(request, "user_id"), _int(body.get("bot_id"), "bot_id")
        return {"seq": actions.set_blocked(self.world, user_id, bot_id, blocked=False)}

    async def messages(self, request: web.Request) -> Any:
        """GET /client/chats/{chat_id}/messages."""
        bot_id = _int(request.query.get("bot_id"), "bot_id")
        return actions.chat_messages(self.world, _path_int(request, "chat_id"), bot_id)

    async def callback(self, request: web.Request) -> Any:
        """GET /client/callbacks/{query_id}."""
        query = self.world.callbacks.get(request.match_info["query_id"])
        if query is None:
            raise actions.not_found(f"callback query {request.match_info['query_id']}")
        return dataclasses.asdict(query)

    async def events(self, request: web.Request) -> Any:
        """GET /client/events: long poll for events after a seq."""
        after = _int(request.query.get("after"), "after") or 0
        timeout = min(float(request.query.get("timeout") or 0), 60.0)
        limit = _int(request.query.get("limit"), "limit") or 1000
        await self.world.wait_events(after, timeout)
        return {"events": self.world.events_after(after, limit), "last_seq": self.world.last_seq}

    async def stream(self, request: web.Request) -> web.StreamResponse:
        """GET /client/events/stream: Server-Sent Events, one per event."""
        after = _int(request.query.get("after"), "after") or 0
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        while True:
            await self.world.wait_events(after, 15.0)
            events = self.world.events_after(after)
            if not events:
                await response.write(b": keep-alive\n\n")
                continue
            for event in events:
                data = json.dumps(event, ensure_ascii=False)
                await response.write(f"id: {event['seq']}\ndata: {data}\n\n".encode())
                after = event["seq"]

    async def file(self, request: web.Request) -> web.StreamResponse:
        """GET /client/files/{file_id}: the file's bytes."""
        stored = self.world.files.get(request.match_info["file_id"])
        if stored is None or stored.content is None:
            raise web.HTTPNotFound()
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    async def add_fault(self, request: web.Request) -> Any:
        """POST /client/faults."""
        body = await _body(request)
        kind = body.get("kind")
        if kind not in FAULT_KINDS:
            raise bad_request(f"kind must be one of {', '.join(sorted(FAULT_KINDS))}")
        methods = body.get("methods")
        if methods is not None and (
            not isinstance(methods, list) or not all(isinstance(m, str) for m in methods)
        ):
            raise bad_request("methods must be a list of method names")
        duration = body.get("duration")
        try:
            fault = Fault(
                id=secrets.token_hex(4),
                kind=kind,
                bot_id=_int(body.get("bot_id"), "bot_id"),
                chat_id=_int(body.get("chat_id"), "chat_id"),
                methods=frozenset(m.lower() for m in methods) if methods else None,
                until=None if duration is None else time.monotonic() + float(duration),
                hits=_int(body.get("hits"), "hits"),
                retry_after=float(body.get("retry_after", 1)),
                status=int(body.get("status", 500)),
                delay=float(body.get("delay", 0)),
                migrate_to_chat_id=_int(body.get("migrate_to_chat_id"), "migrate_to_chat_id"),
            )
        except (TypeError, ValueError) as exc:
            raise bad_request(f"bad fault: {exc}") from None
        if fault.retry_after <= 0 or not 500 <= fault.status <= 599 or fault.delay < 0:
            raise bad_request("retry_after must be positive, status 5xx, delay not negative")
        if kind == "migrated" and fault.migrate_to_chat_id is None:
            raise bad_request("a migrated fault needs migrate_to_chat_id")
        self.server.guard.add_fault(fault)
        return {"id": fault.id}

    async def list_faults(self, request: web.Request) -> Any:
        """GET /client/faults."""
        return [
            {**dataclasses.asdict(f), "methods": sorted(f.methods) if f.methods else None}
            for f in self.server.guard.active_faults()
        ]

    async def clear_faults(self, request: web.Request) -> Any:
        """DELETE /client/faults."""
        self.server.guard.clear_faults()
        return True

    async def get_limits(self, request: web.Request) -> Any:
        """GET /client/limits."""
        limits = self.server.guard.limits
        return None if limits is None else dataclasses.asdict(limits)

    async def set_limits(self, request: web.Request) -> Any:
        """PUT /client/limits."""
        body = await _body(request)
        if body.get("disabled"):
            self.server.guard.set_limits(None)
            return None
        fields = {f.name for f in dataclasses.fields(RateLimits)}
        try:
            limits = RateLimits(**{k: v for k, v in body.items() if k in fields})
        except (TypeError, ValueError) as exc:
            raise bad_request(f"bad limits: {exc}") from None
        self.server.guard.set_limits(limits)
        await asyncio.sleep(0)
        return dataclasses.asdict(limits)
