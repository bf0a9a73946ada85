"""JSON as stored in text columns: compact, UTF-8, keys sorted for stable bytes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def dumps(value: object) -> str:
    """Serialise a JSON-compatible value for a text column."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads_object(text: str) -> dict[str, Any]:
    """Parse a stored JSON object."""
    value = json.loads(text)
    if not isinstance(value, Mapping):
        raise ValueError("stored JSON is not an object")
    return dict(value)
