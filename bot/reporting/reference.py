"""Report references that are easy to read out on the phone and to type back."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L, 5/S, 8/B, 2/Z or U/V: nothing that sounds or looks like another character.
ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
_LENGTH = 6
_TYPED = re.compile(r"[^0-9A-Z]")


def new_reference() -> str:
    """A fresh random reference such as ``K7M-4QR`` (23^6, about 148 million)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(_LENGTH))
    return f"{chars[:3]}-{chars[3:]}"


def normalise(typed: str) -> str | None:
    """A typed reference in its stored form (any case, spaces or dashes), or None if it
    cannot be one."""
    chars = _TYPED.sub("", typed.upper())
    if len(chars) != _LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return f"{chars[:3]}-{chars[3:]}"
