"""A typed async Python client of the emulator's client API, with event-driven waiting helpers.

Every user action returns the event ``seq`` at which it happened; ``wait_for_message(chat_id,
after=seq)`` then long-polls ``/client/events`` for the bot's next message in that chat, and
raises :class:`EmulatorTimeout` naming what it waited for if none comes in time.
"""

from __future__ import annotations

import base64
import dataclasses
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from bot.emulator.faults import RateLimits

JSONDict = dict[str, Any]
EventPredicate = Callable[[JSONDict], bool]
MessagePredicate = Callable[[JSONDict], bool]


class EmulatorError(Exception):
    """The client API refused a request."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description


class EmulatorTimeout(TimeoutError):
    """What a test waited for did not happen in time."""


@dataclass(frozen=True, slots=True)
class Sent:
    """A user's message as posted: its event seq, chat, id and Bot API object."""

    seq: int
    chat_id: int
    message_id: int
    message: JSONDict


@dataclass(frozen=True, slots=True)
class Pressed:
    """An inline button press: its event seq, the callback query id and the message pressed."""

    seq: int
    callback_query_id: str
    message_id: int


def buttons(message: JSONDict) -> list[str]:
    """Return the texts of a Bot API message's inline buttons, row by row."""
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


class EmulatorClient:
    """Talks to ``/client/`` of an emulator; ``async with EmulatorClient(url) as client``."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=f"{self.url}/client", timeout=timeout)

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._http.aclose()

    async def _call(
        self,
        method: str,
        path: str,
        body: JSONDict | None = None,
        *,
        params: JSONDict | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the HTTP timeout of a long poll
    ) -> Any:
        extra: JSONDict = {} if timeout is None else {"timeout": timeout}
        response = await self._http.request(method, path, json=body, params=params, **extra)
        data = response.json()
        if not data.get("ok"):
            raise EmulatorError(
                int(data.get("error_code", response.status_code)), str(data.get("description"))
            )
        return data["result"]

    # -- world --------------------------------------------------------------------------------

    async def state(self) -> JSONDict:
        """Return bots, users, groups, private chats and the last event seq."""
        result: JSONDict = await self._call("GET", "/state")
        return result

    async def reset(self) -> None:
        """Forget everything on the server (seqs keep increasing)."""
        await self._call("POST", "/reset")

    async def snapshot(self) -> JSONDict:
        """Return the whole world as JSON, for :meth:`restore` in this or another emulator."""
        result: JSONDict = await self._call("GET", "/snapshot")
        return result

    async def restore(self, snapshot: JSONDict) -> int:
        """Replace the world with a snapshot (faults lifted); return the event seq it got."""
        return int((await self._call("PUT", "/snapshot", snapshot))["seq"])

    async def register_bot(
        self, token: str, username: str | None = None, first_name: str | None = None
    ) -> JSONDict:
        """Register a bot (a token is also registered on its first API call)."""
        result: JSONDict = await self._call(
            "POST", "/bots", {"token": token, "username": username, "first_name": first_name}
        )
        return result

    async def create_user(
        self,
        first_name: str = "Alice",
        *,
        user_id: int | None = None,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str = "en",
    ) -> int:
        """Create a user and return their id."""
        body = {
            "id": user_id,
            "first_name": first_name,
            "username": username,
            "last_name": last_name,
            "language_code": language_code,
        }
        result = await self._call("POST", "/users", body)
        return int(result["id"])

    async def create_group(
        self,
        title: str,
        *,
        members: Iterable[int] = (),
        bots: Iterable[int] = (),
        supergroup: bool = False,
        chat_id: int | None = None,
    ) -> int:
        """Create a group (or supergroup) with members and bots; return its chat id."""
        body = {
            "title": title,
            "type": "supergroup" if supergroup else "group",
            "id": chat_id,
            "members": list(members),
            "bots": list(bots),
        }
        result = await self._call("POST", "/groups", body)
        return int(result["id"])

    async def add_bot(self, chat_id: int, bot: int) -> int:
        """Add a bot to a group; return the event seq."""
        return int((await self._call("POST", f"/groups/{chat_id}/bots", {"bot_id": bot}))["seq"])

    async def remove_bot(self, chat_id: int, bot: int) -> int:
        """Remove (kick) a bot from a group; return the event seq."""
        return int((await self._call("DELETE", f"/groups/{chat_id}/bots/{bot}"))["seq"])

    async def add_member(self, chat_id: int, user: int) -> int:
        """Add a user to a group; return the event seq."""
        return int(
            (await self._call("POST", f"/groups/{chat_id}/members", {"user_id": user}))["seq"]
        )

    async def remove_member(self, chat_id: int, user: int) -> int:
        """Take a user out of a group; return the event seq."""
        return int((await self._call("DELETE", f"/groups/{chat_id}/members/{user}"))["seq"])

    # -- acting as a user ---------------------------------------------------------------------

    async def _send(
        self, user: int, body: JSONDict, chat_id: int | None, bot: int | None, reply_to: int | None
    ) -> Sent:
        payload = {**body, "chat_id": chat_id, "bot_id": bot, "reply_to_message_id": reply_to}
        result = await self._call("POST", f"/users/{user}/send", payload)
        return Sent(
            int(result["seq"]), int(result["chat_id"]), int(result["message_id"]), result["message"]
        )

    async def send_text(
        self,
        user: int,
        text: str,
        chat_id: int | None = None,
        *,
        bot: int | None = None,
        reply_to: int | None = None,
        entities: list[JSONDict] | None = None,
    ) -> Sent:
        """Send text as a user (a leading /command gets a bot_command entity), with the
        formatting ``entities`` a Telegram app would attach, if given."""
        body: JSONDict = {"text": text}
        if entities is not None:
            body["entities"] = entities
        return await self._send(user, body, chat_id, bot, reply_to)

    async def send_command(
        self,
        user: int,
        command: str,
        args: str = "",
        chat_id: int | None = None,
        *,
        bot: int | None = None,
    ) -> Sent:
        """Send ``/command args`` as a user."""
        text = f"/{command.lstrip('/')}" + (f" {args}" if args else "")
        return await self._send(user, {"text": text}, chat_id, bot, None)

    async def send_location(
        self,
        user: int,
        latitude: float,
        longitude: float,
        chat_id: int | None = None,
        *,
        bot: int | None = None,
    ) -> Sent:
        """Share a location pin as a user."""
        body = {"location": {"latitude": latitude, "longitude": longitude}}
        return await self._send(user, body, chat_id, bot, None)

    async def send_venue(
        self,
        user: int,
        latitude: float,
        longitude: float,
        title: str,
        address: str = "",
        chat_id: int | None = None,
        *,
        bot: int | None = None,
    ) -> Sent:
        """Share a venue (a named place with its location) as a user."""
        body = {
            "venue": {
                "latitude": latitude,
                "longitude": longitude,
                "title": title,
                "address": address,
            }
        }
        return await self._send(user, body, chat_id, bot, None)

    async def send_contact(
        self,
        user: int,
        phone_number: str,
        first_name: str = "Contact",
        chat_id: int | None = None,
        *,
        bot: int | None = None,
    ) -> Sent:
        """Share a contact (as a request_contact button does, with the user's id)."""
        body = {
            "contact": {"phone_number": phone_number, "first_name": first_name, "user_id": user}
        }
        return await self._send(user, body, chat_id, bot, None)

    async def send_photo(
        self,
        user: int,
        data: bytes | None = None,
        chat_id: int | None = None,
        *,
        caption: str | None = None,
        bot: int | None = None,
    ) -> Sent:
        """Send a photo as a user (a small generated PNG when no data is given)."""
        photo = {} if data is None else {"data_base64": base64.b64encode(data).decode()}
        return await self._send(user, {"photo": photo, "caption": caption}, chat_id, bot, None)

    async def send_document(
        self,
        user: int,
        data: bytes,
        file_name: str = "file.txt",
        mime_type: str = "text/plain",
        chat_id: int | None = None,
        *,
        caption: str | None = None,
        bot: int | None = None,
    ) -> Sent:
        """Send a document as a user."""
        spec = {
            "data_base64": base64.b64encode(data).decode(),
            "file_name": file_name,
            "mime_type": mime_type,
        }
        return await self._send(user, {"document": spec, "caption": caption}, chat_id, bot, None)

    async def send_media(
        self, user: int, kind: str, chat_id: int | None = None, *, bot: int | None = None
    ) -> Sent:
        """Send a sticker, voice note or video as a user (to test unexpected input)."""
        if kind not in {"sticker", "voice", "video"}:
            raise ValueError(f"kind must be sticker, voice or video, not {kind!r}")
        return await self._send(user, {kind: {}}, chat_id, bot, None)

    async def press(
        self,
        user: int,
        chat_id: int | None,
        button_text: str,
        message_id: int | None = None,
        *,
        bot: int | None = None,
        forged_data: str | None = None,
    ) -> Pressed:
        """Press an inline button by its text; ``chat_id`` None means the private chat. With
        ``forged_data`` the press carries that data instead (a modified client's forgery)."""
        body = {
            "text": button_text,
            "chat_id": chat_id,
            "message_id": message_id,
            "bot_id": bot,
            "forged_data": forged_data,
        }
        result = await self._call("POST", f"/users/{user}/press", body)
        return Pressed(
            int(result["seq"]), str(result["callback_query_id"]), int(result["message_id"])
        )

    async def block(self, user: int, bot: int | None = None) -> int:
        """Block the bot as a user; return the event seq."""
        return int((await self._call("POST", f"/users/{user}/block", {"bot_id": bot}))["seq"])

    async def unblock(self, user: int, bot: int | None = None) -> int:
        """Unblock the bot as a user; return the event seq."""
        return int((await self._call("POST", f"/users/{user}/unblock", {"bot_id": bot}))["seq"])

    # -- reading ------------------------------------------------------------------------------

    async def messages(self, chat_id: int, bot: int | None = None) -> list[JSONDict]:
        """Return every message record of a chat, with edits and deletions."""
        params = {} if bot is None else {"bot_id": bot}
        result: list[JSONDict] = await self._call(
            "GET", f"/chats/{chat_id}/messages", params=params
        )
        return result

    async def bot_messages(self, chat_id: int, bot: int | None = None) -> list[JSONDict]:
        """Return the Bot API objects of the bot's messages still in the chat, oldest first."""
        records = await self.messages(chat_id, bot)
        return [r["message"] for r in records if r["from_bot"] and not r["deleted"]]

    async def callback(self, callback_query_id: str) -> JSONDict:
        """Return a callback query and its answer (None while unanswered)."""
        result: JSONDict = await self._call("GET", f"/callbacks/{callback_query_id}")
        return result

    async def file_bytes(self, file_id: str) -> bytes:
        """Return the bytes of a stored file."""
        response = await self._http.get(f"/files/{file_id}")
        response.raise_for_status()
        return response.content

    async def events(
        self,
        after: int = 0,
        timeout: float = 0.0,  # noqa: ASYNC109 - the server holds the long poll this long
        limit: int | None = None,
    ) -> tuple[list[JSONDict], int]:
        """Return events after ``after`` (waiting up to ``timeout`` for one) and the last seq."""
        params: JSONDict = {"after": after, "timeout": timeout}
        if limit is not None:
            params["limit"] = limit
        result = await self._call("GET", "/events", params=params, timeout=timeout + 10.0)
        return list(result["events"]), int(result["last_seq"])

    async def last_seq(self) -> int:
        """Return the seq of the newest event."""
        return (await self.events(after=2**62))[1]

    async def wait_for_event(
        self,
        predicate: EventPredicate,
        *,
        after: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109 - spread over several long polls
        description: str = "a matching event",
    ) -> JSONDict:
        """Return the first event after ``after`` that satisfies ``predicate``."""
        deadline = time.monotonic() + timeout
        cursor = after
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EmulatorTimeout(
                    f"waited {timeout}s for {description} after event seq {after}; none came"
                )
            events, _ = await self.events(after=cursor, timeout=min(remaining, 25.0))
            for event in events:
                if predicate(event):
                    return event
            if events:
                cursor = int(events[-1]["seq"])

    async def wait_for_message(
        self,
        chat_id: int,
        after: int = 0,
        predicate: MessagePredicate | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - spread over several long polls
        *,
        bot: int | None = None,
    ) -> JSONDict:
        """Return the bot's next Bot API Message in ``chat_id`` after event ``after``."""

        def matches(event: JSONDict) -> bool:
            return (
                event["type"] == "bot_message"
                and event["chat_id"] == chat_id
                and (bot is None or event["bot_id"] == bot)
                and (predicate is None or predicate(event["message"]))
            )

        what = f"a bot message in chat {chat_id}" + (" matching the predicate" if predicate else "")
        event = await self.wait_for_event(matches, after=after, timeout=timeout, description=what)
        message: JSONDict = event["message"]
        return message

    async def wait_for_edit(
        self,
        chat_id: int,
        message_id: int | None = None,
        after: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109 - spread over several long polls
    ) -> JSONDict:
        """Return the next edited version of a bot message in ``chat_id`` after event ``after``."""

        def matches(event: JSONDict) -> bool:
            return (
                event["type"] == "message_edited"
                and event["chat_id"] == chat_id
                and (message_id is None or event["message_id"] == message_id)
            )

        what = f"an edit of message {message_id or 'any'} in chat {chat_id}"
        event = await self.wait_for_event(matches, after=after, timeout=timeout, description=what)
        message: JSONDict = event["message"]
        return message

    async def wait_for_callback_answer(
        self,
        callback_query_id: str,
        after: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109 - spread over several long polls
    ) -> JSONDict:
        """Return the bot's answer to a callback query (text, show_alert, url)."""

        def matches(event: JSONDict) -> bool:
            return bool(
                event["type"] == "callback_answered"
                and event["callback_query_id"] == callback_query_id
            )

        what = f"an answer to callback query {callback_query_id}"
        event = await self.wait_for_event(matches, after=after, timeout=timeout, description=what)
        answer: JSONDict = event["answer"]
        return answer

    # -- faults and limits --------------------------------------------------------------------

    async def add_fault(
        self,
        kind: str,
        *,
        chat_id: int | None = None,
        methods: Iterable[str] | None = None,
        duration: float | None = None,
        hits: int | None = None,
        retry_after: float | None = None,
        status: int | None = None,
        delay: float | None = None,
        bot: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> str:
        """Inject a fault (see :mod:`bot.emulator.faults` for the kinds); return its id."""
        body: JSONDict = {
            "kind": kind,
            "chat_id": chat_id,
            "duration": duration,
            "hits": hits,
            "bot_id": bot,
            "methods": None if methods is None else list(methods),
        }
        for key, value in (
            ("retry_after", retry_after),
            ("status", status),
            ("delay", delay),
            ("migrate_to_chat_id", migrate_to_chat_id),
        ):
            if value is not None:
                body[key] = value
        result = await self._call("POST", "/faults", body)
        return str(result["id"])

    async def clear_faults(self) -> None:
        """Lift every fault."""
        await self._call("DELETE", "/faults")

    async def set_limits(self, limits: RateLimits | None) -> None:
        """Turn Telegram's rate limits on with these values, or off with None."""
        body = {"disabled": True} if limits is None else dataclasses.asdict(limits)
        await self._call("PUT", "/limits", body)
