"""Telegram-HTML parsing into plain text and message entities, as the Bot API does it.

The parser follows tdlib's ``parse_html``: the supported tags are b strong i em u ins s strike
del span (class "tg-spoiler") tg-spoiler a code pre blockquote tg-emoji; the entities ``&lt;``
``&gt;`` ``&amp;`` ``&quot;`` and numeric ones are decoded. An ``&`` that starts no known entity is
kept as it is, as Telegram does; a ``<`` that starts no supported tag is an error. Errors carry
Telegram's own wording (``Unsupported start tag "foo" at byte offset 5``). Entity offsets and
lengths are counted in UTF-16 code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip

_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]{1,8}|#[0-9]{1,10}|[a-zA-Z]{2,10});")


class EntityParseError(ValueError):
    """The text does not parse; ``str(error)`` is Telegram's description after the prefix."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    """Plain text with its entities, each a Bot API MessageEntity dict."""

    text: str
    entities: tuple[dict[str, Any], ...]


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, as Telegram counts offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    utf16_start: int


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, index: int) -> tuple[str, int] | None:
    """Decode the HTML entity starting at ``text[index]`` (an ``&``), or return None."""
    match = _ENTITY_RE.match(text, index)
    if match is None:
        return None
    body = match.group(1)
    if body.startswith("#x"):
        code = int(body[2:], 16)
    elif body.startswith("#"):
        code = int(body[1:])
    elif body in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[body], match.end()
    else:
        return None
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _parse_attributes(text: str, i: int, tag: str, begin: int) -> tuple[str, int]:
    """Read a start tag's attributes from ``text[i]`` up to ``>``; return (argument, index of >)."""
    n = len(text)
    argument = ""
    while i < n and text[i] != ">":
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] == ">":
            break
        name_start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[name_start:i]
        if not name:
            offset = _byte_offset(text, begin)
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {offset}'
            )
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        if text[i] != "=":
            if tag == "blockquote" and name == "expandable":
                argument = "expandable"
            continue
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        value_chars: list[str] = []
        if text[i] in "\"'":
            quote = text[i]
            i += 1
            while i < n and text[i] != quote:
                if text[i] == "&" and (decoded := _decode_entity(text, i)) is not None:
                    value_chars.append(decoded[0])
                    i = decoded[1]
                    continue
                value_chars.append(text[i])
                i += 1
            if i < n:
                i += 1
        else:
            token_start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                value_chars.append(text[i].lower())
                i += 1
            if i < n and not text[i].isspace() and text[i] != ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, token_start)}"
                )
        if i >= n:
            raise EntityParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        value = "".join(value_chars)
        if (tag, name) in {("a", "href"), ("tg-emoji", "emoji-id")}:
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value.removeprefix("language-")
        elif tag == "span" and name == "class":
            argument = value
    return argument, i


def _entity_for(tag: _OpenTag, length: int) -> dict[str, Any]:
    entity: dict[str, Any] = {"offset": tag.utf16_start, "length": length}
    if tag.name in _SIMPLE_TYPES:
        entity["type"] = _SIMPLE_TYPES[tag.name]
    elif tag.name == "a":
        entity["type"] = "text_link"
        entity["url"] = tag.argument
    elif tag.name == "code":
        entity["type"] = "code"
    elif tag.name == "pre":
        entity["type"] = "pre"
        if tag.argument:
            entity["language"] = tag.argument
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
    elif tag.name == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = tag.argument
    return entity


def parse_html(source: str) -> ParsedText:
    """Parse Telegram-HTML ``source`` into text and entities, or raise EntityParseError."""
    out: list[str] = []
    utf16_pos = 0
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    n = len(source)
    i = 0
    while i < n:
        ch = source[i]
        if ch == "&" and (decoded := _decode_entity(source, i)) is not None:
            out.append(decoded[0])
            utf16_pos += utf16_len(decoded[0])
            i = decoded[1]
            continue
        if ch != "<":
            out.append(ch)
            utf16_pos += utf16_len(ch)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and source[i] == "/":
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(source, begin)}"
                )
            i += 1
            name_start = i
            while i < n and not source[i].isspace() and source[i] != ">":
                i += 1
            end_name = source[name_start:i].lower()
            while i < n and source[i].isspace():
                i += 1
            if i >= n or source[i] != ">":
                raise EntityParseError(
                    f"Unclosed end tag at byte offset {_byte_offset(source, begin)}"
                )
            top = stack.pop()
            if end_name and end_name != top.name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, begin)}, "
                    f'expected "</{top.name}>", found "</{end_name}>"'
                )
            length = utf16_pos - top.utf16_start
            if length > 0:
                entities.append(_entity_for(top, length))
            i += 1
            continue
        name_start = i
        while i < n and not source[i].isspace() and source[i] != ">":
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Unclosed start tag at byte offset {_byte_offset(source, begin)}"
            )
        tag = source[name_start:i].lower()
        if tag not in SUPPORTED_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{tag}" at byte offset {_byte_offset(source, begin)}'
            )
        argument, i = _parse_attributes(source, i, tag, begin)
        if tag == "span" and argument != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(source, begin)}"
            )
        stack.append(_OpenTag(tag, argument, utf16_pos))
        i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return strip_text("".join(out), entities)


def strip_text(text: str, entities: list[dict[str, Any]]) -> ParsedText:
    """Trim surrounding whitespace as Telegram does, clipping the entities to what remains."""
    stripped = text.strip()
    if stripped == text:
        return ParsedText(text, tuple(entities))
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end = lead + utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"], lead)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            kept.append({**entity, "offset": start - lead, "length": stop - start})
    return ParsedText(stripped, tuple(kept))


def command_entities(text: str) -> tuple[dict[str, Any], ...]:
    """Return the bot_command entity Telegram gives a text that starts with ``/command``."""
    match = re.match(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,64})?", text)
    if match is None:
        return ()
    return ({"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))},)
