"""Timestamps as stored: UTC ISO-8601 text of fixed width, so text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """Render an aware datetime as UTC text, e.g. ``2024-05-01T09:30:00.000000+00:00``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given; storage keeps aware UTC times only")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def to_db_optional(moment: datetime | None) -> str | None:
    """Render an optional aware datetime as UTC text."""
    return None if moment is None else to_db(moment)


def from_db(text: str) -> datetime:
    """Parse stored UTC text back into an aware datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def from_db_optional(text: str | None) -> datetime | None:
    """Parse optional stored UTC text."""
    return None if text is None else from_db(text)
