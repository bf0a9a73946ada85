"""Two tabs on one person, and a page reloaded in the middle of a report: each tab is its own
HTTP client and event stream on the same running sandbox, as two browser tabs are."""

from __future__ import annotations

from pathlib import Path

from bot.config import default_config_data
from bot.reporting import texts as report_texts
from bot.sandbox import texts
from tests.support.configs import write_config_data

from .page import PagePerson, Sandbox, running_sandbox

RESIDENT = 100_001


async def _second_tab(sandbox: Sandbox) -> Sandbox:
    """Another page on the same sandbox (closed with :func:`_close`, never stopping it)."""
    tab = Sandbox(sandbox.process, sandbox.url)
    await tab.events.until(lambda: tab.events.connected.is_set(), "the second tab's events")
    return tab


async def _close(tab: Sandbox) -> None:
    await tab.events.close()
    await tab.http.aclose()


async def test_two_tabs_on_one_person_see_one_chat_and_a_stale_press_is_answered(
    tmp_path: Path,
) -> None:
    """Both tabs hear the bot's answers; a button pressed in one tab and then again in the
    other (whose copy is stale) gets an answer or a sentence, never silence; the report carries
    on from the second tab and both tabs show the same chat."""
    async with running_sandbox(write_config_data(tmp_path, default_config_data())) as sandbox:
        other = await _second_tab(sandbox)
        try:
            first, second = PagePerson(sandbox, RESIDENT), PagePerson(other, RESIDENT)
            asked = await first.say("/report", until="is anyone in danger")
            await second.wait_for("is anyone in danger")  # heard in the other tab too
            await first.press("No, nobody is in danger")
            await first.press("Fly tipping")
            stale = await other.post(
                f"/api/people/{RESIDENT}/press",
                {"message_id": asked["message_id"], "text": "No, nobody is in danger"},
            )  # the first tab pressed it already: the message has moved on
            if stale.status_code == 200:
                assert stale.json()["answer"] is not None  # the bot answered the old key
            else:
                assert (stale.status_code, stale.json()["error"]) == (404, texts.BUTTON_GONE)
            await second.press("Tyres")  # the question after the category, from the other tab
            assert await first.messages() == await second.messages()
        finally:
            await _close(other)


async def test_a_page_reloaded_mid_report_gets_the_chat_and_keyboard_back_and_carries_on(
    tmp_path: Path,
) -> None:
    """A new page opened while the bot asks where: it reads the whole chat and the reply
    keyboard with the share-location key, and the report carries on from it."""
    async with running_sandbox(write_config_data(tmp_path, default_config_data())) as sandbox:
        sam = PagePerson(sandbox, RESIDENT)
        await sam.say("/report", until="is anyone in danger")
        for button in ("No, nobody is in danger", "Fly tipping", "Tyres", "Done"):
            await sam.press(button)
        for button in ("A car boot load", "Park or open space", "No"):
            await sam.press(button)
        await sam.wait_for("Where is it?")
        before = await sam.messages()
        reloaded = await _second_tab(sandbox)
        await sandbox.events.close()  # the old page is gone
        try:
            chat = await reloaded.get(f"/api/people/{RESIDENT}/chats/{RESIDENT}/messages")
            assert chat["messages"] == before
            keys = [key for row in chat["reply_keyboard"] for key in row]
            assert {"text": report_texts.SHARE_LOCATION, "request_location": True,
                    "request_contact": False} in keys  # fmt: skip
            again = PagePerson(reloaded, RESIDENT)
            await again.share_place("St Albans Clock Tower", until="When did it happen")
            await again.press("Now or just now", until="Describe what you saw")
        finally:
            await _close(reloaded)
            sandbox.events = reloaded.events  # already closed: the sandbox's stop closes it again
