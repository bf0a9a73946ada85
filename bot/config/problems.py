"""Problems found in a configuration, and pydantic's errors worded for the partnership."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import (
    BaseModel,
    ValidationError,
)

from bot.config.models import Config


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a configuration file."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConfigError(Exception):
    """A configuration that cannot be used, with every problem found in it."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source} has {len(self.problems)} problem(s):\n{lines}")


_EXPECTED = {
    "int_type": "expected a whole number",
    "string_type": "expected text in quotes",
    "bool_type": "expected true or false",
    "tuple_type": "expected a list, like [1, 2]",
    "path_type": "expected a file path in quotes",
    "float_type": "expected a number",
    "model_type": "expected a table of keys",
    "missing": "is required but missing",
    "extra_forbidden": "is not a known key",
    "string_too_short": "must not be empty",
    "too_short": "must list at least one",
    "string_pattern_mismatch": "expected an id of lower-case letters, digits, '-' or '_'",
}

_PATTERNS = {
    "email": "expected an e-mail address such as 'team@example.org'",
    "sender": "expected an e-mail address such as 'safetybot@example.org'",
    "webhook_secret_env": "expected the NAME of an environment variable, like 'WASTE_HOOK_KEY'",
    "password_env": "expected the NAME of an environment variable, like 'SMTP_PASSWORD'",
}


def describe(exc: ValidationError, raw: Mapping[str, Any]) -> list[Problem]:
    errors = exc.errors(include_url=False)
    failed_items = {tuple(e["loc"][:-1]) for e in errors if len(e["loc"]) > 1}
    problems = []
    for error in errors:
        loc = tuple(error["loc"])
        kind = error["type"]
        if kind == "too_short" and any(f[: len(loc)] == loc for f in failed_items):
            continue  # a list whose items failed is reported through them, not as empty
        if kind in ("value_error", "literal_error", "greater_than_equal", "less_than_equal"):
            message = "expected " + str(error["msg"]).removeprefix("Value error, ")
            message = message.replace("expected Input should be", "expected")
        elif kind == "string_pattern_mismatch" and loc[-1] in _PATTERNS:
            message = _PATTERNS[str(loc[-1])]
        else:
            message = _EXPECTED.get(kind, str(error["msg"]))
        if kind.endswith("_type") and kind != "model_type":
            message += f", got {error['input']!r}"
        if kind == "extra_forbidden":
            message += _known_keys(loc)
        problems.append(Problem(key_path(loc, raw), message))
    return problems


def _known_keys(loc: tuple[int | str, ...]) -> str:
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[str(part)].annotation
        inner = getattr(annotation, "__args__", (annotation,))[0]
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return ""
        model = inner
    return " (expected one of: " + ", ".join(model.model_fields) + ")"


def key_path(loc: Iterable[int | str], raw: Mapping[str, Any]) -> str:
    """Render a location as agencies[2] (id "waste").chat_id, naming list items by id."""
    text = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                text += f' (id "{node["id"]}")'
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text
