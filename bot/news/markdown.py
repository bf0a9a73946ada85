"""Markdown to the HTML Telegram accepts, and nothing more.

Telegram's HTML is a small subset (``b``, ``i``, ``u``, ``s``, ``a href``, ``code``, ``pre``,
``blockquote``, ``tg-spoiler``): general HTML is refused outright. So the Markdown is parsed
with markdown-it-py (CommonMark, plus ``~~strikethrough~~``) and only its syntax tree is read:
every piece of text is escaped here and every tag written here, from that list alone.

- Paragraphs are separated by a blank line; a line break stays a line break.
- Headings become a bold line.
- Lists become lines starting "•" (or "1.", "2.", ... from the list's own start), nested lists
  indented under their item.
- Block quotes become ``blockquote`` (Telegram cannot nest them: an inner quote is just lines).
- Code blocks become ``pre`` (with ``code class="language-x"`` when the fence names one);
  inline code becomes ``code``.
- Links keep their text and address where the address is one Telegram opens (http, https,
  tg, mailto); any other becomes its text. Images become a link to the image, named by their
  alt text. A link inside a link is its text.
- Raw HTML in the Markdown (``<script>``, ``<b>``) is text: escaped, never passed through.
- A horizontal rule becomes a line of dashes.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

SCHEMES = frozenset({"http", "https", "tg", "mailto"})
"""The link addresses kept as links."""

RULE = "———"

_PARSER = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")
_INLINE_TAGS = {"em": "i", "strong": "b", "s": "s"}


def to_telegram_html(markdown: str) -> str:
    """The Markdown as Telegram HTML: paragraphs separated by blank lines."""
    tree = SyntaxTreeNode(_PARSER.parse(markdown))
    return "\n\n".join(block for block in _blocks(tree.children, quoted=False) if block)


def _blocks(nodes: list[SyntaxTreeNode], *, quoted: bool) -> list[str]:
    """Each block node as a paragraph of Telegram HTML (``quoted``: inside a blockquote)."""
    out: list[str] = []
    for node in nodes:
        out.extend(_block(node, quoted=quoted))
    return out


def _block(node: SyntaxTreeNode, *, quoted: bool) -> list[str]:
    kind = node.type
    if kind == "paragraph":
        return [_inline_of(node)]
    if kind == "heading":
        text = _inline_of(node)
        return [f"<b>{text}</b>"] if text else []
    if kind in ("bullet_list", "ordered_list"):
        return ["\n".join(_list_lines(node, quoted=quoted))]
    if kind == "blockquote":
        inner = "\n".join(_blocks(node.children, quoted=True))
        return [inner] if quoted else [f"<blockquote>{inner}</blockquote>"]
    if kind in ("code_block", "fence"):
        return [_pre(node.content, node.info.strip().split(" ")[0] if kind == "fence" else "")]
    if kind == "hr":
        return [RULE]
    # Raw HTML blocks do not arise (HTML is off); anything unforeseen is shown as text.
    return [escape(node.content.strip())] if node.content.strip() else []


def _list_lines(node: SyntaxTreeNode, *, quoted: bool) -> list[str]:
    """A list's items as lines: a marker, then the item's blocks; later lines indented."""
    ordered = node.type == "ordered_list"
    number = int(str(node.attrs.get("start", 1))) if ordered else 0
    lines: list[str] = []
    for item in node.children:
        marker = f"{number}." if ordered else "•"
        number += 1
        indent = " " * (len(marker) + 1)
        body = "\n".join(_blocks(item.children, quoted=quoted)).split("\n")
        lines.append(f"{marker} {body[0]}".rstrip())
        lines.extend(f"{indent}{line}" if line else "" for line in body[1:])
    return lines


def _pre(code: str, language: str) -> str:
    text = escape(code.rstrip("\n"), quote=False)
    if language:
        return f'<pre><code class="language-{escape(language, quote=True)}">{text}</code></pre>'
    return f"<pre>{text}</pre>"


def _inline_of(node: SyntaxTreeNode) -> str:
    """The HTML of a paragraph's or heading's inline content."""
    return "".join(_inline(child, in_link=False) for child in node.children).strip()


def _inline(node: SyntaxTreeNode, *, in_link: bool) -> str:
    kind = node.type
    if kind == "inline":
        return "".join(_inline(child, in_link=in_link) for child in node.children)
    if kind == "text":
        return escape(node.content, quote=False)
    if kind in ("softbreak", "hardbreak"):
        return "\n"
    if kind == "code_inline":
        return f"<code>{escape(node.content, quote=False)}</code>"
    if kind in _INLINE_TAGS:
        tag = _INLINE_TAGS[kind]
        inner = "".join(_inline(child, in_link=in_link) for child in node.children)
        return f"<{tag}>{inner}</{tag}>"
    if kind == "link":
        inner = "".join(_inline(child, in_link=True) for child in node.children)
        return _link(str(node.attrs.get("href", "")), inner, in_link=in_link)
    if kind == "image":
        alt = "".join(_inline(child, in_link=True) for child in node.children)
        source = str(node.attrs.get("src", ""))
        return _link(source, alt or escape(source, quote=False), in_link=in_link)
    # Raw inline HTML does not arise (HTML is off); anything unforeseen is shown as text.
    return escape(node.content, quote=False)


def _link(href: str, inner: str, *, in_link: bool) -> str:
    """A link Telegram can open, else just its text (and never a link inside a link)."""
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:  # not an address at all (an unclosed [IPv6 bracket, say)
        scheme = ""
    if in_link or scheme not in SCHEMES:
        return inner
    return f'<a href="{escape(href, quote=True)}">{inner}</a>'
