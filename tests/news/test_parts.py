"""Cutting Telegram HTML into messages: the counted length, the order of breaks, tags kept
balanced in every part, and HTML Telegram would refuse."""

from __future__ import annotations

import pytest

from bot.news.parts import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    HtmlRejected,
    parse,
    split_html,
    telegram_length,
    visible_length,
)


def test_length_is_counted_after_entities_in_utf16() -> None:
    """Tags do not count, an entity counts one, an emoji outside the BMP counts two."""
    assert visible_length('<b>a&amp;b</b> <a href="https://x.example/?a=1&amp;b=2">c</a>') == 5
    assert telegram_length("😀") == 2


def test_a_short_text_is_one_part_as_written() -> None:
    """Nothing to cut: the HTML comes back the same."""
    html = '<b>Bold</b>, <i>italic</i> and <a href="https://example.org/">a link</a>'
    assert split_html(html) == [html]


@pytest.mark.parametrize(
    ("separator", "expected_first"),
    [("\n\n", 3000), ("\n", 3000), (" ", 3000)],
)
def test_cut_at_paragraph_then_line_then_word(separator: str, expected_first: int) -> None:
    """A text over 4,096 is cut at its break, each part within the limit."""
    text = "x" * 3000 + separator + "y" * 3000
    parts = split_html(text)
    assert [len(p) for p in parts] == [expected_first, 3000]


def test_a_paragraph_break_is_preferred_to_a_later_line_break() -> None:
    """Paragraphs first, even when a line break comes later within the limit."""
    text = "a" * 2000 + "\n\n" + "b" * 1500 + "\n" + "c" * 1500
    first, second = split_html(text)
    assert first == "a" * 2000
    assert second == "b" * 1500 + "\n" + "c" * 1500


def test_tags_are_closed_and_reopened_across_a_cut() -> None:
    """A bold run cut in two is bold in both parts, each valid on its own."""
    text = "<b>" + "word " * 1000 + "</b>"
    parts = split_html(text)
    assert len(parts) == 2
    for part in parts:
        assert part.startswith("<b>")
        assert part.endswith("</b>")
        parse(part)  # balanced
        assert visible_length(part) <= TEXT_LIMIT


def test_a_word_longer_than_the_limit_is_cut_anywhere() -> None:
    """No break at all: cut at the limit, nothing lost."""
    parts = split_html("z" * 5000)
    assert [len(p) for p in parts] == [4096, 904]


def test_the_first_part_may_have_a_caption_limit() -> None:
    """A photo's caption takes 1,024; the rest follows in text-sized parts."""
    parts = split_html("q " * 3000, first_limit=CAPTION_LIMIT)
    assert visible_length(parts[0]) <= CAPTION_LIMIT
    assert all(visible_length(p) <= TEXT_LIMIT for p in parts[1:])
    assert "".join(parse(p).text for p in parts).replace(" ", "") == "q" * 3000


def test_escaped_text_stays_escaped() -> None:
    """Text that needed escaping is escaped again in each part."""
    assert split_html("1 &lt; 2 &amp; 3") == ["1 &lt; 2 &amp; 3"]


@pytest.mark.parametrize(
    "html",
    [
        "<div>x</div>",
        "<b>x",
        "x</b>",
        "<b><i>x</b></i>",
        '<span class="red">x</span>',
        '<a onclick="y">x</a>',
        "x<br/>y",
    ],
)
def test_html_telegram_would_refuse_is_refused(html: str) -> None:
    """Tags outside Telegram's subset, unbalanced tags and stray attributes are refused."""
    with pytest.raises(HtmlRejected):
        parse(html)


def test_telegrams_own_tags_are_accepted() -> None:
    """The subset PTB's text_html writes reads back."""
    html = (
        "<b>b</b><i>i</i><u>u</u><s>s</s><tg-spoiler>t</tg-spoiler>"
        '<span class="tg-spoiler">t</span><code>c</code>'
        '<pre><code class="language-python">p</code></pre><blockquote>q</blockquote>'
        "<blockquote expandable>e</blockquote>"
    )
    assert split_html(html) == [html]
