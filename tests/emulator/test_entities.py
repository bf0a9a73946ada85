"""Telegram-HTML parsing: text, UTF-16 entity offsets and Telegram's error wording."""

from __future__ import annotations

import pytest

from bot.emulator.entities import EntityParseError, command_entities, parse_html, utf16_len


def test_nested_tags_give_entities_with_utf16_offsets() -> None:
    """An emoji before a tag counts two UTF-16 units; nesting yields both entities."""
    parsed = parse_html('😀 <b>bold <i>both</i></b> <a href="https://x.org/?a=1&amp;b=2">link</a>')
    assert parsed.text == "😀 bold both link"
    assert parsed.entities == (
        {"offset": 3, "length": 9, "type": "bold"},
        {"offset": 8, "length": 4, "type": "italic"},
        {"offset": 13, "length": 4, "type": "text_link", "url": "https://x.org/?a=1&b=2"},
    )


@pytest.mark.parametrize(
    ("source", "text", "kind"),
    [
        ("<strong>x</strong>", "x", "bold"),
        ("<em>x</em>", "x", "italic"),
        ("<ins>x</ins>", "x", "underline"),
        ("<u>x</u>", "x", "underline"),
        ("<del>x</del>", "x", "strikethrough"),
        ("<strike>x</strike>", "x", "strikethrough"),
        ("<s>x</s>", "x", "strikethrough"),
        ('<span class="tg-spoiler">x</span>', "x", "spoiler"),
        ("<tg-spoiler>x</tg-spoiler>", "x", "spoiler"),
        ("<code>x</code>", "x", "code"),
        ("<pre>x</pre>", "x", "pre"),
        ("<blockquote>x</blockquote>", "x", "blockquote"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", "custom_emoji"),
    ],
)
def test_each_supported_tag_makes_its_entity(source: str, text: str, kind: str) -> None:
    """Every tag Telegram supports becomes its entity type."""
    parsed = parse_html(source)
    assert parsed.text == text
    assert [e["type"] for e in parsed.entities] == [kind]


def test_html_entities_are_decoded_and_a_bare_ampersand_kept() -> None:
    """&lt; &gt; &amp; &quot; and numeric entities decode; an unknown & stays, as on Telegram."""
    parsed = parse_html("&lt;a&gt; &amp; &quot;q&quot; &#65;&#x42; Tom & Jerry &nbsp;")
    assert parsed.text == '<a> & "q" AB Tom & Jerry &nbsp;'
    assert parsed.entities == ()


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("Hello <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 6'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é <br/>", 'Unsupported start tag "br/" at byte offset 3'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_bad_html_is_refused_with_telegrams_words(source: str, error: str) -> None:
    """Errors carry tdlib's wording and UTF-8 byte offsets."""
    with pytest.raises(EntityParseError) as caught:
        parse_html(source)
    assert str(caught.value) == error


def test_surrounding_whitespace_is_trimmed_and_entities_follow() -> None:
    """Telegram trims the text; entity offsets shift with it."""
    parsed = parse_html("  <b>x</b> \n")
    assert parsed.text == "x"
    assert parsed.entities == ({"offset": 0, "length": 1, "type": "bold"},)


def test_command_entity_covers_the_command_only() -> None:
    """A leading /command (with @botname) is a bot_command entity; other text is not."""
    assert command_entities("/start payload") == (
        {"type": "bot_command", "offset": 0, "length": 6},
    )
    assert command_entities("/help@my_bot x")[0]["length"] == 12
    assert command_entities("hello /start") == ()
    assert utf16_len("😀a") == 3
