"""A resident talking to the bot through the emulator, one step at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.emulator import EmulatorClient
from bot.emulator.client import EmulatorError, buttons

Message = dict[str, Any]


def _matches(text: str | None) -> Callable[[Message], bool]:
    def check(message: Message) -> bool:
        body = message.get("text") or message.get("caption") or ""
        return text is None or text in body

    return check


class Resident:
    """Sends, taps and shares as one user, and waits for the bot's answer each time."""

    def __init__(self, client: EmulatorClient, user_id: int) -> None:
        self.client = client
        self.id = user_id

    async def _after(self, seq: int, until: str | None) -> Message:
        try:
            return await self.client.wait_for_message(self.id, after=seq, predicate=_matches(until))
        except TimeoutError as exc:
            said = [
                m.get("text") or m.get("caption") for m in await self.client.bot_messages(self.id)
            ]
            raise AssertionError(
                f"no message with {until!r}; the bot said last: {said[-3:]}"
            ) from exc

    async def say(self, text: str, until: str | None = None) -> Message:
        """Send text; return the bot's next message (containing ``until`` if given)."""
        sent = await self.client.send_text(self.id, text)
        return await self._after(sent.seq, until)

    async def tap(self, button: str, until: str | None = None) -> Message:
        """Press an inline button on the bot's latest message that has it (waiting for such a
        message if the bot has not sent it yet); return the bot's next message."""
        pressed = await self._press(button)
        return await self._after(pressed, until)

    async def _press(self, button: str) -> int:
        before = await self.client.last_seq()
        try:
            return (await self.client.press(self.id, None, button)).seq
        except EmulatorError:
            await self.client.wait_for_message(
                self.id, after=before, predicate=lambda m: button in buttons(m)
            )
            return (await self.client.press(self.id, None, button)).seq

    async def toggle(self, button: str) -> Message:
        """Tick or untick an option of a several-choice question; return the edited message."""
        pressed = await self._press(button)
        return await self.client.wait_for_edit(self.id, after=pressed)

    async def pin(self, latitude: float, longitude: float, until: str | None = None) -> Message:
        """Share a location pin."""
        sent = await self.client.send_location(self.id, latitude, longitude)
        return await self._after(sent.seq, until)

    async def photo(self, until: str | None = None) -> Message:
        """Send a photo."""
        sent = await self.client.send_photo(self.id)
        return await self._after(sent.seq, until)

    async def send_media(self, kind: str, until: str | None = None) -> Message:
        """Send a sticker, voice note or video."""
        sent = await self.client.send_media(self.id, kind)
        return await self._after(sent.seq, until)

    async def last_buttons(self) -> list[str]:
        """The buttons of the bot's latest message in this chat."""
        messages = await self.client.bot_messages(self.id)
        return buttons(messages[-1]) if messages else []
