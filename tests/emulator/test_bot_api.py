"""The Bot API over raw HTTP: request encodings, JSON shapes and Telegram's errors."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.emulator import EmulatorClient
from bot.emulator.images import make_png

from .helpers import BOT_ID, TOKEN, BotApi

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def inline(*pairs: tuple[str, str]) -> dict[str, object]:
    """Return an inline keyboard with one button per (text, callback_data)."""
    return {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in pairs]]}


async def test_malformed_token_and_unknown_method_are_not_found(http: httpx.AsyncClient) -> None:
    """Telegram answers 404 Not Found for a malformed token and for an unknown method."""
    for path in ("/botnot-a-token/getMe", f"/bot{TOKEN}/noSuchMethod", "/bot123/getMe"):
        response = await http.post(path)
        assert response.status_code == 404
        assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_any_wellformed_token_is_a_bot_and_method_names_ignore_case(
    http: httpx.AsyncClient,
) -> None:
    """A new token registers itself with a default username; getme works like getMe."""
    response = await http.get("/bot777:abc_DEF-1/getme")
    assert response.json() == {
        "ok": True,
        "result": {
            "id": 777,
            "is_bot": True,
            "first_name": "Bot 777",
            "username": "bot777_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        },
    }


async def test_parameters_arrive_by_query_form_json_and_multipart(
    http: httpx.AsyncClient, client: EmulatorClient, alice: int
) -> None:
    """Each encoding works, JSON-typed values as JSON text in forms and objects in JSON."""
    markup = inline(("A", "a"))
    base = f"/bot{TOKEN}/sendMessage"
    responses = [
        await http.get(
            base, params={"chat_id": alice, "text": "q", "reply_markup": json.dumps(markup)}
        ),
        await http.post(
            base, data={"chat_id": str(alice), "text": "f", "reply_markup": json.dumps(markup)}
        ),
        await http.post(base, json={"chat_id": alice, "text": "j", "reply_markup": markup}),
        await http.post(
            base,
            data={"chat_id": str(alice), "text": "m", "reply_markup": json.dumps(markup)},
            files={"unused": ("x.txt", b"x")},
        ),
    ]
    for response, text in zip(responses, "qfjm", strict=True):
        body = response.json()
        assert body["ok"] is True, body
        assert body["result"]["text"] == text
        assert body["result"]["reply_markup"] == markup
    assert [m["text"] for m in await client.bot_messages(alice)] == list("qfjm")


async def test_send_message_returns_a_full_message(api: BotApi, alice: int) -> None:
    """The Message has increasing ids, integer date, chat, from = the bot, and entities."""
    first = await api.ok("sendMessage", chat_id=alice, text="one")
    second = await api.ok("sendMessage", chat_id=alice, text="<i>two</i>", parse_mode="HTML")
    assert second["message_id"] == first["message_id"] + 1
    assert isinstance(second["date"], int)
    assert second["from"] == {
        "id": BOT_ID,
        "is_bot": True,
        "first_name": "Bot 123456",
        "username": "safety_test_bot",
    }
    assert second["chat"] == {
        "id": alice,
        "type": "private",
        "first_name": "Alice",
        "username": "alice",
    }
    assert second["entities"] == [{"offset": 0, "length": 3, "type": "italic"}]


async def test_text_length_limits(api: BotApi, alice: int) -> None:
    """4096 characters after parsing pass; one more, or nothing at all, is refused."""
    await api.ok("sendMessage", chat_id=alice, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert await api.error("sendMessage", 400, chat_id=alice, text="x" * 4097) == (
        "Bad Request: message is too long"
    )
    assert await api.error("sendMessage", 400, chat_id=alice, text="") == (
        "Bad Request: message text is empty"
    )
    assert await api.error(
        "sendMessage", 400, chat_id=alice, text="<b> </b>", parse_mode="HTML"
    ) == ("Bad Request: message text is empty")
    assert await api.error("sendMessage", 400, text="x") == "Bad Request: chat_id is empty"


async def test_caption_limit(api: BotApi, alice: int) -> None:
    """A 1024-character caption passes; 1025 is too long."""
    url = "https://example.org/p.jpg"
    await api.ok("sendPhoto", chat_id=alice, photo=url, caption="c" * 1024)
    assert await api.error("sendPhoto", 400, chat_id=alice, photo=url, caption="c" * 1025) == (
        "Bad Request: message caption is too long"
    )


async def test_callback_data_is_limited_to_64_bytes(api: BotApi, alice: int) -> None:
    """64 bytes of callback_data pass; 65 (or a text-only inline button) are refused."""
    await api.ok("sendMessage", chat_id=alice, text="k", reply_markup=inline(("ok", "é" * 32)))
    assert await api.error(
        "sendMessage", 400, chat_id=alice, text="k", reply_markup=inline(("bad", "x" * 65))
    ) == ("Bad Request: BUTTON_DATA_INVALID")
    description = await api.error(
        "sendMessage",
        400,
        chat_id=alice,
        text="k",
        reply_markup={"inline_keyboard": [[{"text": "t"}]]},
    )
    assert description.startswith("Bad Request: can't parse inline keyboard button")


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Hello <foo>", 'Unsupported start tag "foo" at byte offset 6'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ],
)
async def test_html_that_does_not_parse_is_refused(
    api: BotApi, alice: int, text: str, detail: str
) -> None:
    """parse_mode HTML errors come back as Telegram words them."""
    description = await api.error("sendMessage", 400, chat_id=alice, text=text, parse_mode="HTML")
    assert description == f"Bad Request: can't parse entities: {detail}"


async def test_edit_text_and_markup(api: BotApi, client: EmulatorClient, alice: int) -> None:
    """Edits change text and keyboard, keep history, and an edit that changes nothing fails."""
    sent = await api.ok("sendMessage", chat_id=alice, text="v1", reply_markup=inline(("A", "a")))
    mid = sent["message_id"]
    edited = await api.ok(
        "editMessageText", chat_id=alice, message_id=mid, text="v2", reply_markup=inline(("A", "a"))
    )
    assert edited["text"] == "v2"
    assert isinstance(edited["edit_date"], int)
    same = {"chat_id": alice, "message_id": mid, "text": "v2", "reply_markup": inline(("A", "a"))}
    assert await api.error("editMessageText", 400, **same) == NOT_MODIFIED
    cleared = await api.ok("editMessageReplyMarkup", chat_id=alice, message_id=mid)
    assert "reply_markup" not in cleared
    assert (
        await api.error("editMessageReplyMarkup", 400, chat_id=alice, message_id=mid)
        == NOT_MODIFIED
    )
    assert await api.error("editMessageText", 400, chat_id=alice, message_id=999, text="x") == (
        "Bad Request: message to edit not found"
    )
    record = (await client.messages(alice))[-1]
    assert [v["text"] for v in record["edits"]] == ["v1", "v2"]
    assert record["message"]["text"] == "v2"


async def test_bot_cannot_edit_a_users_message(
    api: BotApi, client: EmulatorClient, alice: int
) -> None:
    """Only the bot's own messages can be edited."""
    sent = await client.send_text(alice, "mine")
    assert await api.error(
        "editMessageText", 400, chat_id=alice, message_id=sent.message_id, text="x"
    ) == ("Bad Request: message can't be edited")


async def test_delete_message(api: BotApi, client: EmulatorClient, alice: int) -> None:
    """A deleted message is marked so for the client; deleting it again is not found."""
    sent = await api.ok("sendMessage", chat_id=alice, text="bye")
    assert await api.ok("deleteMessage", chat_id=alice, message_id=sent["message_id"]) is True
    assert await api.error("deleteMessage", 400, chat_id=alice, message_id=sent["message_id"]) == (
        "Bad Request: message to delete not found"
    )
    record = next(r for r in await client.messages(alice) if r["message_id"] == sent["message_id"])
    assert record["deleted"] is True
    assert await client.bot_messages(alice) == []


async def test_private_chat_permissions(api: BotApi, client: EmulatorClient, alice: int) -> None:
    """Unknown chat, never-started user and blocked user give Telegram's 400 and 403s."""
    stranger = await client.create_user("Stranger")
    assert (
        await api.error("sendMessage", 400, chat_id=424242, text="x")
        == "Bad Request: chat not found"
    )
    assert (
        await api.error("sendMessage", 400, chat_id="@nobody", text="x")
        == "Bad Request: chat not found"
    )
    assert await api.error("sendMessage", 403, chat_id=stranger, text="x") == (
        "Forbidden: bot can't initiate conversation with a user"
    )
    await client.block(alice)
    assert await api.error("sendMessage", 403, chat_id=alice, text="x") == (
        "Forbidden: bot was blocked by the user"
    )
    await client.unblock(alice)
    await api.ok("sendMessage", chat_id=alice, text="back")


@pytest.mark.parametrize(("supergroup", "kind"), [(False, "group chat"), (True, "supergroup chat")])
async def test_group_membership(
    api: BotApi, client: EmulatorClient, alice: int, supergroup: bool, kind: str
) -> None:
    """A bot writes in groups it is in; removed it is kicked, never added it is not a member."""
    with_bot = await client.create_group(
        "Officers", members=[alice], bots=[BOT_ID], supergroup=supergroup
    )
    without = await client.create_group("Other", members=[alice], supergroup=supergroup)
    assert with_bot < 0
    if supergroup:
        assert str(with_bot).startswith("-100")
    await api.ok("sendMessage", chat_id=with_bot, text="alert")
    assert await api.error("sendMessage", 403, chat_id=without, text="x") == (
        f"Forbidden: bot is not a member of the {kind}"
    )
    await client.remove_bot(with_bot, BOT_ID)
    assert await api.error("sendMessage", 403, chat_id=with_bot, text="x") == (
        f"Forbidden: bot was kicked from the {kind}"
    )
    await client.add_bot(with_bot, BOT_ID)
    await api.ok("sendMessage", chat_id=with_bot, text="again")


async def test_callback_query_is_answered_once(
    api: BotApi, client: EmulatorClient, alice: int
) -> None:
    """A press makes a callback_query update; its first answer counts, a second is refused."""
    sent = await api.ok(
        "sendMessage", chat_id=alice, text="pick", reply_markup=inline(("Yes", "y"), ("No", "n"))
    )
    await api.ok("getUpdates", offset=10**6)
    pressed = await client.press(alice, None, "No")
    updates = await api.ok("getUpdates")
    query = updates[0]["callback_query"]
    assert query["id"] == pressed.callback_query_id
    assert query["data"] == "n"
    assert query["from"]["id"] == alice
    assert query["message"]["message_id"] == sent["message_id"]
    await api.ok(
        "answerCallbackQuery", callback_query_id=query["id"], text="Noted", show_alert=True
    )
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    assert await api.error("answerCallbackQuery", 400, callback_query_id=query["id"]) == too_old
    assert await api.error("answerCallbackQuery", 400, callback_query_id="12345") == too_old
    answer = (await client.callback(query["id"]))["answer"]
    assert answer == {"text": "Noted", "show_alert": True, "url": None}


async def test_photo_upload_file_id_url_and_download(
    api: BotApi, http: httpx.AsyncClient, alice: int
) -> None:
    """A multipart photo can be fetched with getFile, resent by file_id; a URL is kept as given."""
    image = make_png(120, 80)
    response = await http.post(
        f"/bot{TOKEN}/sendPhoto",
        data={"chat_id": str(alice), "caption": "<b>pic</b>", "parse_mode": "HTML"},
        files={"photo": ("p.png", image, "image/png")},
    )
    message = response.json()["result"]
    assert message["caption"] == "pic"
    assert message["caption_entities"] == [{"offset": 0, "length": 3, "type": "bold"}]
    largest = message["photo"][-1]
    assert (largest["width"], largest["height"], largest["file_size"]) == (120, 80, len(image))
    file = await api.ok("getFile", file_id=largest["file_id"])
    download = await http.get(f"/file/bot{TOKEN}/{file['file_path']}")
    assert download.content == image
    again = await api.ok("sendPhoto", chat_id=alice, photo=largest["file_id"])
    assert again["photo"][-1]["file_id"] == largest["file_id"]
    by_url = await api.ok("sendPhoto", chat_id=alice, photo="https://example.org/x.jpg")
    assert by_url["photo"][-1]["file_id"]
    assert await api.error("sendPhoto", 400, chat_id=alice, photo="nonsense") == (
        "Bad Request: wrong file identifier/HTTP URL specified"
    )
    assert await api.error("getFile", 400, file_id="nonsense") == "Bad Request: invalid file_id"


async def test_location_venue_document_and_media_group(
    api: BotApi, http: httpx.AsyncClient, alice: int
) -> None:
    """Other sending methods return their Message objects."""
    location = await api.ok("sendLocation", chat_id=alice, latitude=51.75, longitude=-0.34)
    assert location["location"] == {"latitude": 51.75, "longitude": -0.34}
    venue = await api.ok(
        "sendVenue",
        chat_id=alice,
        latitude=51.75,
        longitude=-0.34,
        title="Hall",
        address="St Peter's St",
    )
    assert venue["venue"]["title"] == "Hall"
    assert venue["venue"]["location"]["latitude"] == 51.75
    response = await http.post(
        f"/bot{TOKEN}/sendDocument",
        data={"chat_id": str(alice)},
        files={"document": ("r.csv", b"a,b\n", "text/csv")},
    )
    document = response.json()["result"]["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "r.csv",
        "text/csv",
        4,
    )
    media = [
        {"type": "photo", "media": "attach://one", "caption": "first"},
        {"type": "photo", "media": "attach://two"},
    ]
    response = await http.post(
        f"/bot{TOKEN}/sendMediaGroup",
        data={"chat_id": str(alice), "media": json.dumps(media)},
        files={
            "one": ("1.png", make_png(), "image/png"),
            "two": ("2.png", make_png(), "image/png"),
        },
    )
    album = response.json()["result"]
    assert len(album) == 2
    assert album[0]["media_group_id"] == album[1]["media_group_id"]
    assert album[0]["caption"] == "first"
    assert await api.error("sendMediaGroup", 400, chat_id=alice, media=media[:1]) != ""


async def test_copy_message_and_reply_parameters(
    api: BotApi, client: EmulatorClient, alice: int
) -> None:
    """copyMessage answers a MessageId; replies carry reply_to_message or fail when missing."""
    sent = await client.send_text(alice, "original")
    copied = await api.ok(
        "copyMessage", chat_id=alice, from_chat_id=alice, message_id=sent.message_id
    )
    assert set(copied) == {"message_id"}
    copy = (await client.bot_messages(alice))[-1]
    assert copy["text"] == "original"
    reply = await api.ok(
        "sendMessage", chat_id=alice, text="re", reply_parameters={"message_id": sent.message_id}
    )
    assert reply["reply_to_message"]["text"] == "original"
    legacy = await api.ok(
        "sendMessage", chat_id=alice, text="re", reply_to_message_id=sent.message_id
    )
    assert legacy["reply_to_message"]["message_id"] == sent.message_id
    assert await api.error(
        "sendMessage", 400, chat_id=alice, text="re", reply_parameters={"message_id": 999}
    ) == ("Bad Request: message to be replied not found")


async def test_reply_keyboards_are_kept_for_the_client(
    api: BotApi, client: EmulatorClient, alice: int
) -> None:
    """A reply keyboard is not in the Bot API Message (as on Telegram) but the client sees it."""
    keyboard = {"keyboard": [[{"text": "Send location", "request_location": True}], ["Cancel"]]}
    sent = await api.ok("sendMessage", chat_id=alice, text="Where?", reply_markup=keyboard)
    assert "reply_markup" not in sent
    record = (await client.messages(alice))[-1]
    assert record["reply_markup"]["keyboard"][0][0]["request_location"] is True
    assert record["reply_markup"]["keyboard"][1][0] == {"text": "Cancel"}
    await api.ok("sendMessage", chat_id=alice, text="ok", reply_markup={"remove_keyboard": True})
    assert (await client.messages(alice))[-1]["reply_markup"] == {"remove_keyboard": True}
    assert await api.error("sendMessage", 400, chat_id=alice, text="x", reply_markup="{bad") == (
        "Bad Request: can't parse reply keyboard markup JSON object"
    )


async def test_commands_chat_action_and_chat_info(
    api: BotApi, client: EmulatorClient, alice: int
) -> None:
    """setMyCommands round-trips per scope; sendChatAction is an event; getChat describes."""
    commands = [{"command": "report", "description": "Report an incident"}]
    await api.ok("setMyCommands", commands=commands)
    assert await api.ok("getMyCommands") == commands
    assert await api.ok("getMyCommands", scope={"type": "all_group_chats"}) == []
    assert await api.error(
        "setMyCommands", 400, commands=[{"command": "Bad Name!", "description": "x"}]
    ) == ("Bad Request: BOT_COMMAND_INVALID")
    seq = await client.last_seq()
    await api.ok("sendChatAction", chat_id=alice, action="typing")
    event = await client.wait_for_event(lambda e: e["type"] == "chat_action", after=seq, timeout=5)
    assert event["action"] == "typing"
    chat = await api.ok("getChat", chat_id=alice)
    assert chat["id"] == alice
    assert chat["type"] == "private"
    member = await api.ok("getChatMember", chat_id=alice, user_id=alice)
    assert member["status"] == "member"


async def test_two_bots_have_separate_private_chats_with_one_user(
    http: httpx.AsyncClient, client: EmulatorClient, alice: int
) -> None:
    """Each bot has its own private chat (and message ids) with the same user."""
    other = BotApi(http, "999:echo-bot")
    await other.ok("getMe")
    assert await other.error("sendMessage", 403, chat_id=alice, text="hi") == (
        "Forbidden: bot can't initiate conversation with a user"
    )
    await client.send_text(alice, "hi echo", bot=999)
    assert [u["message"]["text"] for u in await other.ok("getUpdates")] == ["hi echo"]
    echoed = await other.ok("sendMessage", chat_id=alice, text="hi echo")
    assert echoed["message_id"] == 2
    assert [m["text"] for m in await client.bot_messages(alice, bot=999)] == ["hi echo"]
    assert await client.bot_messages(alice, bot=BOT_ID) == []
