"""The error a Bot API method answers with, in Telegram's words."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API failure: HTTP status, ``error_code`` and ``description`` as Telegram sends them."""

    def __init__(
        self,
        code: int,
        description: str,
        retry_after: float | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def to_api(self) -> dict[str, Any]:
        """Return the JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        if self.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": self.migrate_to_chat_id}
        return body


def bad_request(detail: str) -> ApiError:
    """Return a 400 ``Bad Request: <detail>``."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """Return a 403 ``Forbidden: <detail>``."""
    return ApiError(403, f"Forbidden: {detail}")


def not_found() -> ApiError:
    """Return Telegram's 404 for a malformed token or an unknown method."""
    return ApiError(404, "Not Found")


def migrated(new_chat_id: int) -> ApiError:
    """Return Telegram's 400 for a group that became a supergroup, naming the new chat id."""
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=new_chat_id,
    )


def too_many_requests(retry_after: float) -> ApiError:
    """Return a 429 with ``retry_after`` shown as Telegram shows it."""
    shown = int(retry_after) if float(retry_after).is_integer() else retry_after
    return ApiError(429, f"Too Many Requests: retry after {shown}", retry_after=shown)
