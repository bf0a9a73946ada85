"""Telegram HTML cut into the messages Telegram accepts, tags never cut.

Telegram limits a message to 4,096 characters and a photo's caption to 1,024, counted on the
text after its entities are parsed (the tags do not count; ``&amp;`` counts one), in UTF-16
code units as Telegram counts them. A longer item is split at paragraphs, else at lines, else
at words, else (a very long word) anywhere; each part closes the tags open at its end and
opens them again at the start of the next, so every part is valid HTML on its own.

Only the tags of Telegram's subset are accepted (https://core.telegram.org/bots/api#html-style):
anything else is refused with the tag's name, as Telegram would refuse the message.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import accumulate

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

# Telegram's HTML subset: each tag with the attributes it may carry.
_ALLOWED: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "span": frozenset({"class"}),  # only class="tg-spoiler"
    "tg-spoiler": frozenset(),
    "a": frozenset({"href"}),
    "tg-emoji": frozenset({"emoji-id"}),
    "code": frozenset({"class"}),  # language-xxx inside pre
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
}


class HtmlRejected(ValueError):
    """Text Telegram would not accept as HTML; the message says why, for the admin."""


@dataclass(eq=False, slots=True)
class _Tag:
    """One element as written: compared by identity, so two ``<b>`` in a row stay two."""

    name: str
    start: str  # the start tag, rendered again when a part reopens it


@dataclass(frozen=True, slots=True)
class _Run:
    """Text under the same open elements (outermost first)."""

    text: str
    tags: tuple[_Tag, ...]


@dataclass(slots=True)
class Document:
    """Parsed Telegram HTML: the text Telegram counts and the elements over it."""

    runs: list[_Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text as subscribers read it (no tags, entities decoded)."""
        return "".join(run.text for run in self.runs)

    def render(self, start: int, end: int) -> str:
        """HTML for the text from ``start`` to ``end`` (character positions), tags balanced."""
        out: list[str] = []
        open_tags: list[_Tag] = []
        position = 0
        for run in self.runs:
            run_start, position = position, position + len(run.text)
            if position <= start or run_start >= end:
                continue
            piece = run.text[max(start, run_start) - run_start : min(end, position) - run_start]
            common = 0
            while (
                common < len(open_tags)
                and common < len(run.tags)
                and open_tags[common] is run.tags[common]
            ):
                common += 1
            while len(open_tags) > common:
                out.append(f"</{open_tags.pop().name}>")
            for tag in run.tags[common:]:
                out.append(tag.start)
                open_tags.append(tag)
            out.append(html.escape(piece, quote=False))
        while open_tags:
            out.append(f"</{open_tags.pop().name}>")
        return "".join(out)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.document = Document()
        self._stack: list[_Tag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        allowed = _ALLOWED.get(tag)
        if allowed is None:
            raise HtmlRejected(f"Telegram does not accept the tag <{tag}>.")
        parts = [tag]
        for name, value in attrs:
            if name not in allowed:
                raise HtmlRejected(f"Telegram does not accept {name!r} on <{tag}>.")
            if tag == "span" and value != "tg-spoiler":
                raise HtmlRejected('Telegram accepts <span> only as class="tg-spoiler".')
            parts.append(name if value is None else f'{name}="{html.escape(value)}"')
        self._stack.append(_Tag(tag, "<" + " ".join(parts) + ">"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise HtmlRejected(f"Telegram does not accept the tag <{tag}/>.")

    def handle_endtag(self, tag: str) -> None:
        if not self._stack or self._stack[-1].name != tag:
            raise HtmlRejected(f"The closing tag </{tag}> does not match an open tag.")
        self._stack.pop()

    def handle_data(self, data: str) -> None:
        if data:
            self.document.runs.append(_Run(data, tuple(self._stack)))

    def finish(self) -> Document:
        self.close()
        if self._stack:
            raise HtmlRejected(f"The tag <{self._stack[-1].name}> is never closed.")
        return self.document


def parse(text: str) -> Document:
    """Read Telegram HTML, refusing what Telegram would refuse (:class:`HtmlRejected`)."""
    parser = _Parser()
    parser.feed(text)
    return parser.finish()


def telegram_length(text: str) -> int:
    """The length Telegram counts for plain text: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def visible_length(html_text: str) -> int:
    """The length Telegram counts for an HTML message: its text after parsing."""
    return telegram_length(parse(html_text).text)


def split_html(
    html_text: str, *, first_limit: int = TEXT_LIMIT, limit: int = TEXT_LIMIT
) -> list[str]:
    """The item's HTML as parts: the first at most ``first_limit``, the rest ``limit`` each.

    Blank parts are dropped: an item of only a photo has no text parts.
    """
    document = parse(html_text)
    text = document.text
    units = [0, *accumulate(2 if ord(char) > 0xFFFF else 1 for char in text)]
    parts: list[str] = []
    start = _skip_space(text, 0)
    while start < len(text):
        budget = first_limit if not parts else limit
        end = _cut(text, units, start, budget)
        trimmed = end
        while trimmed > start and text[trimmed - 1].isspace():
            trimmed -= 1
        if trimmed > start:
            parts.append(document.render(start, trimmed))
        start = _skip_space(text, end)
    return parts


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _cut(text: str, units: list[int], start: int, budget: int) -> int:
    """Where the part beginning at ``start`` ends: the last paragraph, line or word break
    that keeps it within ``budget`` UTF-16 units, else as much as fits."""
    end = start
    while end < len(text) and units[end + 1] - units[start] <= budget:
        end += 1
    if end == len(text):
        return end
    window = text[start : end + 1]  # a break just after the last character that fits
    for separator in ("\n\n", "\n", " "):
        at = window.rfind(separator)
        if at > 0:
            return start + at
    return max(end, start + 1)
