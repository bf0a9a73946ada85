"""Typed access to a Bot API call's parameters, whichever way they arrived.

Query strings, form bodies and multipart bodies carry every value as a string (JSON-typed values
as JSON text); JSON bodies carry native values. :class:`Params` reads both the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import ApiError, bad_request


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent in a multipart body."""

    filename: str | None
    content_type: str | None
    content: bytes


class Params:
    """A call's parameters with Telegram-worded errors for missing or malformed ones."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def has(self, name: str) -> bool:
        """Tell whether the parameter was given (and is not null)."""
        return self._values.get(name) is not None

    def raw(self, name: str) -> Any:
        """Return the value as it arrived."""
        return self._values.get(name)

    def get_str(
        self, name: str, *, required: bool = False, empty_error: str | None = None
    ) -> str | None:
        """Return a string parameter; a required one that is missing or empty is an error."""
        value = self._values.get(name)
        if isinstance(value, Upload):
            value = value.content.decode("utf-8", "replace")
        if value is not None and not isinstance(value, str):
            value = json.dumps(value) if isinstance(value, dict | list) else str(value)
        if required and not value:
            raise bad_request(empty_error or f"{name} is empty")
        return value

    def get_int(
        self, name: str, *, required: bool = False, default: int | None = None
    ) -> int | None:
        """Return an integer parameter."""
        value = self._values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return default
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def req_int(self, name: str) -> int:
        """Return a required integer parameter."""
        value = self.get_int(name, required=True)
        assert value is not None
        return value

    def get_float(self, name: str, *, required: bool = False) -> float | None:
        """Return a number parameter."""
        value = self._values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        """Return a boolean parameter (false when absent)."""
        value = self._values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1", "yes"}
        return bool(value)

    def get_json(self, name: str, *, what: str | None = None) -> Any:
        """Return a JSON-typed parameter, decoding it when it arrived as text."""
        value = self._values.get(name)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {what or name} JSON object") from None
        return value

    def upload(self, name: str) -> Upload | None:
        """Return the multipart file part called ``name``."""
        value = self._values.get(name)
        return value if isinstance(value, Upload) else None

    def chat_id(self, name: str = "chat_id") -> int:
        """Return the chat id; an @username or junk names no chat this emulator knows."""
        value = self._values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def maybe_chat_id(self) -> int | None:
        """Return the chat id when it is a valid integer, for fault and limit matching."""
        try:
            return self.chat_id()
        except ApiError:
            return None
