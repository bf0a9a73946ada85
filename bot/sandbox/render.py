"""Messages as the page shows them: Telegram's HTML, keyboards, places, edits.

The HTML of a message is built by python-telegram-bot from its text and entities (every
character escaped, only Telegram's own tags), after dropping links to anything but http(s),
mailto and tg addresses, so nothing a message holds can run in the page.
"""

from __future__ import annotations

from typing import Any

from telegram import Message

JSONDict = dict[str, Any]

SAFE_SCHEMES = ("http://", "https://", "mailto:", "tg://")


def _safe_entities(entities: list[JSONDict] | None) -> list[JSONDict]:
    return [
        e
        for e in entities or []
        if e.get("type") != "text_link" or str(e.get("url", "")).startswith(SAFE_SCHEMES)
    ]


def message_html(data: JSONDict) -> str:
    """The text (or caption) of a Bot API message as Telegram's HTML."""
    cleaned = dict(data)
    for key in ("entities", "caption_entities"):
        if key in cleaned:
            cleaned[key] = _safe_entities(cleaned[key])
    cleaned.pop("reply_markup", None)
    cleaned.pop("reply_to_message", None)
    message = Message.de_json(cleaned, None)
    if message.text is not None:
        return message.text_html
    if message.caption is not None:
        return message.caption_html
    return ""


def _inline(markup: JSONDict | None) -> list[list[JSONDict]]:
    rows = (markup or {}).get("inline_keyboard") or []
    return [
        [
            {"text": b.get("text", ""), "url": b.get("url") if _is_safe(b.get("url")) else None}
            for b in row
        ]
        for row in rows
    ]


def _is_safe(url: Any) -> bool:
    return isinstance(url, str) and url.startswith(SAFE_SCHEMES)


def view(record: JSONDict, sender_names: dict[int, str]) -> JSONDict:
    """One message record of the emulator as the page shows it."""
    data: JSONDict = record["message"]
    sender = data.get("from") or {}
    shown: JSONDict = {
        "message_id": record["message_id"],
        "from_bot": record["from_bot"],
        "sender_id": sender.get("id"),
        "sender": sender_names.get(sender.get("id", 0), sender.get("first_name", "")),
        "date": data.get("date"),
        "html": message_html(data),
        "edited": bool(record.get("edits")),
        "deleted": bool(record.get("deleted")),
        "inline_keyboard": _inline(data.get("reply_markup")),
    }
    if venue := data.get("venue"):
        location = venue.get("location", {})
        shown["place"] = {
            "title": venue.get("title", ""),
            "address": venue.get("address", ""),
            "latitude": location.get("latitude"),
            "longitude": location.get("longitude"),
        }
    elif location := data.get("location"):
        shown["place"] = {
            "title": "Location",
            "address": "",
            "latitude": location.get("latitude"),
            "longitude": location.get("longitude"),
        }
    if contact := data.get("contact"):
        shown["contact"] = {
            "name": contact.get("first_name", ""),
            "phone_number": contact.get("phone_number", ""),
        }
    if photo := data.get("photo"):
        shown["photo"] = photo[-1].get("file_id")
    if document := data.get("document"):
        shown["document"] = {
            "name": document.get("file_name") or "document",
            "file_id": document.get("file_id"),
        }
    return shown


def reply_keyboard(records: list[JSONDict]) -> list[list[JSONDict]] | None:
    """The reply keyboard the bot last set in a chat (None once it removed it)."""
    for record in reversed(records):
        if not record["from_bot"] or record.get("deleted"):
            continue
        markup = record.get("reply_markup") or record["message"].get("reply_markup") or {}
        if "keyboard" in markup:
            return [
                [
                    {
                        "text": b if isinstance(b, str) else b.get("text", ""),
                        "request_location": isinstance(b, dict) and bool(b.get("request_location")),
                        "request_contact": isinstance(b, dict) and bool(b.get("request_contact")),
                    }
                    for b in row
                ]
                for row in markup["keyboard"]
            ]
        if markup.get("remove_keyboard"):
            return None
    return None
