"""Bot API methods that put, change or remove messages in chats."""

from __future__ import annotations

import copy
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from bot.emulator.entities import EntityParseError, parse_html, strip_text
from bot.emulator.errors import bad_request, forbidden
from bot.emulator.images import image_size
from bot.emulator.params import Params, Upload
from bot.emulator.world import BotAccount, Chat, JSONDict, StoredFile, StoredMessage, World, now

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
# Telegram lets a bot delete a message for 48 hours after it was sent.
DELETE_WINDOW_SECONDS = 48 * 3600
MAX_CALLBACK_DATA = 64


class WebhookControl(Protocol):
    """What methods need from webhook delivery: start or stop it after a change."""

    def sync(self, bot: BotAccount) -> None:
        """Start, restart or stop delivery to match the bot's webhook settings."""


@dataclass(frozen=True, slots=True)
class Call:
    """One Bot API call: the world, the calling bot and its parameters."""

    world: World
    bot: BotAccount
    params: Params
    webhooks: WebhookControl


# -- chats and content ------------------------------------------------------------------------


def target_chat(call: Call, name: str = "chat_id") -> Chat:
    """Return the chat the bot may write to, or raise Telegram's 400/403."""
    chat = call.world.chat_for_bot(call.bot.id, call.params.chat_id(name))
    if chat is None:
        raise bad_request("chat not found")
    check_can_write(call.bot, chat)
    return chat


def check_can_write(bot: BotAccount, chat: Chat) -> None:
    """Raise the 403 Telegram gives when the bot cannot write to this chat."""
    if chat.type == "private":
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return
    kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
    if bot.id in chat.kicked_bots:
        raise forbidden(f"bot was kicked from the {kind}")
    if bot.id not in chat.bots:
        raise forbidden(f"bot is not a member of the {kind}")


def formatted(
    params: Params, field: str, entities_field: str, *, limit: int, too_long: str, required: bool
) -> tuple[str, list[JSONDict]] | None:
    """Read a text or caption with its parse_mode or entities, checked as Telegram checks."""
    source = params.get_str(field)
    if source is None or source == "":
        if required:
            raise bad_request("message text is empty")
        return None
    mode = (params.get_str("parse_mode") or "").lower()
    if mode == "html":
        try:
            parsed = parse_html(source)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode in {"", "none"}:
        given = params.get_json(entities_field) or []
        if not isinstance(given, list):
            raise bad_request(f"can't parse {entities_field} JSON object")
        parsed = strip_text(source, [e for e in given if isinstance(e, dict)])
    else:
        # MarkdownV2 and Markdown are not parsed: the text is kept as it was sent.
        parsed = strip_text(source, [])
    if not parsed.text:
        if required:
            raise bad_request("message text is empty")
        return None
    if len(parsed.text) > limit:
        raise bad_request(too_long)
    return parsed.text, list(parsed.entities)


def text_content(params: Params) -> JSONDict:
    """Return the text and entities of a sendMessage-like call."""
    result = formatted(
        params, "text", "entities", limit=MAX_TEXT, too_long="message is too long", required=True
    )
    assert result is not None
    content: JSONDict = {"text": result[0]}
    if result[1]:
        content["entities"] = result[1]
    return content


def caption_content(params: Params) -> JSONDict:
    """Return the caption and its entities, if any."""
    result = formatted(
        params,
        "caption",
        "caption_entities",
        limit=MAX_CAPTION,
        too_long="message caption is too long",
        required=False,
    )
    if result is None:
        return {}
    content: JSONDict = {"caption": result[0]}
    if result[1]:
        content["caption_entities"] = result[1]
    return content


def reply_markup(params: Params) -> JSONDict | None:
    """Read and check reply_markup: an inline keyboard, reply keyboard, removal or force reply."""
    markup = params.get_json("reply_markup", what="reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        for row in rows:
            for button in row:
                check_inline_button(button)
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse reply keyboard markup JSON object")
        markup = {
            **markup,
            "keyboard": [[b if isinstance(b, dict) else {"text": str(b)} for b in r] for r in rows],
        }
    elif not markup.get("remove_keyboard") and not markup.get("force_reply"):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def check_inline_button(button: Any) -> None:
    """Raise Telegram's error for an inline button it would refuse."""
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = {
        "url",
        "callback_data",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "web_app",
        "login_url",
        "pay",
        "callback_game",
        "copy_text",
        "switch_inline_query_chosen_chat",
    }
    if not actions & button.keys():
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not data or len(data.encode("utf-8")) > MAX_CALLBACK_DATA
    ):
        raise bad_request("BUTTON_DATA_INVALID")


def reply_to(call: Call, chat: Chat) -> JSONDict:
    """Return the reply_to_message part for reply_parameters or reply_to_message_id."""
    parameters = call.params.get_json("reply_parameters") or {}
    if not isinstance(parameters, dict):
        raise bad_request("can't parse reply parameters JSON object")
    message_id = parameters.get("message_id") or call.params.get_int("reply_to_message_id")
    if not message_id:
        return {}
    allow_missing = bool(parameters.get("allow_sending_without_reply")) or call.params.get_bool(
        "allow_sending_without_reply"
    )
    stored = chat.live_message(int(message_id))
    if stored is None:
        if allow_missing:
            return {}
        raise bad_request("message to be replied not found")
    replied = {k: v for k, v in stored.data.items() if k != "reply_to_message"}
    return {"reply_to_message": replied}


def post(call: Call, chat: Chat, content: JSONDict, markup: JSONDict | None) -> JSONDict:
    """Store a bot message in the chat, record the event and return the Message object."""
    full = {**content, **reply_to(call, chat)}
    if markup is not None and "inline_keyboard" in markup:
        full["reply_markup"] = markup
    data = chat.add_message(full, call.bot.to_api(), call.bot.id)
    stored = chat.messages[data["message_id"]]
    stored.keyboard = markup
    stored.silent = call.params.get_bool("disable_notification")
    call.world.emit(
        "bot_message",
        bot_id=call.bot.id,
        chat_id=chat.id,
        message_id=data["message_id"],
        message=data,
        reply_markup=markup,
    )
    return data


# -- files ------------------------------------------------------------------------------------


def resolve_file(
    call: Call, name: str, folder: str, *, missing: str, value: Any = None
) -> StoredFile:
    """Return the file given as an upload, an attach:// reference, a file_id or an HTTP URL."""
    given = value if value is not None else call.params.raw(name)
    if isinstance(given, str) and given.startswith("attach://"):
        given = call.params.raw(given.removeprefix("attach://"))
    world = call.world
    if isinstance(given, Upload):
        extension = (
            (given.filename or "").rsplit(".", 1)[-1] if "." in (given.filename or "") else ""
        )
        return world.store_file(
            folder,
            given.content,
            mime_type=given.content_type,
            file_name=given.filename,
            extension=extension or ("jpg" if folder == "photos" else "bin"),
        )
    if isinstance(given, str) and given:
        if given in world.files:
            return world.files[given]
        if given.startswith(("http://", "https://")):
            return world.store_file(folder, None, url=given)
        raise bad_request("wrong file identifier/HTTP URL specified")
    raise bad_request(missing)


def photo_sizes(stored: StoredFile) -> list[JSONDict]:
    """Return the PhotoSize array for a photo: a thumbnail and the full size."""
    width, height = image_size(stored.content) if stored.content else (800, 600)
    scale = min(1.0, 90 / max(width, height, 1))
    full: JSONDict = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": width,
        "height": height,
    }
    if stored.file_size is not None:
        full["file_size"] = stored.file_size
    thumb = {
        **full,
        "file_id": f"{stored.file_id}-s",
        "file_unique_id": f"{stored.file_unique_id}s",
        "width": max(1, int(width * scale)),
        "height": max(1, int(height * scale)),
    }
    return [thumb, full]


def document(stored: StoredFile) -> JSONDict:
    """Return the Document object for a stored file."""
    data: JSONDict = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    for key in ("file_name", "mime_type", "file_size"):
        value = getattr(stored, key)
        if value is not None:
            data[key] = value
    return data


# -- methods ----------------------------------------------------------------------------------


async def send_message(call: Call) -> JSONDict:
    """sendMessage."""
    chat = target_chat(call)
    content = text_content(call.params)
    return post(call, chat, content, reply_markup(call.params))


async def send_photo(call: Call) -> JSONDict:
    """sendPhoto: an upload, a file_id or a URL, with an optional caption."""
    chat = target_chat(call)
    caption = caption_content(call.params)
    markup = reply_markup(call.params)
    stored = resolve_file(call, "photo", "photos", missing="there is no photo in the request")
    if stored.file_id.endswith("-s"):
        stored = call.world.files.get(stored.file_id[:-2], stored)
    return post(call, chat, {"photo": photo_sizes(stored), **caption}, markup)


async def send_document(call: Call) -> JSONDict:
    """sendDocument."""
    chat = target_chat(call)
    caption = caption_content(call.params)
    markup = reply_markup(call.params)
    stored = resolve_file(
        call, "document", "documents", missing="there is no document in the request"
    )
    return post(call, chat, {"document": document(stored), **caption}, markup)


def _location(params: Params) -> JSONDict:
    latitude = params.get_float("latitude", required=True)
    longitude = params.get_float("longitude", required=True)
    assert latitude is not None
    assert longitude is not None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude or longitude specified")
    location: JSONDict = {"latitude": latitude, "longitude": longitude}
    accuracy = params.get_float("horizontal_accuracy")
    if accuracy is not None:
        location["horizontal_accuracy"] = accuracy
    return location


async def send_location(call: Call) -> JSONDict:
    """sendLocation."""
    chat = target_chat(call)
    location = _location(call.params)
    return post(call, chat, {"location": location}, reply_markup(call.params))


async def send_venue(call: Call) -> JSONDict:
    """sendVenue: a location with a title and an address."""
    chat = target_chat(call)
    location = _location(call.params)
    title = call.params.get_str("title", required=True)
    address = call.params.get_str("address", required=True)
    venue = {"location": location, "title": title, "address": address}
    return post(call, chat, {"location": location, "venue": venue}, reply_markup(call.params))


async def send_contact(call: Call) -> JSONDict:
    """sendContact."""
    chat = target_chat(call)
    contact: JSONDict = {
        "phone_number": call.params.get_str("phone_number", required=True),
        "first_name": call.params.get_str("first_name", required=True),
    }
    if call.params.has("last_name"):
        contact["last_name"] = call.params.get_str("last_name")
    return post(call, chat, {"contact": contact}, reply_markup(call.params))


async def send_media_group(call: Call) -> list[JSONDict]:
    """sendMediaGroup: 2-10 photos or documents sharing one media_group_id."""
    chat = target_chat(call)
    media = call.params.get_json("media")
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media items specified: must be 2-10")
    group_id = str(10**17 + secrets.randbelow(10**17))
    contents: list[JSONDict] = []
    for item in media:
        if not isinstance(item, dict) or item.get("type") not in {
            "photo",
            "document",
            "video",
            "audio",
        }:
            raise bad_request("can't parse InputMedia: media type not supported")
        item_params = Params({k: v for k, v in item.items() if k != "media"})
        caption = caption_content(item_params)
        folder = "photos" if item["type"] == "photo" else "documents"
        stored = resolve_file(
            call,
            "media",
            folder,
            missing="there is no media in the request",
            value=item.get("media"),
        )
        body = photo_sizes(stored) if item["type"] == "photo" else document(stored)
        contents.append({item["type"]: body, **caption, "media_group_id": group_id})
    return [post(call, chat, content, None) for content in contents]


async def copy_message(call: Call) -> JSONDict:
    """copyMessage: the content of another message, without a link to it."""
    chat = target_chat(call)
    source_chat = call.world.chat_for_bot(call.bot.id, call.params.chat_id("from_chat_id"))
    if source_chat is None:
        raise bad_request("chat not found")
    stored = source_chat.live_message(call.params.req_int("message_id"))
    if stored is None:
        raise bad_request("message to copy not found")
    kinds = (
        "text",
        "entities",
        "photo",
        "document",
        "location",
        "venue",
        "contact",
        "sticker",
        "voice",
        "video",
        "caption",
        "caption_entities",
    )
    content = {k: copy.deepcopy(v) for k, v in stored.data.items() if k in kinds}
    if call.params.has("caption"):
        content.pop("caption", None)
        content.pop("caption_entities", None)
        content.update(caption_content(call.params))
    markup = reply_markup(call.params)
    data = post(call, chat, content, markup)
    return {"message_id": data["message_id"]}


def _own_message(call: Call, chat: Chat, *, missing: str) -> StoredMessage:
    stored = chat.live_message(call.params.req_int("message_id"))
    if stored is None:
        raise bad_request(missing)
    if stored.sender_bot_id != call.bot.id:
        raise bad_request("message can't be edited")
    return stored


def _apply_edit(
    call: Call, chat: Chat, stored: StoredMessage, changes: JSONDict, markup: JSONDict | None
) -> JSONDict:
    data: JSONDict = stored.data
    new = {k: v for k, v in data.items() if k not in {"reply_markup", "edit_date"}}
    for key in ("entities", "caption_entities"):
        if key in changes or key.removesuffix("entities") + "text" in changes:
            new.pop(key, None)
    new.update(changes)
    if new.get("caption") == "":
        del new["caption"]
    if markup is not None:
        new["reply_markup"] = markup

    def comparable(message: JSONDict) -> str:
        keys = ("text", "entities", "caption", "caption_entities", "reply_markup")
        return json.dumps({k: message.get(k) for k in keys}, sort_keys=True)

    if comparable(new) == comparable(data):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are exactly "
            "the same as a current content and reply markup of the message"
        )
    new["edit_date"] = max(data["date"], now())
    stored.history.append(data)
    stored.data = new
    if markup is not None or "reply_markup" in data:
        stored.keyboard = markup
    call.world.emit(
        "message_edited",
        bot_id=call.bot.id,
        chat_id=chat.id,
        message_id=new["message_id"],
        message=new,
    )
    return new


def _edit_target(call: Call) -> Chat:
    if call.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    return target_chat(call)


async def edit_message_text(call: Call) -> JSONDict:
    """editMessageText: new text; the inline keyboard is replaced (or removed when absent)."""
    chat = _edit_target(call)
    stored = _own_message(call, chat, missing="message to edit not found")
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    changes = text_content(call.params)
    return _apply_edit(call, chat, stored, changes, reply_markup(call.params))


async def edit_message_caption(call: Call) -> JSONDict:
    """editMessageCaption."""
    chat = _edit_target(call)
    stored = _own_message(call, chat, missing="message to edit not found")
    if "text" in stored.data:
        raise bad_request("there is no caption in the message to edit")
    changes = caption_content(call.params)
    if not changes:
        changes = {"caption": ""}
    return _apply_edit(call, chat, stored, changes, reply_markup(call.params))


async def edit_message_reply_markup(call: Call) -> JSONDict:
    """editMessageReplyMarkup: replace or remove the inline keyboard."""
    chat = _edit_target(call)
    stored = _own_message(call, chat, missing="message to edit not found")
    markup = reply_markup(call.params)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return _apply_edit(call, chat, stored, {}, markup)


async def delete_message(call: Call) -> bool:
    """deleteMessage."""
    chat = call.world.chat_for_bot(call.bot.id, call.params.chat_id())
    if chat is None:
        raise bad_request("chat not found")
    if chat.type != "private":
        check_can_write(call.bot, chat)
    stored = chat.live_message(call.params.req_int("message_id"))
    if stored is None:
        raise bad_request("message to delete not found")
    if chat.type != "private" and stored.sender_bot_id != call.bot.id:
        raise bad_request("message can't be deleted")
    if now() - int(stored.data["date"]) >= DELETE_WINDOW_SECONDS:
        raise bad_request("message can't be deleted for everyone")
    stored.deleted = True
    call.world.emit(
        "message_deleted", bot_id=call.bot.id, chat_id=chat.id, message_id=stored.data["message_id"]
    )
    return True


async def answer_callback_query(call: Call) -> bool:
    """answerCallbackQuery: once per query, as Telegram allows."""
    query_id = call.params.get_str("callback_query_id", required=True)
    query = call.world.callbacks.get(query_id or "")
    if query is None or query.bot_id != call.bot.id or query.answer is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    answer: JSONDict = {
        "text": call.params.get_str("text"),
        "show_alert": call.params.get_bool("show_alert"),
        "url": call.params.get_str("url"),
    }
    query.answer = answer
    call.world.emit(
        "callback_answered",
        bot_id=call.bot.id,
        chat_id=query.chat_id,
        callback_query_id=query.id,
        answer=answer,
    )
    return True


async def get_file(call: Call) -> JSONDict:
    """getFile: the file_path to download from ``/file/bot<token>/<file_path>``."""
    file_id = call.params.get_str("file_id", required=True) or ""
    stored = call.world.files.get(file_id)
    if stored is None and file_id.endswith("-s"):
        stored = call.world.files.get(file_id[:-2])
    if stored is None:
        raise bad_request("invalid file_id")
    data: JSONDict = {
        "file_id": file_id,
        "file_unique_id": stored.file_unique_id,
        "file_path": stored.file_path,
    }
    if stored.file_size is not None:
        data["file_size"] = stored.file_size
    return data
